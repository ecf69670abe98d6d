package dev.cairn.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cairn.json.wire.WireRange;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to {@code GET /info}: the runners a runner service offers and how to call it
 * ({@code getRunnerInfo}'s output).
 *
 * @param runners the available runner names
 * @param count how many there are (the contract's {@code number}; an integer, not negative, here)
 * @param region the service's region
 * @param usage how to call {@code POST /execute}
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record RunnerInfoResponse(
        List<String> runners, @WireRange(min = 0) int count, Optional<String> region, Optional<RunnerUsage> usage) {

    public RunnerInfoResponse {
        runners = Fields.list("runners", runners);
        Fields.nonNegative("count", count);
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(usage, "usage");
    }
}
