package dev.cairn.executor;

import dev.cairn.executor.protocol.ExecutorInput;
import dev.cairn.executor.protocol.StepResult;

/**
 * Seed 002's step executor: runs one step described by an {@link ExecutorInput}, asking its {@link
 * StepHost} for the workspace, and reports a {@link StepResult}. A command that exits non-zero is a
 * result; a failure of the executor itself (the cell could not start, the step was cancelled or
 * timed out, a secret would have been stored) is an {@link ExecutorException}. Blocks; meant for
 * virtual threads.
 *
 * <p>The executor honours {@link ExecutorInput#cacheLookup()} as decided: a host that has a hit
 * serves it without calling the executor; on a miss the executor reports the workspace it
 * snapshotted after a successful run as {@link StepResult#committedSnapshot()} and never writes the
 * host's cache.
 */
public interface StepExecutor {

    /** A name for logs, e.g. {@code cairn-cell/1} or a plugin's capability. */
    String name();

    /** Runs the step. */
    StepResult execute(ExecutorInput input, StepHost host) throws ExecutorException;
}
