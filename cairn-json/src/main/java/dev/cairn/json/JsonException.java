package dev.cairn.json;

import java.util.Objects;

/**
 * Root exception of {@code cairn-json}: bad JSON, JSON that cannot be canonicalized, or a value
 * that does not match a wire type.
 *
 * <p>{@link #path()} is a JSON Pointer (RFC 6901) to the offending value when one is known, else
 * the empty string (the whole document).
 */
public class JsonException extends RuntimeException implements CodedError {

    private final String code;
    private final String path;
    private final String hint;

    public JsonException(String code, String path, String message, String hint, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.path = path == null ? "" : path;
        this.hint = hint == null ? "" : hint;
    }

    public JsonException(String code, String path, String message, String hint) {
        this(code, path, message, hint, null);
    }

    /** A value does not have the shape its wire type requires. */
    public static JsonException wireFormat(String path, String message, Throwable cause) {
        return new JsonException(
                "wire_format",
                path,
                message,
                "Compare the document with the type's JSON Schema (`cairn schema show NAME`).",
                cause);
    }

    /** The bytes are not JSON at all. */
    public static JsonException invalidJson(String path, String message, Throwable cause) {
        return new JsonException("invalid_json", path, message, "Fix the JSON syntax at the position given.", cause);
    }

    @Override
    public String code() {
        return code;
    }

    /** JSON Pointer to the offending value, or empty for the whole document. */
    public String path() {
        return path;
    }

    @Override
    public boolean retryable() {
        return false;
    }

    @Override
    public String hint() {
        return hint;
    }
}
