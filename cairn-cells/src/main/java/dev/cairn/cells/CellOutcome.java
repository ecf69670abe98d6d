package dev.cairn.cells;

import java.time.Duration;
import java.util.Objects;

/** How a cell's command ended. */
public sealed interface CellOutcome {

    /**
     * The command exited with {@code exitCode}. Following the shell convention (which bwrap also uses), a
     * status above 128 that names a signal is reported as {@link Signaled} instead.
     */
    record Exited(int exitCode) implements CellOutcome {}

    /** The command was terminated by {@code signal} (e.g. 9 for SIGKILL, 24 for SIGXCPU). */
    record Signaled(int signal) implements CellOutcome {}

    /** The cell passed its wall-clock limit and was killed. */
    record TimedOut(Duration limit) implements CellOutcome {
        public TimedOut {
            Objects.requireNonNull(limit, "limit");
        }
    }

    /** The cell was cancelled, interrupted, or destroyed while running, and was killed. */
    record Cancelled() implements CellOutcome {}

    /**
     * The cell's setup failed before the command ran: bwrap, unshare, setsid, prlimit or the network connector
     * reported an error (their message).
     */
    record SetupFailed(String message) implements CellOutcome {
        public SetupFailed {
            Objects.requireNonNull(message, "message");
        }
    }

    /** Whether the command exited with status 0. */
    default boolean succeeded() {
        return this instanceof Exited e && e.exitCode() == 0;
    }

    /** A short plain-language description. */
    default String describe() {
        return switch (this) {
            case Exited e -> "exited with status " + e.exitCode();
            case Signaled s -> "terminated by signal " + s.signal();
            case TimedOut t -> "killed after its wall-clock limit of " + t.limit();
            case Cancelled c -> "cancelled";
            case SetupFailed f -> "cell setup failed before the command ran: " + f.message();
        };
    }

    /** Decodes a wait status as reported by the JDK and by bwrap (128 + signal for signal deaths). */
    static CellOutcome fromStatus(int status) {
        if (status > 128 && status <= 128 + 64) {
            return new Signaled(status - 128);
        }
        return new Exited(status);
    }
}
