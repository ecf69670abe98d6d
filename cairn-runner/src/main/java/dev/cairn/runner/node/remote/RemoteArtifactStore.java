package dev.cairn.runner.node.remote;

import dev.cairn.contracts.api.ArtifactUploaded;
import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.StorageError;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@link ArtifactStore} over the server's artifact routes ({@code docs/http-api.md}, "Artifacts"),
 * with the bearer runner token. Bytes stream both ways and are verified:
 *
 * <ul>
 *   <li>{@code GET /v1/artifacts/{id}}: the {@code X-Cairn-Artifact-Id} and {@code Repr-Digest}
 *       ({@code sha-256=:<base64>:}) headers must name the id asked for, and the body is hashed as it
 *       is read. {@link #openStream} hands out the bytes as they arrive; a body that does not hash to
 *       the id, or is shorter than its {@code Content-Length}, fails the last {@code read} with an
 *       {@link IOException} caused by a {@code Corruption} {@link StorageException}, as the contract
 *       allows. {@link #get} reports it as {@code artifact_corrupt}.
 *   <li>{@code POST /v1/artifacts}: the bytes as {@code application/octet-stream}, with the kind in
 *       {@code X-Cairn-Artifact-Kind} ({@code Output}, {@code Manifest}, ... or {@code Other:<name>});
 *       the id the server answers must equal the SHA-256 computed here while sending. {@link
 *       #putStream} sends the stream without buffering it (chunked) and is tried once; {@link #put}
 *       is retried.
 *   <li>{@code HEAD /v1/artifacts/{id}}: 200 or 404.
 * </ul>
 *
 * <p>Blobs of up to 256 KiB read whole with {@link #get} are kept, 16 MiB at most, least recently
 * read dropped first: they are immutable and were verified against their id, so reading one again
 * (the input every task of a fan-out shares) asks the server nothing. A blob deleted on the server
 * since may still be read here.
 *
 * <p>Errors are {@link StorageException}s: {@code artifact_not_found}; {@code artifact_corrupt};
 * {@code storage_unavailable} (retryable) when the server cannot be reached or answers 503 after the
 * retries; otherwise the envelope's own code, retryability and hint ({@code unauthenticated}, ...).
 * {@link #putDeferred} is {@link #put} and {@link #sync()} does nothing: the server acknowledges
 * only durable bytes.
 */
public final class RemoteArtifactStore implements ArtifactStore, AutoCloseable {

    /** The header naming an upload's kind. */
    public static final String KIND_HEADER = "X-Cairn-Artifact-Kind";

    /** The header holding a download's artifact id. */
    public static final String ID_HEADER = "X-Cairn-Artifact-Id";

    /** The RFC 9530 digest header of a download. */
    public static final String DIGEST_HEADER = "Repr-Digest";

    private static final String OCTETS = "application/octet-stream";

    /** Blobs of at most this size read by {@link #get} are kept in {@link #recent}. */
    static final int RECENT_MAX_BLOB = 256 * 1024;

    /** How many bytes {@link #recent} holds at most. */
    static final long RECENT_MAX_BYTES = 16L * 1024 * 1024;

    private final HttpTransport http;
    private final RecentBlobs recent = new RecentBlobs(RECENT_MAX_BLOB, RECENT_MAX_BYTES);

    RemoteArtifactStore(HttpTransport http) {
        this.http = http;
    }

    /** A client of the server at {@code options.serverUrl()}. */
    public static RemoteArtifactStore create(RemoteClientOptions options) {
        return new RemoteArtifactStore(new HttpTransport(Objects.requireNonNull(options, "options")));
    }

    @Override
    public ArtifactId put(ArtifactKind kind, byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        String expected = ArtifactIds.ofBytes(bytes);
        HttpResponse<byte[]> response = http.send(
                "POST /v1/artifacts",
                () -> upload(kind)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray(),
                HttpTransport.Retry.IDEMPOTENT,
                p -> failed(p, Optional.empty()));
        return accepted(response.body(), expected, bytes.length);
    }

    @Override
    public ArtifactId putStream(ArtifactKind kind, InputStream content) {
        Objects.requireNonNull(content, "content");
        HashingStream hashing = new HashingStream(content);
        HttpResponse<byte[]> response;
        try {
            response = http.upload(
                    "POST /v1/artifacts",
                    () -> upload(kind)
                            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> hashing))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray(),
                    p -> failed(p, Optional.empty()));
        } catch (StorageException e) {
            if (hashing.interruptedIn(Thread.currentThread())) {
                // On a pooled connection the client pulls the body in the calling thread: an
                // interrupt then ends the caller's own read (its flag cleared, as a socket's read
                // does) and the send fails as an I/O error. It is the caller's interrupt all the same.
                Thread.currentThread().interrupt();
                throw StorageException.interrupted();
            }
            if (hashing.failure != null && !HttpTransport.INTERRUPTED.equals(e.code())) {
                throw StorageException.streamFailed(hashing.failure);
            }
            throw e;
        }
        return accepted(response.body(), HexFormat.of().formatHex(hashing.digest.digest()), hashing.count);
    }

    /**
     * Keeps {@code bytes}, which this node hashed to {@code id} itself and the server acknowledged
     * (an output sent inline with a completion), as if read: a later {@link #get} of it asks the
     * server nothing.
     */
    void remember(ArtifactId id, byte[] bytes) {
        recent.put(id, bytes);
    }

    @Override
    public byte[] get(ArtifactId id) {
        Objects.requireNonNull(id, "id");
        byte[] cached = recent.get(id);
        if (cached != null) {
            return cached.clone();
        }
        try (InputStream in = openStream(id)) {
            byte[] bytes = in.readAllBytes();
            recent.put(id, bytes.clone()); // verified: the stream hashed it to id as it was read
            return bytes;
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw StorageException.interrupted();
        } catch (IOException e) {
            if (e.getCause() instanceof StorageException storage) {
                throw storage;
            }
            throw StorageException.unavailable(
                    "reading artifact " + id + " from the server failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(ArtifactId id) {
        Objects.requireNonNull(id, "id");
        try {
            http.send(
                    "HEAD /v1/artifacts/" + id.value(),
                    () -> http.request(
                                    "v1/artifacts/" + id.value(), http.options().requestTimeout())
                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.discarding(),
                    HttpTransport.Retry.IDEMPOTENT,
                    p -> failed(p, Optional.of(id)));
            return true;
        } catch (StorageException e) {
            if (e.error() instanceof StorageError.NotFound) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public InputStream openStream(ArtifactId id) {
        Objects.requireNonNull(id, "id");
        byte[] cached = recent.get(id);
        if (cached != null) {
            return new ByteArrayInputStream(cached);
        }
        HttpResponse<InputStream> response = http.send(
                "GET /v1/artifacts/" + id.value(),
                () -> http.request("v1/artifacts/" + id.value(), http.options().requestTimeout())
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream(),
                HttpTransport.Retry.IDEMPOTENT,
                p -> failed(p, Optional.of(id)));
        HttpHeaders headers = response.headers();
        Optional<String> servedId = headers.firstValue(ID_HEADER);
        Optional<String> digest = headers.firstValue(DIGEST_HEADER);
        String expectedDigest = reprDigest(id);
        if ((servedId.isPresent() && !servedId.get().equals(id.value()))
                || (digest.isPresent() && !digest.get().contains(expectedDigest))) {
            close(response.body());
            throw StorageException.corruption(
                    "artifact_corrupt",
                    "the server answered artifact " + id + " with " + ID_HEADER + " " + servedId.orElse("-") + " and "
                            + DIGEST_HEADER + " " + digest.orElse("-"));
        }
        OptionalLong length = headers.firstValueAsLong("Content-Length");
        return new VerifyingStream(response.body(), id, length);
    }

    /** The {@code Repr-Digest} member for artifact {@code id}: {@code sha-256=:<base64 of the digest>:}. */
    public static String reprDigest(ArtifactId id) {
        return "sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(id.value())) + ":";
    }

    /** The {@value #KIND_HEADER} value of {@code kind}, if it can be written as a header. */
    public static Optional<String> kindHeader(ArtifactKind kind) {
        return switch (kind) {
            case ArtifactKind.Manifest m -> Optional.of("Manifest");
            case ArtifactKind.ContextSnapshot c -> Optional.of("ContextSnapshot");
            case ArtifactKind.FactPayload f -> Optional.of("FactPayload");
            case ArtifactKind.SecretPayload s -> Optional.of("SecretPayload");
            case ArtifactKind.Output o -> Optional.of("Output");
            case ArtifactKind.Other other ->
                other.value().chars().allMatch(c -> c > 0x20 && c < 0x7f)
                        ? Optional.of("Other:" + other.value())
                        : Optional.empty();
        };
    }

    private HttpRequest.Builder upload(ArtifactKind kind) {
        HttpRequest.Builder builder =
                http.request("v1/artifacts", http.options().requestTimeout()).header("Content-Type", OCTETS);
        kindHeader(Objects.requireNonNull(kind, "kind")).ifPresent(k -> builder.header(KIND_HEADER, k));
        return builder;
    }

    private ArtifactId accepted(byte[] body, String expected, long size) {
        ArtifactUploaded uploaded =
                http.read("POST /v1/artifacts", body, ArtifactUploaded.class, p -> failed(p, Optional.empty()));
        if (!uploaded.artifactId().equals(expected) || uploaded.sizeBytes() != size) {
            throw StorageException.corruption(
                    "artifact_corrupt",
                    "the server stored " + uploaded.sizeBytes() + " bytes as " + uploaded.artifactId() + " but " + size
                            + " bytes hashing to " + expected + " were sent");
        }
        return new ArtifactId(expected);
    }

    private static StorageException failed(HttpTransport.Problem problem, Optional<ArtifactId> id) {
        if (problem.code().equals(HttpTransport.INTERRUPTED)) {
            return StorageException.interrupted();
        }
        if (id.isPresent() && (problem.code().equals("artifact_not_found") || problem.status() == 404)) {
            return StorageException.artifactNotFound(id.get());
        }
        if (problem.code().equals("artifact_corrupt")) {
            return StorageException.corruption("artifact_corrupt", problem.route() + ": " + problem.message());
        }
        if (problem.retryable()) {
            return StorageException.unavailable(problem.route() + ": " + problem.message(), problem.cause());
        }
        return new StorageException(
                new StorageError.Other(ErrorInfo.of(
                        problem.code(), ErrorCategory.STORAGE, false, problem.route() + ": " + problem.message())),
                problem.hint(),
                problem.cause());
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the connection is dropped either way
        }
    }

    /** Aborts calls in flight and releases the HTTP client. */
    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "RemoteArtifactStore[" + http.options().serverUrl() + "]";
    }

    /** Hashes and counts what the upload reads from the caller's stream; remembers a read failure. */
    private static final class HashingStream extends InputStream {
        private final InputStream in;
        private final MessageDigest digest = ArtifactIds.sha256();
        private long count;
        private IOException failure;
        private Thread failedIn;

        HashingStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                failure = e;
                failedIn = Thread.currentThread();
                throw e;
            }
            if (n > 0) {
                digest.update(b, off, n);
                count += n;
            }
            return n;
        }

        /** Whether a read in {@code thread} ended because that thread was interrupted. */
        boolean interruptedIn(Thread thread) {
            return failure instanceof InterruptedIOException && failedIn == thread;
        }

        @Override
        public void close() {
            // the caller owns the stream
        }
    }

    /** Hands out a download's bytes as they arrive and checks them against the id at the end. */
    private static final class VerifyingStream extends InputStream {
        private final InputStream in;
        private final ArtifactId id;
        private final OptionalLong length;
        private final MessageDigest digest = ArtifactIds.sha256();
        private long count;
        private boolean verified;

        VerifyingStream(InputStream in, ArtifactId id, OptionalLong length) {
            this.in = in;
            this.id = id;
            this.length = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = in.read(b, off, len);
            if (n > 0) {
                digest.update(b, off, n);
                count += n;
                return n;
            }
            if (n < 0 && !verified) {
                verified = true;
                String actual = HexFormat.of().formatHex(digest.digest());
                if (length.isPresent() && length.getAsLong() != count) {
                    throw new IOException(
                            "artifact " + id + " ended after " + count + " of " + length.getAsLong() + " bytes",
                            StorageException.unavailable("the download of artifact " + id + " was cut short", null));
                }
                if (!actual.equals(id.value())) {
                    throw new IOException(
                            "artifact " + id + " as downloaded hashes to " + actual,
                            StorageException.artifactCorrupt(id, new ArtifactId(actual)));
                }
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /**
     * The small blobs read most recently, least recently used dropped first. Blobs are immutable
     * and named by their hash, and only bytes that hashed to their id are kept, so a blob read again
     * (an input every task of a fan-out shares) costs no request. Thread-safe.
     */
    static final class RecentBlobs {
        private final int maxBlob;
        private final long maxBytes;
        private final LinkedHashMap<ArtifactId, byte[]> blobs = new LinkedHashMap<>(16, 0.75f, true);
        private long bytes;

        RecentBlobs(int maxBlob, long maxBytes) {
            this.maxBlob = maxBlob;
            this.maxBytes = maxBytes;
        }

        synchronized byte[] get(ArtifactId id) {
            return blobs.get(id);
        }

        synchronized void put(ArtifactId id, byte[] blob) {
            if (blob.length > maxBlob || blobs.containsKey(id)) {
                return;
            }
            blobs.put(id, blob);
            bytes += blob.length;
            var eldest = blobs.entrySet().iterator();
            while (bytes > maxBytes && eldest.hasNext()) {
                bytes -= eldest.next().getValue().length;
                eldest.remove();
            }
        }

        synchronized int size() {
            return blobs.size();
        }
    }
}
