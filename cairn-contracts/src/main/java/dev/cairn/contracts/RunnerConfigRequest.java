package dev.cairn.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * One runner of a {@link RunRunnersRequest} ({@code RunnerConfigRequestSchema}). The contract
 * accepts a runner as an object or, in its legacy form, as a bare name ({@code z.union([z.string(),
 * RunnerConfigRequestSchema])}): both are read; the object form is always written.
 *
 * @param name the runner to execute
 * @param input the runner's input, overriding the request's {@code url} and legacy {@code input}
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record RunnerConfigRequest(String name, Optional<ObjectNode> input) {

    public RunnerConfigRequest {
        Objects.requireNonNull(name, "name");
        input = Fields.copy("input", input);
    }

    /** The legacy form: a runner by name, without input. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static RunnerConfigRequest named(String name) {
        return new RunnerConfigRequest(name, Optional.empty());
    }
}
