package dev.cairn.runner.api.lease;

import java.time.Instant;
import java.util.Objects;

/**
 * The orchestrator's answer to a heartbeat: until when the lease now runs, and whether the task
 * was cancelled (the runner should stop, then complete with {@link TaskOutcome.Cancelled}).
 */
public record HeartbeatAnswer(boolean cancel, Instant leaseExpiresAt) {

    public HeartbeatAnswer {
        Objects.requireNonNull(leaseExpiresAt, "lease_expires_at");
    }
}
