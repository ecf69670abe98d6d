package dev.cairn.machine.engine;

import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.machine.stores.EventStore;
import java.util.Objects;

/**
 * Seed {@code engine::Stores}: the persistence backends handed to the engine, grouped so they can
 * be swapped together.
 *
 * @param events append-only kernel and domain events
 * @param artifacts manifests, snapshots, facts and outputs
 */
public record Stores(EventStore events, ArtifactStore artifacts) {

    public Stores {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(artifacts, "artifacts");
    }
}
