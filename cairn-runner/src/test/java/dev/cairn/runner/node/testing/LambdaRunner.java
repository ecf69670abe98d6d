package dev.cairn.runner.node.testing;

import dev.cairn.runner.api.Runner;
import dev.cairn.runner.api.RunnerException;
import dev.cairn.runner.api.TaskCtx;

/** A runner for tests whose work is a lambda. */
public final class LambdaRunner implements Runner {

    /** The work. */
    @FunctionalInterface
    public interface Body {
        void run(TaskCtx ctx) throws Exception;
    }

    private final String capability;
    private final Body body;

    public LambdaRunner(String capability, Body body) {
        this.capability = capability;
        this.body = body;
    }

    @Override
    public String capability() {
        return capability;
    }

    @Override
    public void run(TaskCtx ctx) throws RunnerException {
        try {
            body.run(ctx);
        } catch (RunnerException | Error e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RunnerException.cancelled(ctx.task().id().toString());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw RunnerException.failed("lambda runner failed", false, e);
        }
    }
}
