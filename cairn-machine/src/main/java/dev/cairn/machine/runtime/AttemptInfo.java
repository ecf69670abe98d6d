package dev.cairn.machine.runtime;

import dev.cairn.machine.config.IoMode;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.meta.SideEffectKind;
import java.util.Objects;
import java.util.Optional;

/**
 * The state attempt a handler is running.
 *
 * @param runId the run
 * @param stateId the state (assigned by the plan)
 * @param attempt zero-based attempt number: 0 on the first try, +1 on every retry or re-run after a
 *     crash
 * @param factAttempt the attempt number the attempt's derived fact keys carry ({@code
 *     AttemptFactKeys}): {@code attempt} itself when live; in a replay, the number of the original
 *     attempt it reproduces. A state that keys its own facts per attempt keys them with this, so
 *     that a replay finds them
 * @param sideEffects the state's side-effect classification
 * @param idempotencyKey the state's declared idempotency key; the same on every attempt, so an
 *     {@code ApplySideEffect} state re-run after a crash can deduplicate its effect with it
 * @param ioMode live IO, or replay from recorded facts
 */
public record AttemptInfo(
        RunId runId,
        StateId stateId,
        int attempt,
        int factAttempt,
        SideEffectKind sideEffects,
        Optional<String> idempotencyKey,
        IoMode ioMode) {

    public AttemptInfo {
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(stateId, "state_id");
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be >= 0, got " + attempt);
        }
        if (factAttempt < 0) {
            throw new IllegalArgumentException("factAttempt must be >= 0, got " + factAttempt);
        }
        Objects.requireNonNull(sideEffects, "side_effects");
        Objects.requireNonNull(idempotencyKey, "idempotency_key");
        Objects.requireNonNull(ioMode, "io_mode");
    }
}
