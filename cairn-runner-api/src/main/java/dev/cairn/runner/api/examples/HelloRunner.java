package dev.cairn.runner.api.examples;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.runner.api.Runner;
import dev.cairn.runner.api.RunnerException;
import dev.cairn.runner.api.TaskCtx;
import dev.cairn.runner.api.TaskSpec;

/**
 * The seed's example runner, capability {@value #CAPABILITY}: reports {@code {"status":"started"}},
 * copies the task's first input to the artifact {@value #OUTPUT_KEY}, and reports {@code
 * {"status":"finished"}}.
 *
 * <p>A real runner, kept in the main sources so that nodes can register it as a built-in
 * capability. A task without inputs fails with code {@code missing_input} (the Rust example would
 * panic on the empty index).
 */
public final class HelloRunner implements Runner {

    /** The capability this runner serves. */
    public static final String CAPABILITY = "/examples/hello/v1";

    /** The key the copied input is written under. */
    public static final String OUTPUT_KEY = "outputs/hello.bin";

    @Override
    public String capability() {
        return CAPABILITY;
    }

    @Override
    public void run(TaskCtx ctx) throws RunnerException {
        TaskSpec task = ctx.task();
        ctx.ctrl().progress(JsonNodeFactory.instance.objectNode().put("status", "started"));
        if (task.inputsCids().isEmpty()) {
            throw RunnerException.missingInput(
                    task.id().toString(), "has no inputs_cids; " + CAPABILITY + " copies the first input");
        }
        byte[] bytes = ctx.input().getBytesByCid(task.inputsCids().get(0));
        ctx.output().putBytes(OUTPUT_KEY, bytes);
        ctx.ctrl().progress(JsonNodeFactory.instance.objectNode().put("status", "finished"));
    }
}
