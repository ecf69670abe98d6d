package dev.cairn.machine.errors;

import dev.cairn.json.wire.Transparent;
import dev.cairn.json.wire.WireEnum;
import java.util.Objects;

/**
 * Seed {@code errors::RunError}: run-level failure reported by the engine. Wire form: {@code
 * {"InvalidPlan":{…info…}}}, {@code {"Storage":{"Concurrency":{…}}}}, {@code
 * {"Context":{…ContextError…}}}, {@code {"Io":{…IoError…}}}, {@code {"State":{"state_id":…,"info":…}}},
 * {@code {"Other":{…info…}}}. Thrown as {@link RunException}.
 */
@WireEnum
public sealed interface RunError {

    /** The structured payload: the variant's own, or that of the error it wraps. */
    ErrorInfo info();

    /** The supplied plan (or manifest/plan pairing) violated structural invariants. */
    @Transparent
    record InvalidPlan(ErrorInfo info) implements RunError {
        public InvalidPlan {
            Objects.requireNonNull(info, "info");
        }
    }

    /** A storage backend failed. */
    @Transparent
    record Storage(StorageError error) implements RunError {
        public Storage {
            Objects.requireNonNull(error, "error");
        }

        @Override
        public ErrorInfo info() {
            return error.info();
        }
    }

    /** The execution context failed. */
    @Transparent
    record Context(ContextError error) implements RunError {
        public Context {
            Objects.requireNonNull(error, "error");
        }

        @Override
        public ErrorInfo info() {
            return error.info();
        }
    }

    /** The IO provider failed. */
    @Transparent
    record Io(IoError error) implements RunError {
        public Io {
            Objects.requireNonNull(error, "error");
        }

        @Override
        public ErrorInfo info() {
            return error.info();
        }
    }

    /** A state handler failed. */
    @Transparent
    record State(StateError error) implements RunError {
        public State {
            Objects.requireNonNull(error, "error");
        }

        @Override
        public ErrorInfo info() {
            return error.info();
        }
    }

    /** Any other run-level failure. */
    @Transparent
    record Other(ErrorInfo info) implements RunError {
        public Other {
            Objects.requireNonNull(info, "info");
        }
    }
}
