package dev.cairn.machine.engine;

import dev.cairn.machine.events.RunStatus;

/**
 * Seed {@code engine::RunPhase}: the current phase of a run, for observability. Wire form: {@code
 * "Running"}, {@code "Completed"}, {@code "Failed"}, {@code "Cancelled"}.
 */
public enum RunPhase {
    /** The run is still executing (or stopped before finishing and may be resumed). */
    RUNNING,
    /** The run completed successfully. */
    COMPLETED,
    /** The run ended because of a failure. */
    FAILED,
    /** The run was cancelled. */
    CANCELLED;

    /** The phase a run is in once it ended with {@code status}. */
    public static RunPhase of(RunStatus status) {
        return switch (status) {
            case COMPLETED -> COMPLETED;
            case FAILED -> FAILED;
            case CANCELLED -> CANCELLED;
        };
    }

    /** Whether the run has ended (everything but {@link #RUNNING}). */
    public boolean terminal() {
        return this != RUNNING;
    }
}
