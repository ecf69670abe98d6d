package dev.cairn.machine.runtime;

/**
 * The lifecycle of one execution of a run by an engine ({@code start}, {@code resume} or {@code
 * replay}), as the engine sees it.
 *
 * <pre>
 *   NEW ──► RUNNING ──► COMPLETED | FAILED | CANCELLED   (RunCompleted appended)
 *               └─────► SUSPENDED                         (stopped without RunCompleted; resumable)
 * </pre>
 *
 * {@link #SUSPENDED} covers every way an engine stops without ending the run: another engine won the
 * log ({@code StorageError.Concurrency}), a storage failure, or a crash ({@link Error}); {@code
 * resume} continues from the log.
 */
public enum RunLifecycle {
    /** Inputs checked, nothing executed yet. */
    NEW,
    /** {@code RunStarted} appended (start) or an unfinished log loaded (resume). */
    RUNNING,
    /** Ended with {@code RunCompleted{Completed}}. */
    COMPLETED,
    /** Ended with {@code RunCompleted{Failed}}. */
    FAILED,
    /** Ended with {@code RunCompleted{Cancelled}}. */
    CANCELLED,
    /** This engine stopped without a terminal event; the run may be resumed. */
    SUSPENDED;

    /** The table of allowed moves. */
    public static final Lifecycle<RunLifecycle> TABLE = Lifecycle.builder("run", RunLifecycle.class)
            .allow(NEW, RUNNING)
            .allow(RUNNING, COMPLETED, FAILED, CANCELLED, SUSPENDED)
            .build();
}
