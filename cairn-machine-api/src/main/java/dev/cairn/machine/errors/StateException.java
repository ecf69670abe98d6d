package dev.cairn.machine.errors;

import dev.cairn.machine.ids.StateId;
import java.util.Objects;

/**
 * A state handler failed, carrying the seed's {@link StateError}. The engine records {@link
 * #error()} in {@code KernelEvent.StateFailed} and retries when {@link #retryable()} and the retry
 * policy allow.
 */
public final class StateException extends MachineException {

    private static final long serialVersionUID = 1L;

    private final transient StateError error;

    public StateException(StateError error) {
        this(error, "", null);
    }

    public StateException(StateError error, String hint, Throwable cause) {
        super(Objects.requireNonNull(error, "error").info(), hint, cause);
        this.error = error;
    }

    /** A failure not attributed to a state (the engine attributes it). */
    public static StateException of(ErrorInfo info) {
        return new StateException(StateError.of(info));
    }

    /** A failure with the given code, category, retryability and secret-free message. */
    public static StateException failed(String code, ErrorCategory category, boolean retryable, String message) {
        return of(ErrorInfo.of(code, category, retryable, message));
    }

    /**
     * A state failure with the payload of another failure, e.g. an {@link IoException} a handler
     * does not handle; a {@code StateException} is returned as is.
     */
    public static StateException from(MachineException failure) {
        if (failure instanceof StateException state) {
            return state;
        }
        return new StateException(StateError.of(failure.info()), failure.hint(), failure);
    }

    /** This failure attributed to {@code stateId} (same hint and cause). */
    public StateException withStateId(StateId stateId) {
        return new StateException(error.withStateId(stateId), hint(), getCause());
    }

    /** The seed's error value. */
    public StateError error() {
        return error;
    }

    @Override
    public ErrorInfo info() {
        return error.info();
    }

    /** {@link RunError.State} wrapping {@link #error()}. */
    @Override
    public RunError toRunError() {
        return new RunError.State(error);
    }
}
