package dev.cairn.json;

import java.util.Objects;

/**
 * The common base of Cairn's root exceptions: an unchecked exception that carries the stable
 * {@link #code() code}, whether a {@link #retryable() retry} may succeed and a {@link #hint() hint}.
 * Each module keeps its own subclass with named factory methods (one per failure), so callers
 * catch the module's type and branch on the code; this class only holds what they all share.
 */
public abstract class CodedException extends RuntimeException implements CodedError {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final boolean retryable;
    private final String hint;

    /**
     * @param code stable snake_case code
     * @param message what was wrong; never a secret value
     * @param retryable whether retrying the same operation, unchanged, may succeed
     * @param hint what the caller can do; {@code null} is read as empty
     * @param cause the underlying failure, or {@code null}
     */
    protected CodedException(String code, String message, boolean retryable, String hint, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.retryable = retryable;
        this.hint = hint == null ? "" : hint;
    }

    @Override
    public final String code() {
        return code;
    }

    @Override
    public final boolean retryable() {
        return retryable;
    }

    @Override
    public final String hint() {
        return hint;
    }

    /** A cause's message for inclusion in another message: its text, else its type's simple name. */
    protected static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown cause";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
