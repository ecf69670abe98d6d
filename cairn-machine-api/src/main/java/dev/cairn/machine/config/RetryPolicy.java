package dev.cairn.machine.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.cairn.machine.internal.Unsigned;
import java.time.Duration;
import java.util.Objects;

/**
 * Seed {@code config::RetryPolicy}: how often a state attempt that failed with a retryable error is
 * tried again (including replay missing-fact errors when {@code replay_missing_fact_retryable}).
 *
 * @param maxAttempts total attempts including the first ({@code u32}); {@code 0} behaves as {@code 1}
 *     (the first attempt always runs), as in the reference runtime
 * @param backoff the wait between attempts
 */
public record RetryPolicy(@JsonDeserialize(using = Unsigned.U32.class) int maxAttempts, BackoffPolicy backoff) {

    public RetryPolicy {
        Unsigned.requireU32(maxAttempts, "max_attempts");
        Objects.requireNonNull(backoff, "backoff");
    }

    /** One attempt, no retries: the default of {@link RunConfig#builder()}. */
    public static RetryPolicy noRetries() {
        return new RetryPolicy(1, new BackoffPolicy.Fixed(Duration.ZERO));
    }

    /**
     * Whether the zero-based attempt number {@code attempt} may run: the first always may, later ones
     * while {@code attempt < max_attempts}.
     */
    public boolean permitsAttempt(int attempt) {
        return attempt == 0 || (attempt > 0 && attempt < maxAttempts);
    }
}
