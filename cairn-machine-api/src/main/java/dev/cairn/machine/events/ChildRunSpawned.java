package dev.cairn.machine.events;

import dev.cairn.json.wire.Wire;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import java.util.Objects;

/**
 * Seed {@code events::ChildRunSpawned}: payload of {@value
 * DomainEvent#DOMAIN_EVENT_CHILD_RUN_SPAWNED} events (reserved for nested machines).
 *
 * @param parentRunId the spawning run
 * @param childRunId the new child run
 * @param childManifestId the child's manifest artifact
 */
public record ChildRunSpawned(RunId parentRunId, RunId childRunId, ArtifactId childManifestId) {

    public ChildRunSpawned {
        Objects.requireNonNull(parentRunId, "parent_run_id");
        Objects.requireNonNull(childRunId, "child_run_id");
        Objects.requireNonNull(childManifestId, "child_manifest_id");
    }

    /** The {@value DomainEvent#DOMAIN_EVENT_CHILD_RUN_SPAWNED} event carrying this payload. */
    public DomainEvent toDomainEvent() {
        return DomainEvent.of(DomainEvent.DOMAIN_EVENT_CHILD_RUN_SPAWNED, Wire.toTree(this));
    }
}
