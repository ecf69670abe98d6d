package dev.cairn.server;

import dev.cairn.contracts.api.ArtifactUploaded;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.orchestrator.api.Orchestrator;
import io.helidon.http.HeaderNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artifact download (GET and HEAD) and upload, streamed both ways: neither side holds an artifact
 * in memory. The digest travels in {@code Repr-Digest} (RFC 9530), derived from the id: an artifact
 * id is the SHA-256 of its bytes.
 */
final class ArtifactRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(ArtifactRoutes.class);

    static final String OCTET_STREAM = "application/octet-stream";
    static final String KIND_HEADER = "X-Cairn-Artifact-Kind";
    static final String ID_HEADER = "X-Cairn-Artifact-Id";
    static final String DIGEST_HEADER = "Repr-Digest";

    private static final Pattern KIND = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");
    private static final int CHUNK = 1 << 16;

    private final Orchestrator orchestrator;
    private final ServerLimits limits;

    ArtifactRoutes(Orchestrator orchestrator, ServerLimits limits) {
        this.orchestrator = orchestrator;
        this.limits = limits;
    }

    void register(Router router) {
        router.add("GET", "/v1/artifacts/{artifactId}", Access.CLIENT_OR_RUNNER, ex -> download(ex, false));
        router.add("HEAD", "/v1/artifacts/{artifactId}", Access.CLIENT_OR_RUNNER, ex -> download(ex, true));
        router.add("POST", "/v1/artifacts", Access.CLIENT_OR_RUNNER, this::upload);
    }

    /** {@code sha-256=:<base64>:} of the bytes an id names. */
    static String reprDigest(ArtifactId id) {
        return "sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(id.value())) + ":";
    }

    private void download(Exchange ex, boolean head) throws IOException {
        ex.noQuery();
        ArtifactId id = ArtifactId.of(ex.param("artifactId"));
        ArtifactStore store = orchestrator.artifacts();
        long size = store.size(id);
        String etag = "\"" + id.value() + "\"";
        Optional<String> ifNoneMatch = ex.requestHeader(HeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch.isPresent() && matches(ifNoneMatch.get(), etag)) {
            headers(ex, id);
            ex.empty(304);
            return;
        }
        if (head) {
            headers(ex, id);
            ex.header(HeaderNames.CONTENT_TYPE.defaultCase(), OCTET_STREAM);
            ex.contentLength(size);
            ex.empty(200);
            return;
        }
        try (InputStream in = store.openStream(id)) {
            headers(ex, id);
            ex.contentLength(size);
            OutputStream out = ex.stream(200, OCTET_STREAM);
            copyHoldingBackTheLastChunk(in, out, id);
            out.close();
        }
    }

    private static void headers(Exchange ex, ArtifactId id) {
        ex.header("ETag", "\"" + id.value() + "\"");
        ex.header(DIGEST_HEADER, reprDigest(id));
        ex.header(ID_HEADER, id.value());
        ex.header("Cache-Control", "private, max-age=31536000, immutable");
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals("*") || tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Copies {@code in} to {@code out}, writing each chunk only once the next read succeeded: a
     * store that finds the bytes corrupt when the stream ends fails that last read, so the client
     * never receives the whole (wrong) body, whatever it checks.
     */
    private static void copyHoldingBackTheLastChunk(InputStream in, OutputStream out, ArtifactId id) {
        byte[] held = new byte[CHUNK];
        byte[] next = new byte[CHUNK];
        int heldLength = 0;
        try {
            for (int n; (n = in.readNBytes(next, 0, CHUNK)) > 0; ) {
                if (heldLength > 0) {
                    out.write(held, 0, heldLength);
                }
                byte[] swap = held;
                held = next;
                next = swap;
                heldLength = n;
            }
        } catch (IOException e) {
            LOG.error("artifact {} failed while it was sent; the connection is cut", id.value(), e);
            throw new StreamAborted("artifact " + id.value() + " failed while it was sent");
        }
        try {
            if (heldLength > 0) {
                out.write(held, 0, heldLength);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void upload(Exchange ex) {
        ex.noQuery();
        ArtifactKind kind = kind(ex.requestHeader(HeaderNames.create(KIND_HEADER)));
        Optional<String> expected =
                ex.requestHeader(HeaderNames.create(DIGEST_HEADER)).map(ArtifactRoutes::sha256Of);
        BoundedInputStream body = ex.bodyStream(OCTET_STREAM, limits.maxArtifactBytes());
        ArtifactId id = orchestrator.artifacts().putStream(kind, body);
        if (expected.isPresent() && !expected.get().equals(id.value())) {
            throw ServerException.digestMismatch(expected.get(), id.value());
        }
        ex.header("Location", "/v1/artifacts/" + id.value());
        ex.header(DIGEST_HEADER, reprDigest(id));
        ex.header(ID_HEADER, id.value());
        ex.json(201, new ArtifactUploaded(id.value(), body.count()));
    }

    private static ArtifactKind kind(Optional<String> header) {
        if (header.isEmpty()) {
            return new ArtifactKind.Output();
        }
        String name = header.get().strip();
        if (!KIND.matcher(name).matches()) {
            throw ServerException.invalidHeader(
                    KIND_HEADER,
                    "must be a kind name (Output, Manifest, ContextSnapshot, FactPayload, SecretPayload or another"
                            + " name of letters, digits, `.`, `_`, `-`), got `" + ServerException.shorten(name) + "`");
        }
        return switch (name) {
            case "Output" -> new ArtifactKind.Output();
            case "Manifest" -> new ArtifactKind.Manifest();
            case "ContextSnapshot" -> new ArtifactKind.ContextSnapshot();
            case "FactPayload" -> new ArtifactKind.FactPayload();
            case "SecretPayload" -> new ArtifactKind.SecretPayload();
            default -> new ArtifactKind.Other(name);
        };
    }

    /** The hex SHA-256 a {@code Repr-Digest} header announces (RFC 9530; other algorithms aside). */
    static String sha256Of(String header) {
        for (String member : header.split(",")) {
            String entry = member.strip();
            int eq = entry.indexOf('=');
            if (eq < 0 || !entry.substring(0, eq).strip().equals("sha-256")) {
                continue;
            }
            String value = entry.substring(eq + 1).strip();
            if (value.length() < 2 || value.charAt(0) != ':' || value.charAt(value.length() - 1) != ':') {
                break;
            }
            try {
                byte[] digest = Base64.getDecoder().decode(value.substring(1, value.length() - 1));
                if (digest.length == 32) {
                    return HexFormat.of().formatHex(digest);
                }
            } catch (IllegalArgumentException e) {
                // falls through to the error below
            }
            break;
        }
        throw ServerException.invalidHeader(
                DIGEST_HEADER, "must hold a SHA-256 as `sha-256=:<base64 of 32 bytes>:` (RFC 9530)");
    }
}
