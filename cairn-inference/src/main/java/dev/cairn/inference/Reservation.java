package dev.cairn.inference;

import java.util.Objects;

/**
 * Tokens set aside in a run's budget for one call in flight, until it is {@link
 * SqliteTokenBudgets#settle settled} or {@link SqliteTokenBudgets#fail failed}.
 *
 * @param callId the call's row in {@code inference_calls}
 * @param runId the run charged
 * @param cellId the cell the call is attributed to
 * @param tokens the tokens reserved (the call's {@code max_tokens})
 */
public record Reservation(long callId, String runId, String cellId, long tokens) {

    public Reservation {
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(cellId, "cell_id");
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens must be >= 0");
        }
    }
}
