package dev.cairn.runner.api;

/**
 * A capability-specific worker: the node looks runners up by {@link #capability()} and calls
 * {@link #run(TaskCtx)} once per leased task.
 *
 * <p>{@code run} blocks until the task is done and is meant to be called on a virtual thread.
 * Cancellation is cooperative: a runner polls {@link ControlPlane#isCancelled()} between units of
 * work, and the node may also interrupt the thread; either way the runner stops promptly and throws
 * {@link RunnerException#cancelled(String)} (restoring the interrupt flag if it caught an {@link
 * InterruptedException}). Returning normally means the task succeeded and its outputs are uploaded.
 */
public interface Runner {

    /** The capability this runner implements, e.g. {@code /reconstruction/legacy/v1}. Constant. */
    String capability();

    /** Executes the task of {@code ctx.lease()}; throws a {@link RunnerException} on failure. */
    void run(TaskCtx ctx) throws RunnerException;
}
