package dev.cairn.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.wire.WireSize;
import java.util.Objects;
import java.util.Optional;

/**
 * One runner of a {@link RunRequest} ({@code RunnerConfigSchema}).
 *
 * @param name the runner; non-empty
 * @param region where to run it; the orchestrator's choice when absent
 * @param input the runner's input object
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record RunnerConfig(@WireSize(min = 1) String name, Optional<String> region, Optional<ObjectNode> input) {

    public RunnerConfig {
        Fields.nonEmpty("name", name);
        Objects.requireNonNull(region, "region");
        input = Fields.copy("input", input);
    }

    /** A runner by name, with no region or input. */
    public static RunnerConfig named(String name) {
        return new RunnerConfig(name, Optional.empty(), Optional.empty());
    }
}
