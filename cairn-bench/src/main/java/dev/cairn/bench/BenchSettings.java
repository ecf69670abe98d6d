package dev.cairn.bench;

import java.time.Duration;
import java.util.Objects;

/**
 * How long to measure: {@code warmupRounds} unrecorded rounds, then {@code rounds} recorded ones;
 * each round runs for {@code roundDuration}, or exactly {@code iterations} operations when that is
 * positive. Figures are the median over the recorded rounds.
 */
public record BenchSettings(int warmupRounds, int rounds, Duration roundDuration, long iterations) {

    /** Default warm-up rounds. */
    public static final int DEFAULT_WARMUP_ROUNDS = 3;

    /** Default recorded rounds (odd, so the median is one round's figure). */
    public static final int DEFAULT_ROUNDS = 7;

    /** Default length of a round. */
    public static final Duration DEFAULT_ROUND_DURATION = Duration.ofMillis(300);

    public BenchSettings {
        Objects.requireNonNull(roundDuration, "round_duration");
        if (warmupRounds < 0) {
            throw BenchException.invalidSettings("warmup rounds must be 0 or more, got " + warmupRounds);
        }
        if (rounds < 1) {
            throw BenchException.invalidSettings("rounds must be 1 or more, got " + rounds);
        }
        if (iterations < 0) {
            throw BenchException.invalidSettings("iterations must be 0 (use the duration) or more, got " + iterations);
        }
        if (iterations == 0 && (roundDuration.isNegative() || roundDuration.isZero())) {
            throw BenchException.invalidSettings("round duration must be positive, got " + roundDuration);
        }
    }

    /** The defaults: 3 warm-up rounds, 7 rounds of 300 ms. */
    public static BenchSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds settings from the defaults. */
    public static final class Builder {
        private int warmupRounds = DEFAULT_WARMUP_ROUNDS;
        private int rounds = DEFAULT_ROUNDS;
        private Duration roundDuration = DEFAULT_ROUND_DURATION;
        private long iterations;

        private Builder() {}

        public Builder warmupRounds(int warmupRounds) {
            this.warmupRounds = warmupRounds;
            return this;
        }

        public Builder rounds(int rounds) {
            this.rounds = rounds;
            return this;
        }

        public Builder roundDuration(Duration roundDuration) {
            this.roundDuration = roundDuration;
            return this;
        }

        /** Operations per round; 0 (the default) means run for the round duration instead. */
        public Builder iterations(long iterations) {
            this.iterations = iterations;
            return this;
        }

        public BenchSettings build() {
            return new BenchSettings(warmupRounds, rounds, roundDuration, iterations);
        }
    }
}
