package dev.cairn.bench.stack;

import dev.cairn.runner.api.Runner;
import dev.cairn.runner.api.TaskCtx;
import java.util.Objects;

/**
 * The step of {@code cairn bench submit-latency}: a runner that does nothing but note the moment
 * its code starts, {@link System#nanoTime()} as its very first action, with the run the task
 * belongs to ({@code meta.run_id} of a capability step's task). That moment is the end of the
 * measured interval: everything a user waits for before their first step does anything — the HTTP
 * request, planning, the durable run start, the state entered, the task queued, leased and handed to
 * a runner thread — lies before it.
 *
 * <p>Registered by hand on the benchmark's nodes and workers only, never through {@code
 * META-INF/services}: a user's node must not advertise a benchmark capability.
 */
final class ProbeRunner implements Runner {

    /** The capability of the probe run by the in-process runner node. */
    static final String IN_PROCESS = "/cairn/bench/probe/in-process/v1";

    /** The capability of the probe run by a remote worker (the server has no runner for it). */
    static final String REMOTE = "/cairn/bench/probe/remote/v1";

    /** Where a probe reports its start. */
    @FunctionalInterface
    interface Starts {
        void started(String runId, long nanoTime);
    }

    private final String capability;
    private final Starts starts;

    ProbeRunner(String capability, Starts starts) {
        this.capability = Objects.requireNonNull(capability, "capability");
        this.starts = Objects.requireNonNull(starts, "starts");
    }

    @Override
    public String capability() {
        return capability;
    }

    @Override
    public void run(TaskCtx ctx) {
        long now = System.nanoTime();
        starts.started(ctx.task().meta().path("run_id").asText(""), now);
    }
}
