package dev.cairn.orchestrator.embedded;

import dev.cairn.machine.runtime.Lifecycle;
import java.util.Locale;

/**
 * The lifecycle of a task in the queue (STYLE rule 4): where it is, and the one table of moves the
 * queue may make.
 *
 * <pre>
 *   QUEUED ──grant──► LEASED ──completion──► SUCCEEDED | FAILED | CANCELLED
 *     ▲                 │ └──timeout, or lease expired beyond max_attempts──► FAILED
 *     └─lease expired───┘ └──lease expired after a cancel──► CANCELLED
 *   QUEUED ──cancel──► CANCELLED
 * </pre>
 */
public enum TaskStatus {
    /** Waiting for a runner with its capability and labels. */
    QUEUED,
    /** Granted to a runner; its lease runs until {@code lease_expires_at} unless renewed. */
    LEASED,
    /** The runner finished it (for {@code command}, whatever the exit code). */
    SUCCEEDED,
    /** The runner could not do it, it timed out, or its leases expired {@code max_attempts} times. */
    FAILED,
    /** Cancelled before or while it ran. */
    CANCELLED;

    /** The table of allowed moves. */
    public static final Lifecycle<TaskStatus> TABLE = Lifecycle.builder("task", TaskStatus.class)
            .allow(QUEUED, LEASED, CANCELLED)
            .allow(LEASED, QUEUED, SUCCEEDED, FAILED, CANCELLED)
            .build();

    /** Whether the task has ended. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** The column value: the lowercase name. */
    public String column() {
        return name().toLowerCase(Locale.ROOT);
    }

    static TaskStatus ofColumn(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
