package dev.cairn.machine.engine;

import dev.cairn.machine.errors.RunException;
import dev.cairn.machine.ids.RunId;

/**
 * Seed {@code engine::ExecutionEngine}: starts and resumes durable runs.
 *
 * <p>Both methods block until the run ends or stops, so callers run them on virtual threads and
 * watch progress in the event store. Implementations must be thread-safe (many runs at once).
 *
 * <p>A run's state failing is not an exception: the engine records it and returns a {@link
 * RunResult} in phase {@code Failed}. {@link RunException} means the engine could not run at all
 * (invalid plan or inputs, storage or context failure).
 *
 * <p>Cancellation is cooperative: interrupting the thread running {@code start}/{@code resume}
 * interrupts the running state (its IO sees the interrupt), after which the engine appends {@code
 * RunCompleted{Cancelled}}, returns phase {@code Cancelled} and leaves the interrupt flag set.
 */
public interface ExecutionEngine {

    /**
     * Starts a new run: validates the inputs, snapshots the initial context, appends {@code
     * RunStarted}, then executes the plan.
     *
     * @throws RunException when the run cannot start or the engine cannot continue it
     */
    RunResult start(Stores stores, StartRun run);

    /**
     * Resumes a run from its persisted events: completed states are not run again, the context is
     * restored from the last checkpoint, an attempt without a terminal event runs again as the next
     * attempt unless it applied a side effect without an idempotency key (then it fails with {@code
     * interrupted_side_effect}), and a run that already ended returns its result unchanged.
     *
     * @throws RunException {@code RunError.Storage(NotFound)} ({@code run_not_found}) when the run
     *     has no events, or when the engine cannot continue it
     */
    RunResult resume(Stores stores, RunId runId);
}
