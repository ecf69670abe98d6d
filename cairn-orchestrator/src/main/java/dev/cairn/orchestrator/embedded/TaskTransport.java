package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.runtime.io.IoCallContext;
import dev.cairn.machine.runtime.io.IoTransport;
import dev.cairn.runner.api.lease.TaskOutcome;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@code task} namespace of the kernel's IO: a call dispatches a step's task to the queue (or
 * finds the task a previous run of the same dispatch left there) and blocks until the task has
 * ended; the response, a {@link TaskResult}, is recorded by the kernel as a fact. Interrupting the
 * call (the run was cancelled) stops the wait; the task itself is cancelled by the orchestrator.
 */
final class TaskTransport implements IoTransport {

    private final TaskQueue queue;
    private final Consumer<RunId> taskCancelled;
    private final DispatchStaging staging;
    /** The dispatch this thread staged before the barrier of its current call. */
    private final ThreadLocal<DispatchStaging.Staged> staged = new ThreadLocal<>();

    /**
     * @param taskCancelled told, before the call returns, that a task of the run ended cancelled: when
     *     the run itself is being cancelled or timed out, the orchestrator stops the run in the engine
     *     then, so that the step's failure cannot end the run as failed before the stop arrives
     */
    TaskTransport(TaskQueue queue, Consumer<RunId> taskCancelled, DispatchStaging staging) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.taskCancelled = Objects.requireNonNull(taskCancelled, "task_cancelled");
        this.staging = Objects.requireNonNull(staging, "staging");
    }

    /** Stages the dispatch so that the barrier's append enqueues the task ({@link DispatchStaging}). */
    @Override
    public void beforeBarrier(IoCall call, IoCallContext context) {
        DispatchStaging.Staged previous = staged.get();
        staged.remove();
        if (previous != null) {
            staging.resolve(previous); // left by a call whose barrier failed: withdraw it
        }
        TaskRequest request = TaskCalls.request(call);
        if (request == null) {
            try {
                request = Wire.fromTree(call.request(), TaskRequest.class);
            } catch (JsonException e) {
                return; // call() reports it
            }
        }
        staged.set(staging.stage(context.runId(), context.stateId(), context.attempt(), request));
    }

    @Override
    public JsonNode call(IoCall call, IoCallContext context) {
        DispatchStaging.Staged mine = staged.get();
        staged.remove();
        boolean ours = mine != null && mine.stateId.equals(context.stateId()) && mine.runId.equals(context.runId());
        TaskRequest request;
        try {
            // the request read before the barrier, when it was this call's, or the state's own object
            TaskRequest typed = TaskCalls.request(call);
            request = ours ? mine.request : typed != null ? typed : Wire.fromTree(call.request(), TaskRequest.class);
        } catch (JsonException e) {
            if (mine != null) {
                staging.resolve(mine);
            }
            throw IoException.other(
                    ErrorInfo.of(
                            "invalid_task_request",
                            ErrorCategory.PARSING_INPUT,
                            false,
                            "a `task` call's request does not read as a task request (" + e.code() + " at " + e.path()
                                    + ")"),
                    e);
        }
        TaskQueue.Ended ended;
        try {
            Optional<TaskQueue.Dispatch> committed = Optional.empty();
            if (ours) {
                committed = staging.resolve(mine);
            } else if (mine != null) {
                staging.resolve(mine);
            }
            TaskQueue.Dispatch dispatch = committed.isPresent()
                    ? committed.get()
                    : queue.dispatch(context.runId(), context.stateId(), context.attempt(), request);
            ended = queue.await(dispatch);
        } catch (StorageException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw IoException.interrupted();
            }
            throw IoException.transport(
                    ErrorInfo.of(
                            "task_store_failed", ErrorCategory.STORAGE, false, "the task queue failed: " + e.code()),
                    e);
        }
        TaskQueue.TaskInfo task = ended.task();
        TaskOutcome outcome = ended.outcome();
        if (outcome instanceof TaskOutcome.Cancelled) {
            taskCancelled.accept(context.runId());
        }
        List<TaskEvent> history;
        try {
            history = ended.history().isPresent() ? ended.history().get() : queue.history(task.taskId());
        } catch (StorageException e) {
            history = List.of(); // the outcome matters; its history is reported on a best-effort basis
        }
        TaskResult result = new TaskResult(
                task.taskId(), task.failures(), task.endedEpoch().orElse(0L), task.workerId(), outcome, history);
        TaskCalls.answered(call, result);
        return result.tree();
    }
}
