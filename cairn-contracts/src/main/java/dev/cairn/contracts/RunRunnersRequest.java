package dev.cairn.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.wire.WireFormat;
import dev.cairn.json.wire.WireSize;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The body of {@code POST /execute} ({@code RunRunnersRequestSchema}).
 *
 * @param url a URL passed to every runner (an absolute URL); a runner's own input overrides it
 * @param runners the runners to execute, by name or with input; at least one
 * @param runId the run this execution belongs to; generated when absent
 * @param region the region this execution runs in
 * @param input legacy: one input for every runner; prefer per-runner input
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record RunRunnersRequest(
        @WireFormat("uri") Optional<String> url,
        @WireSize(min = 1) List<RunnerConfigRequest> runners,
        Optional<String> runId,
        Optional<String> region,
        Optional<ObjectNode> input) {

    public RunRunnersRequest {
        url = Fields.url("url", url);
        runners = Fields.nonEmptyList("runners", runners, "must list at least one runner");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(region, "region");
        input = Fields.copy("input", input);
    }

    /** A request to execute these runners by name, with nothing else set. */
    public static RunRunnersRequest of(String... runners) {
        return new RunRunnersRequest(
                Optional.empty(),
                java.util.Arrays.stream(runners).map(RunnerConfigRequest::named).toList(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }
}
