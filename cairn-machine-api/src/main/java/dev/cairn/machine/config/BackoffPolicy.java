package dev.cairn.machine.config;

import dev.cairn.json.wire.WireEnum;
import java.time.Duration;
import java.util.Objects;

/**
 * Seed {@code config::BackoffPolicy}: the wait between attempts of a retryable failure. Wire form:
 * {@code {"Fixed":{"delay":{"secs":1,"nanos":0}}}} or {@code
 * {"Exponential":{"base_delay":{…},"max_delay":{…}}}}. Durations are never negative.
 */
@WireEnum
public sealed interface BackoffPolicy {

    /**
     * The delay before the attempt that follows the failed zero-based attempt {@code failedAttempt}
     * (so {@code delayAfter(0)} is the wait before the second attempt).
     *
     * <p>{@link Fixed}: always {@code delay}. {@link Exponential}: {@code base_delay × 2^min(n, 31)},
     * capped at {@code max_delay} (also when the product overflows), as the reference runtime does.
     */
    Duration delayAfter(int failedAttempt);

    /**
     * The same delay before every retry.
     *
     * @param delay delay applied before each retry
     */
    record Fixed(Duration delay) implements BackoffPolicy {
        public Fixed {
            requireNonNegative(delay, "delay");
        }

        @Override
        public Duration delayAfter(int failedAttempt) {
            return delay;
        }
    }

    /**
     * A delay that doubles with every attempt until it reaches a cap.
     *
     * @param baseDelay the delay after the first failed attempt
     * @param maxDelay the cap once the curve saturates
     */
    record Exponential(Duration baseDelay, Duration maxDelay) implements BackoffPolicy {
        public Exponential {
            requireNonNegative(baseDelay, "base_delay");
            requireNonNegative(maxDelay, "max_delay");
        }

        @Override
        public Duration delayAfter(int failedAttempt) {
            int shift = Math.max(0, Math.min(failedAttempt, 31));
            Duration scaled;
            try {
                scaled = baseDelay.multipliedBy(1L << shift);
            } catch (ArithmeticException overflow) {
                return maxDelay;
            }
            return scaled.compareTo(maxDelay) > 0 ? maxDelay : scaled;
        }
    }

    private static void requireNonNegative(Duration value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isNegative()) {
            throw new IllegalArgumentException(field + " must not be negative, got " + value);
        }
    }
}
