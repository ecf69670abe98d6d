package dev.cairn.machine.runtime;

import dev.cairn.machine.ids.RunId;
import java.util.Optional;

/**
 * Observes every lifecycle move the engine makes (for metrics, tracing and the test that every
 * move of the tables is exercised). Called synchronously on engine threads: keep it fast and never
 * throw.
 */
@FunctionalInterface
public interface TransitionListener {

    /**
     * A move of {@code lifecycle} ({@code run} or {@code attempt}).
     *
     * @param runId the run
     * @param stateId the state, for attempt moves
     * @param move the move, e.g. {@code RUNNING -> COMPLETED}
     */
    void onTransition(RunId runId, Optional<String> stateId, Lifecycle.Move<?> move);

    /** A listener that does nothing. */
    static TransitionListener none() {
        return (runId, stateId, move) -> {};
    }
}
