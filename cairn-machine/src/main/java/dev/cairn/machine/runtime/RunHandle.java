package dev.cairn.machine.runtime;

import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.errors.MachineException;
import dev.cairn.machine.errors.RunException;
import dev.cairn.machine.ids.RunId;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * A run executing on its own virtual thread ({@code Engine.submit}): its id is known at once, it can
 * be cancelled from any thread, and its result awaited.
 */
public final class RunHandle {

    private final RunId runId;
    private final Future<RunResult> future;
    private final Predicate<RunId> canceller;

    RunHandle(RunId runId, Future<RunResult> future, Predicate<RunId> canceller) {
        this.runId = Objects.requireNonNull(runId, "run_id");
        this.future = Objects.requireNonNull(future, "future");
        this.canceller = Objects.requireNonNull(canceller, "canceller");
    }

    /** The run's id. */
    public RunId runId() {
        return runId;
    }

    /**
     * Asks the run to stop: running states observe the cancellation (thread interrupt, failing IO)
     * and the run ends with {@code RunCompleted{Cancelled}}.
     *
     * @return whether the run was executing in this engine
     */
    public boolean cancel() {
        return canceller.test(runId);
    }

    /** Whether the run's execution has returned (or failed). */
    public boolean done() {
        return future.isDone();
    }

    /**
     * Waits for the run to end and returns its result.
     *
     * @throws RunException as {@code start} would
     * @throws InterruptedException when the waiting thread is interrupted (the run goes on)
     */
    public RunResult await() throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof MachineException m) {
                throw RunException.of(m);
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (CancellationException e) {
            throw new IllegalStateException("the run's thread was cancelled", e);
        }
    }
}
