package dev.cairn.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Objects;

/**
 * The answer to {@code POST /run}: the id of the accepted run ({@code submitRun}'s output).
 *
 * @param runId the run's id, for {@code GET /run/{runId}} and {@code GET /run/{runId}/status}
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record SubmitRunResponse(String runId) {

    public SubmitRunResponse {
        Objects.requireNonNull(runId, "runId");
    }
}
