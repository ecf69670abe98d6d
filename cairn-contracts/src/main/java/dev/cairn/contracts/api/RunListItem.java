package dev.cairn.contracts.api;

import dev.cairn.contracts.RunState;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** One run in a listing. */
public record RunListItem(
        String runId,
        String opId,
        RunState state,
        Instant createdAt,
        Instant updatedAt,
        Optional<Instant> completedAt,
        int totalSteps,
        int completedSteps,
        int failedSteps) {

    public RunListItem {
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(opId, "op_id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "created_at");
        Objects.requireNonNull(updatedAt, "updated_at");
        Objects.requireNonNull(completedAt, "completed_at");
    }
}
