package dev.cairn.machine.ids;

import dev.cairn.json.wire.Transparent;

/**
 * Seed {@code ids::ArtifactId}: content-addressed identifier of an artifact, the lowercase hex
 * SHA-256 of its bytes (structured data: of its RFC 8785 canonical JSON bytes).
 *
 * <p>The seed states the invariant ("lowercase hex digest string") without enforcing it; Cairn
 * enforces it for the default algorithm: exactly 64 characters of {@code [0-9a-f]}, else {@link
 * IdValidationException} (kind {@code artifact_id}). Wire form: the bare string.
 *
 * <p>Computing an id from bytes or JSON belongs to {@code cairn-json}'s hashing, not to this type.
 */
@Transparent
public record ArtifactId(String value) implements Comparable<ArtifactId> {

    /** The kind named by {@link IdValidationException#kind()}. */
    public static final String KIND = "artifact_id";

    /** Length of a SHA-256 digest in hex. */
    public static final int HEX_LENGTH = 64;

    public ArtifactId {
        if (value == null || !isDigest(value)) {
            throw IdValidationException.of(KIND, value, "64 lowercase hex characters (a SHA-256 digest)");
        }
    }

    /** A validated id, or {@link IdValidationException}. */
    public static ArtifactId of(String value) {
        return new ArtifactId(value);
    }

    private static boolean isDigest(String value) {
        if (value.length() != HEX_LENGTH) {
            return false;
        }
        for (int i = 0; i < HEX_LENGTH; i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(ArtifactId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
