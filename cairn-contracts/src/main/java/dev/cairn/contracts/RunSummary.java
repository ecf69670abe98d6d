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
 * The answer to {@code GET /run/{runId}}: the run's results, per job (region) and runner ({@code
 * RunSummarySchema}).
 *
 * @param runId the run
 * @param state its state
 * @param jobs its jobs with their runners' results
 * @param summary tallies over all runner results
 * @param createdAt when the run was accepted (millisecond precision)
 * @param completedAt when it ended (millisecond precision)
 * @param durationMs how long it ran, in milliseconds
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record RunSummary(
        String runId,
        RunState state,
        List<JobResult> jobs,
        ResultCounts summary,
        @JsonSerialize(using = JsDate.class) Instant createdAt,
        @JsonSerialize(contentUsing = JsDate.class) Optional<Instant> completedAt,
        @JsonSerialize(contentUsing = JsNumber.class) Optional<Double> durationMs) {

    public RunSummary {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(state, "state");
        jobs = Fields.list("jobs", jobs);
        Objects.requireNonNull(summary, "summary");
        createdAt = Fields.millis("createdAt", createdAt);
        completedAt = Fields.millis("completedAt", completedAt);
        durationMs = Fields.finite("durationMs", durationMs);
    }
}
