package dev.cairn.contracts.api;

import dev.cairn.contracts.RunState;
import dev.cairn.json.wire.WireDefault;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /v1/runs/{runId}}: a run with its steps, what {@code cairn status} and the live view
 * of {@code cairn run} show.
 *
 * @param headSeq the run's event-log head, to follow its events from there
 * @param exports what the pipeline's {@code export:} section exported (receipts) or failed to, in
 *     order; empty before the run's export state ran
 */
public record RunDetail(
        String runId,
        String opId,
        RunState state,
        Instant createdAt,
        Instant updatedAt,
        Optional<Instant> completedAt,
        Optional<String> error,
        List<StepView> steps,
        long headSeq,
        @WireDefault List<ExportView> exports) {

    public RunDetail {
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(opId, "op_id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "created_at");
        Objects.requireNonNull(updatedAt, "updated_at");
        Objects.requireNonNull(completedAt, "completed_at");
        Objects.requireNonNull(error, "error");
        steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
        exports = exports == null ? List.of() : List.copyOf(exports);
    }

    /** A run without exports. */
    public RunDetail(
            String runId,
            String opId,
            RunState state,
            Instant createdAt,
            Instant updatedAt,
            Optional<Instant> completedAt,
            Optional<String> error,
            List<StepView> steps,
            long headSeq) {
        this(runId, opId, state, createdAt, updatedAt, completedAt, error, steps, headSeq, List.of());
    }
}
