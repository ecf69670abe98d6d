package dev.cairn.machine.runtime;

import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.ids.RunId;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a replay-verified run ({@code Engine.replay}).
 *
 * @param originalRunId the run that was replayed
 * @param replayRunId the new run the replay executed in
 * @param result how the replay run ended
 * @param statesVerified how many states ended exactly as in the original (same snapshot id, or the
 *     same failure code)
 * @param divergence the first state, in log order, that ended differently: a determinism violation
 */
public record ReplayReport(
        RunId originalRunId,
        RunId replayRunId,
        RunResult result,
        int statesVerified,
        Optional<EngineEvents.ReplayDiverged> divergence) {

    public ReplayReport {
        Objects.requireNonNull(originalRunId, "original_run_id");
        Objects.requireNonNull(replayRunId, "replay_run_id");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(divergence, "divergence");
    }

    /** Whether every replayed state ended as in the original. */
    public boolean verified() {
        return divergence.isEmpty();
    }
}
