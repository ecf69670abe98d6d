package dev.cairn.contracts.api;

import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireEnum;

/** Where one step of a run is. */
@WireEnum(variants = VariantCase.SNAKE_CASE)
public enum StepState {
    /** Waiting for its dependencies. */
    PENDING,
    /** Dispatched; waiting for a runner to take it. */
    QUEUED,
    RUNNING,
    /** Failed and waiting for its retry backoff. */
    RETRYING,
    COMPLETED,
    FAILED,
    /** Skipped by the run's skip tags (dry run). */
    SKIPPED,
    CANCELLED
}
