package dev.cairn.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Objects;

/**
 * How to call a runner service, in {@link RunnerInfoResponse#usage()}.
 *
 * @param method the HTTP method to use
 * @param endpoint the path to call
 * @param example an example request
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record RunnerUsage(String method, String endpoint, UsageExample example) {

    public RunnerUsage {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(example, "example");
    }
}
