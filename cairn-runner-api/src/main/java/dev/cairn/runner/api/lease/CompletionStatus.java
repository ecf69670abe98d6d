package dev.cairn.runner.api.lease;

import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireEnum;

/**
 * How one completion of a batch ({@link LeaseService#complete(java.util.List)}) was answered: on the
 * wire {@code done}, {@code stale_lease} or {@code unknown_task}, the last two the codes of the
 * {@link LeaseException} a single completion would have been refused with.
 */
@WireEnum(variants = VariantCase.SNAKE_CASE)
public enum CompletionStatus {
    /** Recorded (or recorded before: the same completion for the same epoch again). */
    DONE,
    /** Refused: the epoch is not the task's current one, or the orchestrator ended the task itself. */
    STALE_LEASE,
    /** Refused: there is no such task. */
    UNKNOWN_TASK;

    /** The refusal code ({@link LeaseException#STALE_LEASE}, {@link LeaseException#UNKNOWN_TASK}); empty for {@link #DONE}. */
    public String code() {
        return switch (this) {
            case DONE -> "";
            case STALE_LEASE -> LeaseException.STALE_LEASE;
            case UNKNOWN_TASK -> LeaseException.UNKNOWN_TASK;
        };
    }
}
