package dev.cairn.machine.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.internal.JsonValues;
import java.util.Objects;

/**
 * Seed {@code events::FactRecorded}: recommended payload of {@value
 * DomainEvent#DOMAIN_EVENT_FACT_RECORDED} events, which bind a fact key to its recorded payload
 * (replay reads these bindings).
 *
 * @param key the recorded fact's key
 * @param payloadId the artifact holding the payload
 * @param meta operation-defined metadata; copied on construction
 */
public record FactRecorded(FactKey key, ArtifactId payloadId, JsonNode meta) {

    public FactRecorded {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(payloadId, "payload_id");
        meta = JsonValues.copy(meta, "meta");
    }

    /** The {@value DomainEvent#DOMAIN_EVENT_FACT_RECORDED} event carrying this payload. */
    public DomainEvent toDomainEvent() {
        return DomainEvent.of(DomainEvent.DOMAIN_EVENT_FACT_RECORDED, Wire.toTree(this));
    }
}
