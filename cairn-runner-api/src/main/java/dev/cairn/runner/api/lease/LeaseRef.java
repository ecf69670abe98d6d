package dev.cairn.runner.api.lease;

import dev.cairn.runner.api.LeaseEnvelope;
import java.util.Objects;
import java.util.UUID;

/**
 * The lease a heartbeat or completion speaks for: the task and the epoch (the task's {@code
 * attempts} when this lease was granted).
 */
public record LeaseRef(UUID taskId, long epoch) {

    public LeaseRef {
        Objects.requireNonNull(taskId, "task_id");
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be >= 1, got " + epoch);
        }
    }

    /** The reference of a granted lease. */
    public static LeaseRef of(LeaseEnvelope lease) {
        long epoch = lease.task()
                .attempts()
                .orElseThrow(() -> new IllegalArgumentException("a granted lease has task.attempts set"));
        return new LeaseRef(lease.task().id(), epoch);
    }
}
