package dev.cairn.machine.errors;

import dev.cairn.json.wire.Transparent;
import dev.cairn.json.wire.WireEnum;
import java.util.Objects;

/**
 * Seed {@code errors::StorageError}: failure of the event store or the artifact store. Wire form:
 * {@code {"Concurrency":{…info…}}}, {@code {"NotFound":{…}}}, {@code {"Corruption":{…}}}, {@code
 * {"Other":{…}}}. Thrown as {@link StorageException}.
 */
@WireEnum
public sealed interface StorageError {

    /** The structured payload of every variant. */
    ErrorInfo info();

    /** An append's optimistic-concurrency expectation was stale. */
    @Transparent
    record Concurrency(ErrorInfo info) implements StorageError {
        public Concurrency {
            Objects.requireNonNull(info, "info");
        }
    }

    /** A requested record or artifact does not exist. */
    @Transparent
    record NotFound(ErrorInfo info) implements StorageError {
        public NotFound {
            Objects.requireNonNull(info, "info");
        }
    }

    /** Persisted data exists but failed integrity or shape checks. */
    @Transparent
    record Corruption(ErrorInfo info) implements StorageError {
        public Corruption {
            Objects.requireNonNull(info, "info");
        }
    }

    /** Any other storage failure. */
    @Transparent
    record Other(ErrorInfo info) implements StorageError {
        public Other {
            Objects.requireNonNull(info, "info");
        }
    }
}
