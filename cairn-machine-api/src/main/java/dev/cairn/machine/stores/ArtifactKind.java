package dev.cairn.machine.stores;

import dev.cairn.json.wire.Transparent;
import dev.cairn.json.wire.WireEnum;
import java.util.Objects;

/**
 * Seed {@code stores::ArtifactKind}: classification of an artifact for retention, validation and
 * output handling. Wire form: {@code "Manifest"}, {@code "ContextSnapshot"}, {@code "FactPayload"},
 * {@code "SecretPayload"}, {@code "Output"}, {@code {"Other":"blob"}}.
 */
@WireEnum
public sealed interface ArtifactKind {

    /** A run manifest. */
    record Manifest() implements ArtifactKind {}

    /** A serialized context snapshot. */
    record ContextSnapshot() implements ArtifactKind {}

    /** A recorded fact payload. */
    record FactPayload() implements ArtifactKind {}

    /** An encrypted secret payload: ciphertext only, never plaintext. */
    record SecretPayload() implements ArtifactKind {}

    /** A user-facing output. */
    record Output() implements ArtifactKind {}

    /**
     * An operation- or backend-specific kind.
     *
     * @param value the kind's name
     */
    @Transparent
    record Other(String value) implements ArtifactKind {
        public Other {
            Objects.requireNonNull(value, "value");
        }
    }
}
