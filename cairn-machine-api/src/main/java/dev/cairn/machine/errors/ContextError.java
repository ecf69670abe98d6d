package dev.cairn.machine.errors;

import dev.cairn.json.wire.Transparent;
import dev.cairn.json.wire.WireEnum;
import dev.cairn.machine.ids.ContextKey;
import java.util.Objects;

/**
 * Seed {@code errors::ContextError}: failure reading or mutating the execution context. Wire form:
 * {@code {"MissingKey":{"key":"k","info":{…}}}}, {@code {"Serialization":{…}}}, {@code
 * {"Other":{…}}}. Thrown as {@link ContextException}.
 */
@WireEnum
public sealed interface ContextError {

    /** The structured payload of every variant. */
    ErrorInfo info();

    /**
     * A required context key was not present.
     *
     * @param key the missing key
     * @param info details of the failed lookup
     */
    record MissingKey(ContextKey key, ErrorInfo info) implements ContextError {
        public MissingKey {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(info, "info");
        }
    }

    /** JSON serialization or deserialization of a context value failed. */
    @Transparent
    record Serialization(ErrorInfo info) implements ContextError {
        public Serialization {
            Objects.requireNonNull(info, "info");
        }
    }

    /** Any other context failure. */
    @Transparent
    record Other(ErrorInfo info) implements ContextError {
        public Other {
            Objects.requireNonNull(info, "info");
        }
    }
}
