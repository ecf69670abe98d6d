package dev.cairn.runner.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.cairn.contracts.api.InlineOutput;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.ResultRunner;
import dev.cairn.runner.api.Runner;
import dev.cairn.runner.api.RunnerException;
import dev.cairn.runner.api.TaskCtx;
import dev.cairn.runner.api.lease.TaskOutcome;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One runner executing one task on its own virtual thread, with the task's context: inputs from
 * the artifact store, outputs to it, and a {@link RelayControlPlane}. Used for leased tasks and for
 * direct executions ({@code POST /execute}).
 *
 * <p>How the runner's end becomes a {@link TaskOutcome}: returning normally is {@code Succeeded}
 * with the {@link ResultRunner} result (or the last progress value) and the recorded outputs; a
 * {@link RunnerException} is {@code Failed} with its code, message and retryability; anything else
 * thrown is {@code Failed} with code {@value #RUNNER_ERROR}; and once the task was {@linkplain
 * #cancel() cancelled}, any failure is {@code Cancelled}.
 */
final class TaskExecution implements AutoCloseable {

    /** The code of a runner that threw something other than a {@link RunnerException}. */
    static final String RUNNER_ERROR = "runner_error";

    private static final Logger LOG = LoggerFactory.getLogger(TaskExecution.class);

    private final Runner runner;
    private final LeaseEnvelope lease;
    private final TaskScratch scratch;
    private final RelayControlPlane ctrl;
    private final StoreArtifactSink sink;
    private final InlineOutputs inline;
    private final TaskCtx ctx;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile TaskOutcome outcome;
    private Thread thread;

    TaskExecution(
            Runner runner, LeaseEnvelope lease, ArtifactStore store, Path workRoot, Clock clock, UploadRetry retry) {
        this(runner, lease, store, workRoot, clock, retry, false);
    }

    /**
     * @param holdOutputs whether small outputs are held ({@link #inlineOutputs}) for the completion
     *     to carry rather than stored
     */
    TaskExecution(
            Runner runner,
            LeaseEnvelope lease,
            ArtifactStore store,
            Path workRoot,
            Clock clock,
            UploadRetry retry,
            boolean holdOutputs) {
        this.runner = runner;
        this.lease = lease;
        this.scratch = new TaskScratch(workRoot, "task-" + lease.task().id() + "-");
        this.ctrl = new RelayControlPlane(clock);
        this.inline = holdOutputs ? new InlineOutputs() : null;
        this.sink = new StoreArtifactSink(store, scratch, retry, inline);
        this.ctx = new TaskCtx(lease, new StoreInputSource(store, scratch), sink, ctrl);
    }

    RelayControlPlane ctrl() {
        return ctrl;
    }

    /** Starts the runner on a new virtual thread. */
    synchronized void start() {
        thread = Thread.ofVirtual().name("cairn-task-" + lease.task().id()).start(() -> {
            try {
                outcome = execute();
            } finally {
                done.countDown();
            }
        });
    }

    /**
     * Runs the runner on the calling thread (renamed for the task's duration, as {@link #start}'s
     * thread is named) and returns once it has ended; {@link #cancel()} interrupts this thread
     * meanwhile.
     */
    void runHere() {
        Thread current = Thread.currentThread();
        String name = current.getName();
        synchronized (this) {
            thread = current;
        }
        current.setName("cairn-task-" + lease.task().id());
        try {
            outcome = execute();
        } finally {
            synchronized (this) {
                thread = null; // a cancel from now on must not interrupt what this thread does next
            }
            done.countDown();
            current.setName(name);
        }
    }

    /** Waits up to {@code timeout} for the runner to end; whether it has. */
    boolean await(Duration timeout) throws InterruptedException {
        return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    boolean isDone() {
        return done.getCount() == 0;
    }

    /** The outcome, once {@link #isDone()}. */
    TaskOutcome outcome() {
        return outcome;
    }

    /** The held outputs that {@code outcome} names, which its completion must carry. */
    List<InlineOutput> inlineOutputs(TaskOutcome outcome) {
        return inline != null && outcome instanceof TaskOutcome.Succeeded succeeded
                ? inline.named(succeeded.outputs())
                : List.of();
    }

    /** Asks the runner to stop: its control plane reports cancellation and its thread is interrupted. */
    synchronized void cancel() {
        ctrl.cancel();
        if (thread != null) {
            thread.interrupt();
        }
    }

    private TaskOutcome execute() {
        String taskId = lease.task().id().toString();
        try {
            JsonNode result;
            if (runner instanceof ResultRunner withResult) {
                result = withResult.runForResult(ctx);
            } else {
                runner.run(ctx);
                result = ctrl.lastProgress().orElse(null);
            }
            return new TaskOutcome.Succeeded(result == null ? NullNode.getInstance() : result, sink.outputs());
        } catch (RunnerException e) {
            if (ctrl.isCancelled() || "cancelled".equals(e.code())) {
                return new TaskOutcome.Cancelled();
            }
            LOG.debug("task {} failed: {} {}", taskId, e.code(), e.getMessage());
            return new TaskOutcome.Failed(e.code(), messageOf(e), e.retryable());
        } catch (Throwable e) { // a runner's bug must not take the node down; VM errors are reported too
            if (ctrl.isCancelled()) {
                return new TaskOutcome.Cancelled();
            }
            LOG.warn(
                    "runner {} threw {} on task {}: {}",
                    runner.getClass().getName(),
                    e.getClass().getName(),
                    taskId,
                    e.getMessage());
            LOG.debug("the runner's exception", e);
            return new TaskOutcome.Failed(
                    RUNNER_ERROR,
                    "runner " + runner.getClass().getName() + " failed: "
                            + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                    false);
        }
    }

    private static String messageOf(RunnerException e) {
        return e.getMessage() == null || e.getMessage().isEmpty() ? e.code() : e.getMessage();
    }

    /** Deletes the task's scratch files. */
    @Override
    public void close() {
        try {
            scratch.close();
        } catch (RunnerNodeException e) {
            LOG.warn("cannot clean up after task {}: {}", lease.task().id(), e.getMessage());
        }
    }
}
