package dev.cairn.machine.engine;

import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import java.util.Objects;
import java.util.Optional;

/**
 * Seed {@code engine::RunResult}: the compact summary the engine returns from start or resume, so
 * callers need not read the event log for the common success/failure path.
 *
 * @param runId the run started or resumed
 * @param phase its final or current phase
 * @param finalSnapshotId the final context snapshot, when one exists at the point the engine returns
 */
public record RunResult(RunId runId, RunPhase phase, Optional<ArtifactId> finalSnapshotId) {

    public RunResult {
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(finalSnapshotId, "final_snapshot_id");
    }
}
