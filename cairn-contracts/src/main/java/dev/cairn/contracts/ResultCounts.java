package dev.cairn.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cairn.json.wire.WireRange;

/**
 * The runner tallies of a {@link RunSummary} (its {@code summary} object). All not negative.
 *
 * @param total runner results
 * @param passed results with status {@code pass}
 * @param failed results with status {@code fail}
 * @param errored results with status {@code error}
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record ResultCounts(
        @WireRange(min = 0) int total,
        @WireRange(min = 0) int passed,
        @WireRange(min = 0) int failed,
        @WireRange(min = 0) int errored) {

    public ResultCounts {
        Fields.nonNegative("total", total);
        Fields.nonNegative("passed", passed);
        Fields.nonNegative("failed", failed);
        Fields.nonNegative("errored", errored);
    }
}
