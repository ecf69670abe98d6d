package dev.cairn.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.CodedError;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.WirePattern;
import dev.cairn.json.wire.WireSize;
import java.util.Objects;
import java.util.Optional;

/**
 * The body of every HTTP error response (4xx and 5xx) of Cairn's services: one flat JSON object,
 * {@code Content-Type: application/json}.
 *
 * <pre>{@code
 * {"code": "runner_not_found",
 *  "message": "runners not found: lint",
 *  "retryable": false,
 *  "hint": "Use a runner listed by GET /info.",
 *  "details": {"missingRunners": ["lint"], "availableRunners": ["build", "test"]}}
 * }</pre>
 *
 * <p>{@code code} is the stable snake_case code of the {@link CodedError} behind the response
 * (clients branch on it, never on the message); the oRPC contract's {@code RUNNER_NOT_FOUND} and
 * {@code EXECUTION_FAILED} are {@code runner_not_found} and {@code execution_failed}, with the same
 * data in {@code details}. A request body that does not match its type gives the codec's code
 * ({@code missing_field}, {@code unknown_field}, {@code wire_format}, {@code invalid_json},
 * {@code invalid_field}, ...) and the JSON Pointer of the offending value as {@code
 * details.pointer}. {@code hint} and {@code details} are left out when there is nothing to say.
 *
 * @param code stable snake_case code
 * @param message what was wrong; non-empty
 * @param retryable whether sending the same request again may succeed
 * @param hint what the caller can do about it
 * @param details structured data about the error
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record ErrorEnvelope(
        @WirePattern(CODE) String code,
        @WireSize(min = 1) String message,
        boolean retryable,
        Optional<String> hint,
        Optional<ObjectNode> details) {

    /** The syntax of a code. */
    public static final String CODE = "^[a-z][a-z0-9_]*$";

    public ErrorEnvelope {
        Objects.requireNonNull(code, "code");
        if (!code.matches(CODE)) {
            throw ContractException.invalidField("code", "must be a snake_case code, got `" + code + "`");
        }
        Fields.nonEmpty("message", message);
        Objects.requireNonNull(hint, "hint");
        details = Fields.copy("details", details);
    }

    /** The envelope of any Cairn error. */
    public static ErrorEnvelope from(CodedError error) {
        if (error instanceof ContractException contract) {
            return contract.toEnvelope();
        }
        Optional<ObjectNode> details = Optional.empty();
        if (error instanceof JsonException json && !json.path().isEmpty()) {
            details = Optional.of(JsonNodeFactory.instance.objectNode().put("pointer", json.path()));
        }
        String message = error.getMessage() == null || error.getMessage().isEmpty() ? error.code() : error.getMessage();
        return new ErrorEnvelope(
                error.code(), message, error.retryable(), ContractException.optionalHint(error.hint()), details);
    }
}
