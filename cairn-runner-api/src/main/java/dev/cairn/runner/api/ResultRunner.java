package dev.cairn.runner.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Cairn addition: a {@link Runner} that also returns a result document, which the node reports as
 * the task's result ({@code TaskOutcome.Succeeded.result}). The {@code command} capability returns
 * its {@code StepResult} this way.
 *
 * <p>A plain {@link Runner} has no result of its own; a node then reports the runner's last {@link
 * ControlPlane#progress progress} value (JSON {@code null} if it reported none). Implement {@link
 * #runForResult(TaskCtx)}; {@link #run(TaskCtx)} calls it and drops the result.
 */
public interface ResultRunner extends Runner {

    /**
     * Executes the task of {@code ctx.lease()} and returns its result document; the same
     * cancellation and failure rules as {@link Runner#run(TaskCtx)} apply.
     */
    JsonNode runForResult(TaskCtx ctx) throws RunnerException;

    @Override
    default void run(TaskCtx ctx) throws RunnerException {
        runForResult(ctx);
    }
}
