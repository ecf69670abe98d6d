package dev.cairn.machine.errors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.machine.ids.ErrorCode;
import dev.cairn.machine.internal.JsonValues;
import java.util.Objects;
import java.util.Optional;

/**
 * Seed {@code errors::ErrorInfo}: the structured payload of every persisted error. Canonical-JSON
 * compatible; MUST NOT contain secrets (neither {@code message} nor {@code details}).
 *
 * @param code stable machine-readable code, e.g. {@code missing_fact_key}
 * @param category category for policy decisions and display
 * @param retryable whether the failed operation may be retried safely
 * @param message human-readable message, safe to persist and display
 * @param details optional structured, secret-free details; a JSON {@code null} is the same as
 *     absent (serde reads {@code null} as {@code None}). Copied on construction
 */
public record ErrorInfo(
        ErrorCode code, ErrorCategory category, boolean retryable, String message, Optional<JsonNode> details) {

    public ErrorInfo {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(message, "message");
        details = Objects.requireNonNull(details, "details")
                .filter(node -> !node.isNull())
                .map(node -> JsonValues.copy(node, "details"));
    }

    /** An error without details. */
    public static ErrorInfo of(String code, ErrorCategory category, boolean retryable, String message) {
        return new ErrorInfo(new ErrorCode(code), category, retryable, message, Optional.empty());
    }

    /** This error with {@code details} (secret-free) attached. */
    public ErrorInfo withDetails(JsonNode details) {
        return new ErrorInfo(code, category, retryable, message, Optional.of(details));
    }

    /** This error with {@code retryable} replaced. */
    public ErrorInfo withRetryable(boolean retryable) {
        return new ErrorInfo(code, category, retryable, message, details);
    }
}
