package dev.cairn.machine.events;

/**
 * Seed {@code events::RunStatus}: how a run ended. Wire form: {@code "Completed"}, {@code
 * "Failed"}, {@code "Cancelled"}.
 */
public enum RunStatus {
    /** The run completed successfully. */
    COMPLETED,
    /** The run terminated because a state failed. */
    FAILED,
    /** The run was cancelled before completion. */
    CANCELLED
}
