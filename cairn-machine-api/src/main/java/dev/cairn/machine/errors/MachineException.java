package dev.cairn.machine.errors;

import dev.cairn.json.CodedError;
import java.util.Objects;

/**
 * Root of every failure {@code cairn-machine-api} (and the kernel built on it) throws.
 *
 * <p>Each subclass carries one of the seed's error <em>values</em> ({@link #info()}, and a typed
 * {@code error()} on the subclass), so the failure can be persisted in events exactly as the seed
 * defines it. {@link #code()} and {@link #retryable()} come from that {@link ErrorInfo}; {@link
 * #getMessage()} is its {@link ErrorInfo#message() message}, which names the offending value unless
 * it may be a secret.
 *
 * <p>The kernel turns any escaping {@code MachineException} into the run-level error it records with
 * {@link #toRunError()}.
 */
public abstract class MachineException extends RuntimeException implements CodedError {

    private static final long serialVersionUID = 1L;

    private final String hint;

    /**
     * @param info the persisted error value; its message becomes this exception's message
     * @param hint what the caller can do about it; empty when there is nothing to add
     * @param cause the underlying failure, or {@code null}
     */
    protected MachineException(ErrorInfo info, String hint, Throwable cause) {
        super(Objects.requireNonNull(info, "info").message(), cause);
        this.hint = hint == null ? "" : hint;
    }

    /** The structured error value (code, category, retryable, message, details). */
    public abstract ErrorInfo info();

    /** The run-level error the engine records when this failure ends a run. */
    public abstract RunError toRunError();

    /** {@link ErrorInfo#code()} of {@link #info()}, e.g. {@code missing_fact_key}. */
    @Override
    public String code() {
        return info().code().value();
    }

    /** {@link ErrorInfo#retryable()} of {@link #info()}. */
    @Override
    public boolean retryable() {
        return info().retryable();
    }

    /** {@link ErrorInfo#category()} of {@link #info()}. */
    public ErrorCategory category() {
        return info().category();
    }

    @Override
    public String hint() {
        return hint;
    }
}
