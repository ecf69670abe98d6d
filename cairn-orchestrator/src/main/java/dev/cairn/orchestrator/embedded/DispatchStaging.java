package dev.cairn.orchestrator.embedded;

import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Dispatches the task transport stages just before the kernel's durability barrier that precedes
 * a {@code task} call, so that the barrier's append ({@link ProjectingEventStore}) enqueues the
 * task in the same transaction as the run's events: one commit instead of two on the way from a
 * state's start to its task being offered. The task row is then written after the events' fold,
 * so the dispatch reads the state's failures as the barrier left them, exactly as a dispatch of
 * its own would.
 *
 * <p>Staging is an optimisation only: an append takes a run's staged dispatches only when it
 * appends events; a transport whose dispatch was not taken withdraws it and dispatches by itself,
 * and one whose dispatch was taken waits for that append to commit (or to fail, and then
 * dispatches by itself; dispatching is idempotent, the task id being derived). Thread-safe.
 */
final class DispatchStaging {

    private static final int STAGED = 0;
    private static final int TAKEN = 1;
    private static final int WITHDRAWN = 2;

    /** One staged dispatch. */
    static final class Staged {
        final RunId runId;
        final StateId stateId;
        final int attempt;
        final TaskRequest request;
        private final AtomicInteger state = new AtomicInteger(STAGED);
        private final CompletableFuture<Optional<TaskQueue.Dispatch>> outcome = new CompletableFuture<>();

        Staged(RunId runId, StateId stateId, int attempt, TaskRequest request) {
            this.runId = Objects.requireNonNull(runId, "run_id");
            this.stateId = Objects.requireNonNull(stateId, "state_id");
            this.attempt = attempt;
            this.request = Objects.requireNonNull(request, "request");
        }

        /** Told by the append that took it: the committed dispatch, or empty when it was not made. */
        void done(Optional<TaskQueue.Dispatch> dispatch) {
            outcome.complete(dispatch);
        }
    }

    private final Map<String, List<Staged>> byRun = new HashMap<>();

    /** Stages a dispatch for the next append of its run. */
    Staged stage(RunId runId, StateId stateId, int attempt, TaskRequest request) {
        Staged staged = new Staged(runId, stateId, attempt, request);
        synchronized (byRun) {
            byRun.computeIfAbsent(runId.toString(), k -> new ArrayList<>()).add(staged);
        }
        return staged;
    }

    /** The run's staged dispatches, now taken by the calling append (inside its transaction). */
    List<Staged> take(String runId) {
        List<Staged> staged;
        synchronized (byRun) {
            staged = byRun.remove(runId);
        }
        if (staged == null) {
            return List.of();
        }
        List<Staged> taken = new ArrayList<>(staged.size());
        for (Staged s : staged) {
            if (s.state.compareAndSet(STAGED, TAKEN)) {
                taken.add(s);
            }
        }
        return taken;
    }

    /**
     * The outcome of {@code staged} for its transport: empty when no append took it (it is withdrawn
     * now) or when the append that took it did not commit it; the transport then dispatches itself.
     *
     * @throws IoException {@code interrupted} when interrupted while the append commits
     */
    Optional<TaskQueue.Dispatch> resolve(Staged staged) {
        if (staged.state.compareAndSet(STAGED, WITHDRAWN)) {
            synchronized (byRun) {
                List<Staged> list = byRun.get(staged.runId.toString());
                if (list != null) {
                    list.remove(staged);
                    if (list.isEmpty()) {
                        byRun.remove(staged.runId.toString());
                    }
                }
            }
            return Optional.empty();
        }
        try {
            return staged.outcome.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw IoException.interrupted();
        } catch (ExecutionException e) {
            return Optional.empty();
        }
    }
}
