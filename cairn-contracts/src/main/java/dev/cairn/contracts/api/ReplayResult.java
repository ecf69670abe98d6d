package dev.cairn.contracts.api;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code POST /v1/runs/{runId}/replay}: the run re-executed offline from its recorded facts into a
 * new run, and whether every context snapshot matched.
 *
 * @param divergedState the first state whose snapshot differed, when not verified
 */
public record ReplayResult(
        String runId, String replayRunId, boolean verified, Optional<String> divergedState, String message) {

    public ReplayResult {
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(replayRunId, "replay_run_id");
        Objects.requireNonNull(divergedState, "diverged_state");
        Objects.requireNonNull(message, "message");
    }
}
