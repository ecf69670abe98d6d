package dev.cairn.machine.ids;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorCodes;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.MachineException;
import dev.cairn.machine.errors.RunError;
import java.util.Optional;

/**
 * An identifier was refused: code {@value ErrorCodes#CODE_INVALID_ID}, never retryable.
 *
 * <p>Thrown by the constructors of the validated ids ({@link OpId}, {@link OpPath}, {@link
 * StateId}, {@link ArtifactId}, …), and therefore also while such an id is deserialized: {@code
 * Wire} then reports a {@code JsonException} with the same code, a JSON Pointer to the value, and
 * this exception as its cause.
 */
public final class IdValidationException extends MachineException {

    private static final long serialVersionUID = 1L;

    /** Refused values longer than this are truncated in {@link #error()} and in the message. */
    public static final int MAX_VALUE_CHARS = 128;

    private final transient IdValidationError error;
    private final transient ErrorInfo info;

    private IdValidationException(IdValidationError error, ErrorInfo info, String hint) {
        super(info, hint, null);
        this.error = error;
        this.info = info;
    }

    /**
     * A refused identifier.
     *
     * @param kind the identifier kind, e.g. {@code op_id}
     * @param value the refused value, or {@code null}
     * @param rule what a valid value looks like, used in the hint
     */
    public static IdValidationException of(String kind, String value, String rule) {
        String shown = shown(value);
        IdValidationError error = new IdValidationError(kind, shown);
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("kind", kind);
        details.put("value", shown);
        String message =
                value == null ? "invalid " + kind + ": missing value" : "invalid " + kind + ": `" + shown + "`";
        ErrorInfo info = new ErrorInfo(
                new ErrorCode(ErrorCodes.CODE_INVALID_ID),
                ErrorCategory.PARSING_INPUT,
                false,
                message,
                Optional.of(details));
        return new IdValidationException(error, info, "A valid " + kind + " is " + rule + ".");
    }

    /** The seed's error value: which kind of id, and the (possibly truncated) value. */
    public IdValidationError error() {
        return error;
    }

    /** Shorthand for {@code error().kind()}. */
    public String kind() {
        return error.kind();
    }

    /** Shorthand for {@code error().value()}. */
    public String value() {
        return error.value();
    }

    @Override
    public ErrorInfo info() {
        return info;
    }

    /** {@link RunError.Other} with {@link #info()}. */
    @Override
    public RunError toRunError() {
        return new RunError.Other(info);
    }

    private static String shown(String value) {
        if (value == null) {
            return "<null>";
        }
        if (value.length() <= MAX_VALUE_CHARS) {
            return value;
        }
        int end = MAX_VALUE_CHARS;
        if (Character.isHighSurrogate(value.charAt(end - 1))) {
            end--;
        }
        return value.substring(0, end) + "…(" + value.length() + " chars)";
    }
}
