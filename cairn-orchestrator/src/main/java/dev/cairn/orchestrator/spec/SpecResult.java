package dev.cairn.orchestrator.spec;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of reading or binding a spec: a value, or every error found (never both, never an
 * exception for bad input).
 *
 * @param <T> what a valid outcome holds
 */
public sealed interface SpecResult<T> {

    /** The errors, sorted by position; empty for a valid outcome. */
    List<SpecError> errors();

    /** The value, or a {@link SpecException} carrying every error. */
    T orThrow();

    /** Whether there is a value. */
    default boolean isValid() {
        return this instanceof Valid<T>;
    }

    /** A valid outcome. */
    record Valid<T>(T value) implements SpecResult<T> {
        public Valid {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public List<SpecError> errors() {
            return List.of();
        }

        @Override
        public T orThrow() {
            return value;
        }
    }

    /**
     * An invalid outcome.
     *
     * @param source the document's name, or empty
     * @param errors at least one error, sorted by position
     */
    record Invalid<T>(String source, List<SpecError> errors) implements SpecResult<T> {
        public Invalid {
            source = source == null ? "" : source;
            errors = List.copyOf(errors);
            if (errors.isEmpty()) {
                throw new IllegalArgumentException("an invalid result needs at least one error");
            }
        }

        @Override
        public T orThrow() {
            throw new SpecException(source, errors);
        }
    }
}
