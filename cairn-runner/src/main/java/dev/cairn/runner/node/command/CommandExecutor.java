package dev.cairn.runner.node.command;

import dev.cairn.executor.protocol.CommandTask;
import dev.cairn.executor.protocol.StepResult;
import dev.cairn.runner.api.RunnerException;
import dev.cairn.runner.api.TaskCtx;

/**
 * How the {@code command} capability executes one {@link CommandTask}: the part of the command
 * runner that the isolation layer replaces. {@link ProcessCommandExecutor} runs a plain host
 * subprocess; an executor speaking seed 002's protocol in a cell implements the same interface.
 *
 * <p>Contract: place {@code task.inputs()} in a fresh workspace (reading them through {@code
 * ctx.input()}), run {@code task.step()} there, stream its output lines to {@code ctx.ctrl()} as log
 * events with {@code stream} {@code stdout} or {@code stderr}, store the files matching {@code
 * step.outputs} through {@code ctx.output()} after a successful run (their keys relative to the
 * workspace root), leave nothing running and no workspace behind, and return the {@link
 * StepResult}. A non-zero exit code is a result, not a failure. Cancellation ({@code
 * ctx.ctrl().isCancelled()} or an interrupt) ends the command and throws {@link
 * RunnerException#cancelled(String)}; exceeding the step's timeout throws code {@value
 * #COMMAND_TIMEOUT} (retryable).
 */
public interface CommandExecutor {

    /** The code of a step that ran longer than its timeout. */
    String COMMAND_TIMEOUT = "command_timeout";

    /** Runs {@code task}; blocks until the command and everything it started have ended. */
    StepResult execute(CommandTask task, TaskCtx ctx) throws RunnerException;
}
