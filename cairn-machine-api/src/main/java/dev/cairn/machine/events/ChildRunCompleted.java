package dev.cairn.machine.events;

import dev.cairn.json.wire.Wire;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import java.util.Objects;
import java.util.Optional;

/**
 * Seed {@code events::ChildRunCompleted}: payload of {@value
 * DomainEvent#DOMAIN_EVENT_CHILD_RUN_COMPLETED} events.
 *
 * @param childRunId the finished child run
 * @param status its final status
 * @param finalSnapshotId its final snapshot, if any
 */
public record ChildRunCompleted(RunId childRunId, RunStatus status, Optional<ArtifactId> finalSnapshotId) {

    public ChildRunCompleted {
        Objects.requireNonNull(childRunId, "child_run_id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(finalSnapshotId, "final_snapshot_id");
    }

    /** The {@value DomainEvent#DOMAIN_EVENT_CHILD_RUN_COMPLETED} event carrying this payload. */
    public DomainEvent toDomainEvent() {
        return DomainEvent.of(DomainEvent.DOMAIN_EVENT_CHILD_RUN_COMPLETED, Wire.toTree(this));
    }
}
