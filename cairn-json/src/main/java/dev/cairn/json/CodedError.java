package dev.cairn.json;

/**
 * A failure that carries a stable, machine-readable code.
 *
 * <p>Every module of Cairn has one unchecked root exception implementing this interface. The CLI
 * prints {@link #code()} on stderr and the HTTP layer puts it in the error envelope, so callers can
 * branch on the code and never on the message.
 */
public interface CodedError {

    /** Stable snake_case code, e.g. {@code duplicate_key}. */
    String code();

    /** Whether retrying the same operation, unchanged, may succeed. */
    boolean retryable();

    /** What the caller can do about it; empty when there is nothing to add to the message. */
    String hint();

    /** What was wrong, naming the offending value where that is safe. */
    String getMessage();
}
