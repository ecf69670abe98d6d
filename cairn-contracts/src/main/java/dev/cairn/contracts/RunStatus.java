package dev.cairn.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.cairn.json.wire.WireRange;
import java.time.Instant;
import java.util.Objects;

/**
 * The answer to {@code GET /run/{runId}/status} ({@code RunStatusSchema}). Dates have millisecond
 * precision and are written as JavaScript writes them ({@code 2026-11-23T06:00:00.000Z}).
 *
 * @param runId the run
 * @param state its state
 * @param totalJobs jobs of the run; not negative
 * @param completedJobs jobs that have ended; not negative
 * @param failedJobs jobs that failed or timed out; not negative
 * @param createdAt when the run was accepted
 * @param updatedAt when its state last changed
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record RunStatus(
        String runId,
        RunState state,
        @WireRange(min = 0) int totalJobs,
        @WireRange(min = 0) int completedJobs,
        @WireRange(min = 0) int failedJobs,
        @JsonSerialize(using = JsDate.class) Instant createdAt,
        @JsonSerialize(using = JsDate.class) Instant updatedAt) {

    public RunStatus {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(state, "state");
        Fields.nonNegative("totalJobs", totalJobs);
        Fields.nonNegative("completedJobs", completedJobs);
        Fields.nonNegative("failedJobs", failedJobs);
        createdAt = Fields.millis("createdAt", createdAt);
        updatedAt = Fields.millis("updatedAt", updatedAt);
    }
}
