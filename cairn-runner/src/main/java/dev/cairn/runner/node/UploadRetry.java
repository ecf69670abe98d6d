package dev.cairn.runner.node;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a task keeps retrying an upload its artifact store cannot take right now (the server is
 * down or answers 503): while the task's lease may still be valid. Uploads are content-addressed,
 * so sending the same bytes again is harmless. The deadline starts at the lease's expiry and moves
 * with each heartbeat that renews the lease ({@link #extend}); a retry whose backoff delay would end
 * past it is not attempted. Thread-safe.
 */
final class UploadRetry {

    private final Backoff backoff;
    private final boolean enabled;
    private volatile long deadline;

    private UploadRetry(Backoff backoff, boolean enabled, long deadline) {
        this.backoff = backoff;
        this.enabled = enabled;
        this.deadline = deadline;
    }

    /** No retries beyond the store's own: for executions without a lease ({@code POST /execute}). */
    static UploadRetry none() {
        return new UploadRetry(Backoff.DEFAULT, false, System.nanoTime());
    }

    /** Retries with {@code backoff} for {@code ttl} from now. */
    static UploadRetry within(Backoff backoff, Duration ttl) {
        return new UploadRetry(Objects.requireNonNull(backoff, "backoff"), true, System.nanoTime() + nanos(ttl));
    }

    /** The lease was renewed: retries may go on for {@code ttl} from now (the deadline never moves back). */
    void extend(Duration ttl) {
        long until = System.nanoTime() + nanos(ttl);
        synchronized (this) {
            if (until - deadline > 0) {
                deadline = until;
            }
        }
    }

    /** How long retries may still go on; zero once the deadline passed. */
    Duration left() {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /**
     * Waits before retry number {@code attempt} (from 0). False, without waiting, when retries are
     * off or the delay would end past the deadline; false with the interrupt flag set when interrupted.
     */
    boolean pause(int attempt) {
        return enabled && backoff.sleepBefore(deadline, attempt);
    }

    private static long nanos(Duration ttl) {
        return ttl.isNegative() ? 0 : ttl.toNanos();
    }
}
