package dev.cairn.machine.errors;

import dev.cairn.machine.ids.StateId;
import java.util.Objects;
import java.util.Optional;

/**
 * Seed {@code errors::StateError}: failure of a state handler (no secrets). Recorded in {@code
 * KernelEvent.StateFailed}; {@code info.retryable} decides whether the engine retries.
 *
 * @param stateId the planned state the failure is attributed to, when known
 * @param info the structured failure
 */
public record StateError(Optional<StateId> stateId, ErrorInfo info) {

    public StateError {
        Objects.requireNonNull(stateId, "state_id");
        Objects.requireNonNull(info, "info");
    }

    /** A failure not (yet) attributed to a state; the engine attributes it with {@link #withStateId}. */
    public static StateError of(ErrorInfo info) {
        return new StateError(Optional.empty(), info);
    }

    /** This failure attributed to {@code stateId}. */
    public StateError withStateId(StateId stateId) {
        return new StateError(Optional.of(stateId), info);
    }
}
