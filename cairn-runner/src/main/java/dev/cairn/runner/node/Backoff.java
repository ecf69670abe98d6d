package dev.cairn.runner.node;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: the n-th delay (from 0) is a random duration between half
 * of and the whole of {@code min(max, initial * 2^n)}.
 *
 * @param initial the first delay's bound; positive
 * @param max the largest bound; at least {@code initial}
 */
public record Backoff(Duration initial, Duration max) {

    /** 200 ms doubling up to 30 s. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

    public Backoff {
        if (initial == null || initial.isNegative() || initial.isZero()) {
            throw RunnerNodeException.invalidOption("backoff.initial", "must be positive, got " + initial);
        }
        if (max == null || max.compareTo(initial) < 0) {
            throw RunnerNodeException.invalidOption("backoff.max", "must be at least backoff.initial, got " + max);
        }
    }

    /** The delay before retry number {@code attempt} (0 for the first retry). */
    public Duration delay(int attempt) {
        long bound = initial.toNanos();
        for (int i = 0; i < attempt && bound < max.toNanos(); i++) {
            bound *= 2;
        }
        bound = Math.min(bound, max.toNanos());
        long half = bound / 2;
        return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(bound - half + 1));
    }

    /**
     * Sleeps the delay before retry number {@code attempt} if it ends before {@code deadline} (a
     * {@link System#nanoTime()} value). False, without sleeping, when it would not; false with the
     * interrupt flag set when interrupted.
     */
    public boolean sleepBefore(long deadline, int attempt) {
        Duration delay = delay(attempt);
        if (System.nanoTime() + delay.toNanos() - deadline > 0) {
            return false;
        }
        try {
            Thread.sleep(delay);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
