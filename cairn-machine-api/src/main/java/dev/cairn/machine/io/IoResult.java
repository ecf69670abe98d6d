package dev.cairn.machine.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.internal.JsonValues;
import java.util.Objects;
import java.util.Optional;

/**
 * Seed {@code io::IoResult}: an opaque IO response; collectors define typed adapters on top.
 *
 * @param response canonical JSON response payload; copied on construction
 * @param recordedPayloadId the artifact holding the recorded payload, if it was recorded
 */
public record IoResult(JsonNode response, Optional<ArtifactId> recordedPayloadId) {

    public IoResult {
        response = JsonValues.copy(response, "response");
        Objects.requireNonNull(recordedPayloadId, "recorded_payload_id");
    }
}
