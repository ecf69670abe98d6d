package dev.cairn.contracts;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.CodedError;
import dev.cairn.json.CodedException;
import dev.cairn.json.JsonException;
import java.util.List;
import java.util.Optional;

/**
 * Root exception of the HTTP contracts: a request or response that breaks the contract's rules,
 * or an outcome the contract names (run not found, runner not found, execution failed). Each
 * carries the HTTP status it is answered with and becomes an {@link ErrorEnvelope} with {@link
 * #toEnvelope()}.
 *
 * <p>The records' constructors throw it, so {@code Wire.read} reports it as a {@code
 * JsonException} with the same code and a pointer to the value.
 */
public class ContractException extends CodedException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient ObjectNode details;

    private ContractException(
            String code, int status, boolean retryable, String message, String hint, ObjectNode details) {
        super(code, message, retryable, hint, null);
        this.status = status;
        this.details = details;
    }

    /** A field breaks its rule (the Zod schema's, e.g. {@code min(1)} or {@code int().positive()}); HTTP 400. */
    public static ContractException invalidField(String field, String problem) {
        return new ContractException(
                "invalid_field",
                400,
                false,
                field + " " + problem,
                "Fix `" + field + "`; the request's JSON Schema is served at GET /openapi.yaml.",
                null);
    }

    /** No run has this id; HTTP 404. */
    public static ContractException runNotFound(String runId) {
        return new ContractException(
                "run_not_found",
                404,
                false,
                "no run with id `" + runId + "`",
                "Check the runId returned by POST /run.",
                JsonNodeFactory.instance.objectNode().put("runId", runId));
    }

    /**
     * Some requested runners do not exist (oRPC's {@code RUNNER_NOT_FOUND}, with the same data);
     * HTTP 404.
     */
    public static ContractException runnerNotFound(List<String> missingRunners, List<String> availableRunners) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        missingRunners.forEach(details.putArray("missingRunners")::add);
        availableRunners.forEach(details.putArray("availableRunners")::add);
        return new ContractException(
                "runner_not_found",
                404,
                false,
                "runners not found: " + String.join(", ", missingRunners),
                "Use a runner listed by GET /info.",
                details);
    }

    /** The runner failed to execute (oRPC's {@code EXECUTION_FAILED}, with the same data); HTTP 500. */
    public static ContractException executionFailed(String detail) {
        return new ContractException(
                "execution_failed",
                500,
                true,
                "runner execution failed: " + detail,
                "Retry; if it fails again, see the runner's logs.",
                JsonNodeFactory.instance.objectNode().put("details", detail));
    }

    /** The HTTP status this error is answered with. */
    public int status() {
        return status;
    }

    /** Structured data about the error (a copy), as the envelope's {@code details}. */
    public Optional<ObjectNode> details() {
        return Optional.ofNullable(details).map(ObjectNode::deepCopy);
    }

    /** This error as the body of its HTTP response. */
    public ErrorEnvelope toEnvelope() {
        return new ErrorEnvelope(code(), getMessage(), retryable(), optionalHint(hint()), details());
    }

    /**
     * The HTTP status for any Cairn error: a {@link ContractException}'s own; 400 for a {@link
     * JsonException} (the body does not match its type); 503 for other retryable errors; 500
     * otherwise.
     */
    public static int httpStatus(CodedError error) {
        return switch (error) {
            case ContractException e -> e.status();
            case JsonException e -> 400;
            default -> error.retryable() ? 503 : 500;
        };
    }

    static Optional<String> optionalHint(String hint) {
        return hint == null || hint.isEmpty() ? Optional.empty() : Optional.of(hint);
    }
}
