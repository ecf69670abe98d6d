package dev.cairn.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to {@code POST /execute} ({@code RunRunnersResponseSchema}).
 *
 * @param region the region the runners ran in
 * @param runId the run they belong to
 * @param results one per requested runner
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record RunRunnersResponse(Optional<String> region, Optional<String> runId, List<RunnerResult> results) {

    public RunRunnersResponse {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(runId, "runId");
        results = Fields.list("results", results);
    }
}
