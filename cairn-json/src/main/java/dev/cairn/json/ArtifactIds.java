package dev.cairn.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Content addresses: the lowercase hex SHA-256 of bytes, and of the RFC 8785 canonical bytes of
 * structured data ({@link Canonical}). {@code cairn-machine-api}'s {@code ArtifactId} wraps these
 * strings.
 *
 * <p>Hashing a tree streams the canonical bytes through a reused 16 KiB buffer into the digest;
 * nothing proportional to the document is allocated. Each thread keeps one buffer and digest.
 */
public final class ArtifactIds {

    /** Length of an id: 64 lowercase hex digits. */
    public static final int LENGTH = 64;

    private static final HexFormat HEX = HexFormat.of();

    /** Never updated, only cloned. */
    private static final MessageDigest SHA256_PROTOTYPE = newSha256();

    private static final ThreadLocal<Hasher> HASHER = ThreadLocal.withInitial(Hasher::new);

    private ArtifactIds() {}

    /** The id of structured data: SHA-256 of its canonical JSON; refusals as in {@link Canonical}. */
    public static String ofJson(JsonNode node) {
        Objects.requireNonNull(node, "node");
        Hasher hasher = HASHER.get();
        if (hasher.writer.busy) {
            hasher = new Hasher(); // only reachable if a JsonNode calls back into hashing
        }
        return hasher.hash(node);
    }

    /** The id of bytes: their SHA-256. */
    public static String ofBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return HEX.formatHex(sha256().digest(bytes));
    }

    /** The id of everything left in {@code in}, read in 64 KiB chunks; does not close it. */
    public static String ofStream(InputStream in) throws IOException {
        Objects.requireNonNull(in, "in");
        MessageDigest digest = sha256();
        byte[] chunk = new byte[64 * 1024];
        for (int n; (n = in.read(chunk)) >= 0; ) {
            digest.update(chunk, 0, n);
        }
        return HEX.formatHex(digest.digest());
    }

    /** Whether {@code id} has the form of an id (64 lowercase hex digits). */
    public static boolean isValid(String id) {
        if (id == null || id.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = id.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest sha256() {
        // A clone of a prototype: MessageDigest.getInstance searches the providers each time (1.5 %
        // of the server's CPU in bench tasks, which hashes every fact payload and blob).
        try {
            return (MessageDigest) SHA256_PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256();
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    /** A digest and a canonical writer draining into it, reused by one thread. */
    private static final class Hasher {
        private final MessageDigest digest = sha256();
        private final CanonicalWriter writer = new CanonicalWriter((bytes, length) -> digest.update(bytes, 0, length));

        String hash(JsonNode node) {
            writer.busy = true;
            try {
                writer.reset();
                writer.write(node);
                writer.flush();
                return HEX.formatHex(digest.digest());
            } finally {
                digest.reset();
                writer.reset();
                writer.busy = false;
            }
        }
    }
}
