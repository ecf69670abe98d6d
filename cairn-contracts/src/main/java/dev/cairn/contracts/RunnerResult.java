package dev.cairn.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one runner ({@code RunnerResultSchema}).
 *
 * @param name the runner
 * @param status its outcome
 * @param details what the runner reported
 * @param errorMessage why it failed or errored
 * @param durationMs how long it ran, in milliseconds (any finite number, as Zod's {@code number()})
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record RunnerResult(
        String name,
        RunnerStatus status,
        Optional<ObjectNode> details,
        Optional<String> errorMessage,
        @JsonSerialize(contentUsing = JsNumber.class) Optional<Double> durationMs) {

    public RunnerResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        details = Fields.copy("details", details);
        Objects.requireNonNull(errorMessage, "errorMessage");
        durationMs = Fields.finite("durationMs", durationMs);
    }
}
