package dev.cairn.machine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.machine.events.RunStatus;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import java.util.Objects;
import java.util.Optional;

/**
 * How a child run ended.
 *
 * @param runId the child run
 * @param status its terminal status
 * @param finalSnapshotId its final context snapshot
 * @param finalContext that snapshot's content (an empty object when there is none); treat as
 *     read-only
 */
public record ChildRunResult(
        RunId runId, RunStatus status, Optional<ArtifactId> finalSnapshotId, JsonNode finalContext) {

    public ChildRunResult {
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(finalSnapshotId, "final_snapshot_id");
        Objects.requireNonNull(finalContext, "final_context");
    }

    /** Whether the child completed successfully. */
    public boolean completed() {
        return status == RunStatus.COMPLETED;
    }
}
