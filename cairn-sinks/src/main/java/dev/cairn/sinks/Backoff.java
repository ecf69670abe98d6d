package dev.cairn.sinks;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: before retry {@code n} (1, 2, …) the cap is {@code first × 2^(n−1)}
 * bounded by {@code max}, and the delay is drawn uniformly from [cap/2, cap] ("equal jitter"), so
 * that many senders that failed together do not retry together, while none retries much sooner than
 * the schedule says.
 *
 * @param first the cap before the first retry
 * @param max the largest cap
 */
public record Backoff(Duration first, Duration max) {

    public Backoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(max, "max");
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < first <= max, got " + first + " and " + max);
        }
    }

    /** The delay before retry {@code n} (at least 1). */
    public Duration delay(int n, RandomGenerator random) {
        if (n < 1) {
            throw new IllegalArgumentException("retries are numbered from 1, got " + n);
        }
        long firstNanos = first.toNanos();
        long maxNanos = max.toNanos();
        int shift = Math.min(n - 1, 62);
        long cap = firstNanos > (maxNanos >> shift) ? maxNanos : Math.min(maxNanos, firstNanos << shift);
        long half = cap / 2;
        return Duration.ofNanos(half + random.nextLong(cap - half + 1));
    }

    /** Sleeps for {@code delay}; an interrupt ends the sleep early and keeps the flag set. */
    public static boolean sleep(Duration delay) {
        try {
            Thread.sleep(delay);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
