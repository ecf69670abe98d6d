package dev.cairn.machine.runtime;

/**
 * The lifecycle of one state attempt.
 *
 * <pre>
 *   READY ──► ENTERED ──► RUNNING ──► COMPLETED | FAILED
 *                └──────► SKIPPED                        (skip_tags: handler never runs)
 *   ORPHANED ──► SUPERSEDED                              (resume re-runs the state as attempt + 1)
 *        └─────► FAILED                                  (resume: interrupted_side_effect)
 * </pre>
 *
 * An {@link #ORPHANED} attempt is one that a log shows entered but never ended: the process stopped
 * while it ran. Resume decides its fate from the state's side-effect classification.
 */
public enum AttemptLifecycle {
    /** Scheduled: its dependencies are complete and its attempt number is fixed. */
    READY,
    /** {@code StateEntered} appended. */
    ENTERED,
    /** The handler is running. */
    RUNNING,
    /** {@code StateCompleted} appended. */
    COMPLETED,
    /** {@code StateFailed} appended. */
    FAILED,
    /** {@code state_skipped} and {@code StateCompleted} (with the base snapshot) appended; no handler. */
    SKIPPED,
    /** Found in the log entered but not ended. */
    ORPHANED,
    /** An orphan whose state runs again as a new attempt; it keeps no terminal event. */
    SUPERSEDED;

    /** The table of allowed moves. */
    public static final Lifecycle<AttemptLifecycle> TABLE = Lifecycle.builder("attempt", AttemptLifecycle.class)
            .allow(READY, ENTERED)
            .allow(ENTERED, RUNNING, SKIPPED)
            .allow(RUNNING, COMPLETED, FAILED)
            .allow(ORPHANED, SUPERSEDED, FAILED)
            .build();
}
