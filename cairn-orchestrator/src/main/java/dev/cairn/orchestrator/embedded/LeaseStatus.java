package dev.cairn.orchestrator.embedded;

import dev.cairn.machine.runtime.Lifecycle;
import java.util.Locale;

/**
 * The lifecycle of one lease (one grant of a task, one epoch), as a transition table (STYLE rule 4).
 * Heartbeats renew an {@link #ACTIVE} lease without moving it.
 *
 * <pre>
 *   ACTIVE ──completion by its holder──► COMPLETED
 *   ACTIVE ──not renewed in time──────► EXPIRED
 *   ACTIVE ──task timed out under it──► REVOKED
 * </pre>
 *
 * Only the lease of the task's current epoch can be {@link #ACTIVE}: a heartbeat or completion for
 * any other epoch is refused with {@code stale_lease} (fencing).
 */
public enum LeaseStatus {
    /** Held: heartbeats renew it, its holder may complete the task. */
    ACTIVE,
    /** Its holder reported the task's outcome. */
    COMPLETED,
    /** Not renewed before it ran out; the task went back to the queue (or failed, or was cancelled). */
    EXPIRED,
    /** The orchestrator ended the task while the lease was held (the step's timeout passed). */
    REVOKED;

    /** The table of allowed moves. */
    public static final Lifecycle<LeaseStatus> TABLE = Lifecycle.builder("lease", LeaseStatus.class)
            .allow(ACTIVE, COMPLETED, EXPIRED, REVOKED)
            .build();

    /** The column value: the lowercase name. */
    public String column() {
        return name().toLowerCase(Locale.ROOT);
    }

    static LeaseStatus ofColumn(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
