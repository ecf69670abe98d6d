package dev.cairn.machine.runtime.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.FactKey;
import java.util.Optional;

/**
 * An IO provider's view of its run's recorded facts: look a key up, read a payload, record a new
 * fact. The engine implements it over the run's {@link FactIndex}, the artifact store and the
 * attempt's event stream ({@link StoreFactLedger}).
 */
public interface FactLedger {

    /** The payload recorded under {@code key}, if any. */
    Optional<ArtifactId> lookup(FactKey key);

    /**
     * The payload {@code payloadId} as JSON.
     *
     * @throws IoException {@code fact_payload_invalid} when it is not JSON
     */
    JsonNode payload(ArtifactId payloadId);

    /**
     * Records {@code value} as the fact {@code key}: stores its canonical JSON as a {@code
     * FactPayload} artifact, binds the key and emits {@code fact_recorded} with {@code meta}.
     * Recording the same value under a bound key again returns its id and emits nothing.
     *
     * @return the payload's id
     * @throws IoException {@code fact_conflict} when the key is bound to another payload; {@code
     *     secret_in_fact} (naming JSON pointers, never values) or {@code fact_not_canonical} when the
     *     value cannot be recorded. Nothing is written then.
     */
    ArtifactId record(FactKey key, JsonNode value, JsonNode meta);
}
