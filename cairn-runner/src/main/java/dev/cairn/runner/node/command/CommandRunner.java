package dev.cairn.runner.node.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.executor.protocol.CommandTask;
import dev.cairn.executor.protocol.StepResult;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.runner.api.ResultRunner;
import dev.cairn.runner.api.RunnerException;
import dev.cairn.runner.api.TaskCtx;
import java.util.Objects;

/**
 * The built-in {@value #CAPABILITY} capability: reads the task's {@code meta} as a {@link
 * CommandTask}, has its {@link CommandExecutor} run it, and returns the {@link StepResult} as the
 * task's result document. A {@code meta} that is not a valid {@code CommandTask} fails with code
 * {@value #INVALID_COMMAND_TASK}.
 */
public final class CommandRunner implements ResultRunner {

    /** The capability. */
    public static final String CAPABILITY = "command";

    /** The code of a task whose {@code meta} is not a {@link CommandTask}. */
    public static final String INVALID_COMMAND_TASK = "invalid_command_task";

    private final String capability;
    private final CommandExecutor executor;

    /** The {@value #CAPABILITY} capability, run by {@code executor}. */
    public CommandRunner(CommandExecutor executor) {
        this(CAPABILITY, executor);
    }

    /**
     * {@code capability} (e.g. one an executor plugin serves), whose tasks carry a {@link CommandTask}
     * in their {@code meta} like {@value #CAPABILITY}'s, run by {@code executor}.
     */
    public CommandRunner(String capability, CommandExecutor executor) {
        this.capability = Objects.requireNonNull(capability, "capability");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** The executor that runs the commands. */
    public CommandExecutor executor() {
        return executor;
    }

    @Override
    public String capability() {
        return capability;
    }

    @Override
    public JsonNode runForResult(TaskCtx ctx) {
        StepResult result = executor.execute(commandTask(ctx.task().meta()), ctx);
        return Wire.toTree(result);
    }

    /**
     * The {@link CommandTask} in a task's {@code meta}.
     *
     * @throws RunnerException {@value #INVALID_COMMAND_TASK} naming the offending field
     */
    public static CommandTask commandTask(JsonNode meta) {
        if (meta == null || !meta.isObject()) {
            throw invalid("the task's meta must be a CommandTask object, got "
                    + (meta == null ? "nothing" : meta.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        try {
            return Wire.fromTree(meta, CommandTask.class);
        } catch (JsonException e) {
            String where = e.path().isEmpty() ? "" : " at meta" + e.path();
            throw invalid("the task's meta is not a valid CommandTask" + where + ": " + e.getMessage());
        }
    }

    private static RunnerException invalid(String message) {
        return new RunnerException(
                INVALID_COMMAND_TASK,
                message,
                false,
                "The orchestrator writes the CommandTask; check the step's definition in the pipeline.",
                null);
    }
}
