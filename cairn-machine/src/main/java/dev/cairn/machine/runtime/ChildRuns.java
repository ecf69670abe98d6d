package dev.cairn.machine.runtime;

import dev.cairn.machine.engine.StartRun;
import dev.cairn.machine.errors.RunException;

/**
 * Starts child runs from a state handler and waits for them.
 *
 * <p>The engine derives the child's run id from the parent run, the state, the number of failed
 * attempts of the state so far and the call's position in the attempt, so a parent re-run after a
 * crash finds the child it started before and resumes it (or returns its result) instead of starting
 * it twice; a retry after a failure starts fresh children. The parent's log links the runs with
 * {@code child_run_spawned} and {@code child_run_completed} events, and the child's result is also
 * recorded as a fact, so a replay of the parent reads it instead of running the child.
 */
@FunctionalInterface
public interface ChildRuns {

    /**
     * Runs {@code child} to its end (or resumes it) on the parent's stores and returns how it ended.
     * A child that fails or is cancelled is a result, not an exception.
     *
     * @param child the child's inputs, without a run id (the engine assigns it)
     * @throws RunException when the child cannot be started ({@code child_run_id_assigned}, an
     *     invalid plan, storage failures)
     */
    ChildRunResult run(StartRun child);
}
