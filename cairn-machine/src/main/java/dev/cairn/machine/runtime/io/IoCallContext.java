package dev.cairn.machine.runtime.io;

import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a transport may know about the attempt that makes a call. Transports that talk to systems
 * able to deduplicate should pass {@link #idempotencyKey()} along (e.g. as an {@code
 * Idempotency-Key} header): an {@code ApplySideEffect} state re-run after a crash makes its calls
 * again with the same key.
 *
 * @param runId the run
 * @param stateId the state making the call
 * @param attempt the attempt number (zero-based)
 * @param idempotencyKey the state's declared idempotency key ({@code Idempotency.Key}), if any
 * @param nixFlakeAllowlist the run's {@code nix_flake_allowlist}, for the {@code nix.exec} transport
 */
public record IoCallContext(
        RunId runId, StateId stateId, int attempt, Optional<String> idempotencyKey, List<String> nixFlakeAllowlist) {

    public IoCallContext {
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(stateId, "state_id");
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be >= 0, got " + attempt);
        }
        Objects.requireNonNull(idempotencyKey, "idempotency_key");
        nixFlakeAllowlist = List.copyOf(Objects.requireNonNull(nixFlakeAllowlist, "nix_flake_allowlist"));
    }
}
