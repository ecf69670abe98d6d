package dev.cairn.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Objects;

/**
 * An example request in {@link RunnerUsage}.
 *
 * @param url an example URL to test
 * @param runners example runner names to execute
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record UsageExample(String url, List<String> runners) {

    public UsageExample {
        Objects.requireNonNull(url, "url");
        runners = Fields.list("runners", runners);
    }
}
