package dev.cairn.runner.node.testing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.runner.api.Runner;
import dev.cairn.runner.api.RunnerException;
import dev.cairn.runner.api.TaskCtx;
import java.nio.charset.StandardCharsets;

/**
 * A runner found through {@code META-INF/services/dev.cairn.runner.api.Runner} of the test
 * classpath: writes the task's {@code meta.text} to {@code echo.txt} and reports it as progress.
 */
public final class EchoTestRunner implements Runner {

    public static final String CAPABILITY = "/test/echo/v1";

    @Override
    public String capability() {
        return CAPABILITY;
    }

    @Override
    public void run(TaskCtx ctx) throws RunnerException {
        String text = ctx.task().meta().path("text").asText();
        ctx.output().putBytes("echo.txt", text.getBytes(StandardCharsets.UTF_8));
        ctx.ctrl().progress(JsonNodeFactory.instance.objectNode().put("echoed", text));
    }
}
