package dev.cairn.contracts;

import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireEnum;

/**
 * The state of a run or of one of its jobs (the contract's {@code RunStateEnum}): {@code "queued"},
 * {@code "running"}, {@code "completed"}, {@code "failed"}, {@code "timed_out"}.
 */
@WireEnum(variants = VariantCase.SNAKE_CASE)
public enum RunState {
    QUEUED,
    RUNNING,
    COMPLETED,
    FAILED,
    TIMED_OUT;

    /** Whether the run or job has ended. */
    public boolean terminal() {
        return this == COMPLETED || this == FAILED || this == TIMED_OUT;
    }
}
