package dev.cairn.machine.errors;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.machine.ids.ContextKey;
import java.util.Objects;

/** A failure reading or mutating the execution context, carrying the seed's {@link ContextError}. */
public final class ContextException extends MachineException {

    private static final long serialVersionUID = 1L;

    private final transient ContextError error;

    public ContextException(ContextError error) {
        this(error, "", null);
    }

    public ContextException(ContextError error, String hint, Throwable cause) {
        super(Objects.requireNonNull(error, "error").info(), hint, cause);
        this.error = error;
    }

    /** {@link ContextError.MissingKey}, code {@value ErrorCodes#CODE_MISSING_CONTEXT_KEY}. */
    public static ContextException missingKey(ContextKey key) {
        ErrorInfo info = ErrorInfo.of(
                ErrorCodes.CODE_MISSING_CONTEXT_KEY,
                ErrorCategory.CONTEXT,
                false,
                "context key `" + key + "` is not set");
        return new ContextException(
                new ContextError.MissingKey(key, info),
                "Make sure an earlier state writes the key, and that this state depends on it.",
                null);
    }

    /**
     * {@link ContextError.Serialization}, code {@value ErrorCodes#CODE_CONTEXT_DESERIALIZE_FAILED}
     * (the seed's), category {@code Context}, not retryable: the value under {@code key} does not
     * read as {@code type}. The persisted error names the key, the type and the JSON Pointer of the
     * offending part, never the value (it may be sensitive); the cause has the codec's detail.
     */
    public static ContextException deserializeFailed(ContextKey key, String type, String path, Throwable cause) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("key", key.value());
        details.put("type", type);
        details.put("path", path);
        ErrorInfo info = ErrorInfo.of(
                        ErrorCodes.CODE_CONTEXT_DESERIALIZE_FAILED,
                        ErrorCategory.CONTEXT,
                        false,
                        "context value deserialization failed: `" + key + "` is not a " + type
                                + (path.isEmpty() ? "" : " (at " + path + ")"))
                .withDetails(details);
        return new ContextException(
                new ContextError.Serialization(info),
                "The writer and reader of this key disagree on its type; fix one of them.",
                cause);
    }

    /**
     * {@link ContextError.Serialization}, code {@value ErrorCodes#CODE_CONTEXT_SERIALIZE_FAILED} (the
     * seed's), category {@code Context}, not retryable: a value of {@code type} has no JSON form.
     */
    public static ContextException serializeFailed(ContextKey key, String type, Throwable cause) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("key", key.value());
        details.put("type", type);
        ErrorInfo info = ErrorInfo.of(
                        ErrorCodes.CODE_CONTEXT_SERIALIZE_FAILED,
                        ErrorCategory.CONTEXT,
                        false,
                        "context value serialization failed: a " + type + " for `" + key + "` has no JSON form")
                .withDetails(details);
        return new ContextException(
                new ContextError.Serialization(info),
                "Store wire types (records, enums, JSON trees) in the context.",
                cause);
    }

    /** {@link ContextError.Other} with the caller's error payload. */
    public static ContextException other(ErrorInfo info, Throwable cause) {
        return new ContextException(new ContextError.Other(info), "", cause);
    }

    /** The seed's error value. */
    public ContextError error() {
        return error;
    }

    @Override
    public ErrorInfo info() {
        return error.info();
    }

    /** {@link RunError.Context} wrapping {@link #error()}. */
    @Override
    public RunError toRunError() {
        return new RunError.Context(error);
    }
}
