package dev.cairn.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.cell.api.CellException;
import dev.cairn.cell.api.CellosError;
import java.util.Objects;

/**
 * A failure of the inference broker: a {@link CellException} with the port's code {@code
 * inference_broker} (so callers of {@link dev.cairn.cell.api.InferenceBroker} handle it like any
 * other), plus the precise {@link #failure() sub-reason} and secret-free structured {@link
 * #details()} (the budget's state for {@code budget_exhausted}, the HTTP status for {@code
 * rejected}, …).
 *
 * <p>The message is {@code inference broker: <reason>: <what happened>}. Neither the message nor the
 * details ever hold the API key, and they never quote the prompt.
 */
public final class InferenceException extends CellException {

    private static final long serialVersionUID = 1L;

    private final InferenceFailure failure;
    private final transient ObjectNode details;

    private InferenceException(InferenceFailure failure, String detail, ObjectNode details, Throwable cause) {
        super(
                new CellosError.InferenceBroker(failure.reason() + ": " + detail),
                failure.retryable(),
                failure.hint(),
                cause);
        this.failure = failure;
        this.details = details.deepCopy();
        this.details.put("reason", failure.reason());
    }

    /** A failure with the given sub-reason, message and details (copied; must be secret-free). */
    public static InferenceException of(InferenceFailure failure, String detail, ObjectNode details, Throwable cause) {
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(detail, "detail");
        return new InferenceException(
                failure, detail, details == null ? JsonNodeFactory.instance.objectNode() : details, cause);
    }

    /** A failure without details beyond the reason. */
    public static InferenceException of(InferenceFailure failure, String detail) {
        return of(failure, detail, null, null);
    }

    /** {@code request_invalid}: the request cannot be sent. */
    public static InferenceException invalidRequest(String detail) {
        return of(InferenceFailure.REQUEST_INVALID, detail);
    }

    /** The sub-reason. */
    public InferenceFailure failure() {
        return failure;
    }

    /** Structured, secret-free details; always holds {@code reason}. A copy. */
    public JsonNode details() {
        return details.deepCopy();
    }
}
