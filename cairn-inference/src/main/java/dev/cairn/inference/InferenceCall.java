package dev.cairn.inference;

import java.util.Objects;
import java.util.Optional;

/**
 * One call charged to a run's budget, as {@link SqliteTokenBudgets#calls} lists it: which cell made
 * it, what it reserved, what became of it and what it was charged.
 *
 * @param id the call's number (increasing in reservation order)
 * @param runId the run
 * @param cellId the cell the call is attributed to
 * @param reservedTokens the {@code max_tokens} reserved
 * @param status {@code reserved}, {@code settled}, {@code released}, {@code failed} or {@code abandoned}
 * @param model the model that answered, when settled
 * @param inputTokens prompt tokens reported by the endpoint, when settled
 * @param outputTokens completion tokens reported by the endpoint, when settled
 * @param chargedTokens what the budget was charged
 * @param failure the failure's sub-reason, when it failed
 * @param createdMs when it was reserved (ms since the epoch)
 * @param settledMs when it ended
 */
public record InferenceCall(
        long id,
        String runId,
        String cellId,
        long reservedTokens,
        String status,
        Optional<String> model,
        Optional<Long> inputTokens,
        Optional<Long> outputTokens,
        long chargedTokens,
        Optional<String> failure,
        long createdMs,
        Optional<Long> settledMs) {

    public InferenceCall {
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(cellId, "cell_id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(inputTokens, "input_tokens");
        Objects.requireNonNull(outputTokens, "output_tokens");
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(settledMs, "settled_ms");
    }
}
