package dev.cairn.machine.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.cairn.json.wire.WireEnum;
import dev.cairn.machine.internal.Unsigned;

/**
 * Seed {@code config::ExecutionMode}: how ready states are scheduled. Wire form: {@code
 * "Sequential"} or {@code {"FanOutJoin":{"max_concurrency":4}}}.
 */
@WireEnum
public sealed interface ExecutionMode {

    /** One ready state at a time. */
    record Sequential() implements ExecutionMode {}

    /**
     * Explicit fan-out/join: independent ready states run concurrently, each on its own copy of the
     * context, and join before dependants run (no concurrent writes to shared context).
     *
     * @param maxConcurrency the most states run at once ({@code u32}); must be at least 1 — serde
     *     would accept 0, but a run limited to zero concurrent states could never progress
     */
    record FanOutJoin(@JsonDeserialize(using = Unsigned.U32.class) int maxConcurrency) implements ExecutionMode {
        public FanOutJoin {
            if (maxConcurrency < 1) {
                throw new IllegalArgumentException("max_concurrency must be at least 1, got " + maxConcurrency);
            }
        }
    }
}
