package dev.cairn.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One job of a run: the runners run together in one region ({@code JobResultSchema}).
 *
 * @param jobId the job
 * @param region where it ran
 * @param state its state
 * @param results its runners' outcomes
 * @param error why the job itself failed
 * @param startedAt when it started (millisecond precision)
 * @param completedAt when it ended (millisecond precision)
 * @param durationMs how long it ran, in milliseconds
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record JobResult(
        String jobId,
        Optional<String> region,
        RunState state,
        List<RunnerResult> results,
        Optional<String> error,
        @JsonSerialize(contentUsing = JsDate.class) Optional<Instant> startedAt,
        @JsonSerialize(contentUsing = JsDate.class) Optional<Instant> completedAt,
        @JsonSerialize(contentUsing = JsNumber.class) Optional<Double> durationMs) {

    public JobResult {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(state, "state");
        results = Fields.list("results", results);
        Objects.requireNonNull(error, "error");
        startedAt = Fields.millis("startedAt", startedAt);
        completedAt = Fields.millis("completedAt", completedAt);
        durationMs = Fields.finite("durationMs", durationMs);
    }
}
