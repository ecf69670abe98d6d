package dev.cairn.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cairn.json.wire.WireRange;
import dev.cairn.json.wire.WireSize;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The body of {@code POST /run} ({@code RunRequestSchema}).
 *
 * @param runners the runners to run; at least one
 * @param mode where they run
 * @param concurrency how many run at once; a positive integer (at most 2^31-1 here)
 * @param timeout the run's timeout in milliseconds; a positive integer (at most 2^53-1, Zod's
 *     {@code int()})
 * @param tags labels for the run
 * @param runId the id to give the run; generated when absent
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record RunRequest(
        @WireSize(min = 1) List<RunnerConfig> runners,
        RunMode mode,
        @WireRange(min = 1) Optional<Integer> concurrency,
        @WireRange(min = 1, max = Fields.MAX_SAFE_INTEGER) Optional<Long> timeout,
        Optional<List<String>> tags,
        Optional<String> runId) {

    public RunRequest {
        runners = Fields.nonEmptyList("runners", runners, "must list at least one runner");
        Objects.requireNonNull(mode, "mode");
        concurrency = Fields.positive("concurrency", concurrency);
        timeout = Fields.positive("timeout", timeout);
        tags = Objects.requireNonNull(tags, "tags").map(t -> Fields.list("tags", t));
        Objects.requireNonNull(runId, "runId");
    }

    /** A request to run {@code runners} in {@code mode}, with nothing else set. */
    public static RunRequest of(RunMode mode, List<RunnerConfig> runners) {
        return new RunRequest(runners, mode, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
