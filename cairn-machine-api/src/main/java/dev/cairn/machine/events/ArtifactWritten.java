package dev.cairn.machine.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.internal.JsonValues;
import dev.cairn.machine.stores.ArtifactKind;
import java.util.Objects;

/**
 * Seed {@code events::ArtifactWritten}: recommended payload of {@value
 * DomainEvent#DOMAIN_EVENT_ARTIFACT_WRITTEN} events.
 *
 * @param artifactId the written artifact
 * @param kind its kind
 * @param meta operation-defined metadata; copied on construction
 */
public record ArtifactWritten(ArtifactId artifactId, ArtifactKind kind, JsonNode meta) {

    public ArtifactWritten {
        Objects.requireNonNull(artifactId, "artifact_id");
        Objects.requireNonNull(kind, "kind");
        meta = JsonValues.copy(meta, "meta");
    }

    /** The {@value DomainEvent#DOMAIN_EVENT_ARTIFACT_WRITTEN} event carrying this payload. */
    public DomainEvent toDomainEvent() {
        return DomainEvent.of(DomainEvent.DOMAIN_EVENT_ARTIFACT_WRITTEN, Wire.toTree(this));
    }
}
