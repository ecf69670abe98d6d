package dev.cairn.orchestrator.embedded;

import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.events.RunStatus;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.runtime.EngineEvents;
import dev.cairn.machine.stores.EventStore;
import dev.cairn.machine.time.Clock;
import dev.cairn.orchestrator.embedded.RunIndex.RunInfo;
import dev.cairn.orchestrator.embedded.RunProjection.RunRow;
import dev.cairn.orchestrator.embedded.RunProjection.StepRow;
import dev.cairn.store.sqlite.EventAppend;
import dev.cairn.store.sqlite.SqlTransaction;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteEventStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The event store the orchestrator's engine writes to: SQLite's, with the runs index projected in
 * the same transaction as every append ({@link RunProjection}). A reader never sees an event
 * without its projection or the other way round, and a crash loses both or neither. When an
 * append ends a run, the same transaction cancels the run's tasks that have not ended.
 *
 * <p>The rows a fold starts from are those the previous append of the run left, kept by the writer
 * thread once they committed ({@link InFlightRuns}), or, for a run's first append that carries its
 * acceptance, the rows the acceptance writes; only a run this process has not appended to since it
 * opened (or whose rows were evicted, or that is too large) reads them from the tables. A dispatch
 * taken by the append is given the state's failures and the run's keys from those rows, which the
 * same transaction has just written, instead of reading them back.
 */
final class ProjectingEventStore implements EventStore {

    private final SqliteEventStore events;
    private final SqliteDatabase db;
    private final TaskQueue queue;
    private final Clock clock;
    private final RunSignals appended;
    private final DispatchStaging staging;
    private final Acceptances acceptances;
    /** The rows of the runs in flight as committed, so an append need not read back what it wrote. */
    private final InFlightRuns inFlight = new InFlightRuns();

    ProjectingEventStore(
            SqliteEventStore events,
            TaskQueue queue,
            Clock clock,
            RunSignals appended,
            DispatchStaging staging,
            Acceptances acceptances) {
        this.events = Objects.requireNonNull(events, "events");
        this.db = events.database();
        this.queue = Objects.requireNonNull(queue, "queue");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.appended = Objects.requireNonNull(appended, "appended");
        this.staging = Objects.requireNonNull(staging, "staging");
        this.acceptances = Objects.requireNonNull(acceptances, "acceptances");
    }

    @Override
    public long headSeq(RunId runId) {
        // The engine reads the head before it starts a run under a given id. For an id this
        // orchestrator drew itself, pending its first append, the answer is known: no read (it was
        // ~a quarter of the engine's start in a profile of cairn bench submit-latency). The first
        // append still expects an empty log, checked inside its transaction.
        Optional<Acceptances.Pending> pending = acceptances.get(runId.toString());
        if (pending.isPresent() && pending.get().logKnownEmpty()) {
            return 0;
        }
        return events.headSeq(runId);
    }

    @Override
    public long append(RunId runId, long expectedSeq, List<EventEnvelope> batch) {
        EventAppend append = EventAppend.of(runId, expectedSeq, batch);
        String run = runId.toString();
        TaskQueue.Moves moves = queue.moves();
        long now = clock.nowMillis();
        List<DispatchStaging.Staged> taken = new ArrayList<>();
        Map<DispatchStaging.Staged, TaskQueue.Dispatch> dispatched = new HashMap<>();
        // a run's first append carries its acceptance when the submitter left it to it (Acceptances)
        Acceptances.Pending carried = null;
        if (expectedSeq == 0 && !batch.isEmpty()) {
            Optional<Acceptances.Pending> pending = acceptances.get(run);
            if (pending.isPresent()) {
                if (pending.get().claimForAppend()) {
                    carried = pending.get();
                } else if (pending.get().await().isPresent()) {
                    // the submitter accepted it itself: the log follows its commit; another run holds the id
                    throw StorageException.concurrency(runId, expectedSeq, -1);
                }
            }
        }
        Acceptances.Pending carries = carried;
        long head;
        try {
            head = db.write(tx -> {
                queue.finishAtCommit(tx, moves); // waiters hear of the pushed leases from the writer thread
                InFlightRuns.Entry cached = null;
                Folded folded = null;
                if (carries != null) {
                    cached = RunIndex.accepted(carries.acceptance);
                    if (!copiesSteps(batch)) {
                        // folded before it is written: the rows go in once, as this append leaves them
                        RunIndex.DbSteps steps = new RunIndex.DbSteps(tx, run, cached.steps());
                        folded = new Folded(cached.run(), steps, RunProjection.fold(cached.run(), steps, batch));
                    }
                    Optional<RunInfo> before = carries.write(tx, cached);
                    if (before.isPresent()) {
                        throw new AlreadyAccepted(before.get());
                    }
                }
                long newHead = tx.append(append);
                if (batch.isEmpty()) {
                    return newHead;
                }
                if (cached == null) {
                    cached = inFlight.take(run);
                }
                if (folded == null) {
                    folded = foldIntoTables(tx, run, cached, batch, now);
                }
                RunRow row = folded.row();
                RunIndex.DbSteps steps = folded.steps();
                RunProjection.Effects effects = folded.effects();
                if (effects.runEnded()) {
                    queue.cancelRun(tx, run, now, moves); // and the run leaves the cache (not put back)
                } else {
                    // the dispatches staged by this run's task calls, after the fold (they read its failures)
                    taken.addAll(staging.take(run));
                    Optional<TaskQueue.RunKeys> keys = Optional.of(new TaskQueue.RunKeys(row.priority, row.createdAt));
                    boolean acceptedHere = cached != null && cached.acceptedHere();
                    for (DispatchStaging.Staged s : taken) {
                        try {
                            dispatched.put(
                                    s,
                                    queue.dispatchIn(
                                            tx,
                                            s.runId,
                                            s.stateId,
                                            s.attempt,
                                            s.request,
                                            now,
                                            moves,
                                            steps.failures(s.stateId.value()),
                                            keys,
                                            !acceptedHere));
                        } catch (RuntimeException e) {
                            // its transport dispatches by itself and reports what fails
                        }
                    }
                    if (!inFlight.tooLarge(run)) {
                        LinkedHashMap<String, StepRow> every = steps.every(InFlightRuns.MAX_RUN_STEPS);
                        if (every == null) {
                            inFlight.markTooLarge(run);
                        } else {
                            inFlight.keepAfterCommit(tx, new InFlightRuns.Entry(row, every, acceptedHere));
                        }
                    }
                }
                return newHead;
            });
        } catch (AlreadyAccepted e) {
            queue.abandon(moves);
            taken.forEach(s -> s.done(Optional.empty()));
            carries.settled(Optional.of(e.run));
            throw StorageException.concurrency(runId, expectedSeq, -1);
        } catch (RuntimeException e) {
            queue.abandon(moves); // gives back what its dispatches reserved in waiting acquires
            taken.forEach(s -> s.done(Optional.empty()));
            if (carries != null) {
                carries.failed(e);
            }
            throw e;
        }
        if (carries != null) {
            carries.settled(Optional.empty());
        }
        taken.forEach(s -> s.done(Optional.ofNullable(dispatched.get(s))));
        appended.fire(run);
        return head;
    }

    /** A run's rows after a fold of a batch of its events, and what the fold saw. */
    private record Folded(RunRow row, RunIndex.DbSteps steps, RunProjection.Effects effects) {}

    /**
     * Folds {@code batch} into the run's rows as the tables hold them ({@code cached}: as a commit
     * left them; null: read, or a row made for a run the index does not know) and writes them back.
     */
    private static Folded foldIntoTables(
            SqlTransaction tx, String run, InFlightRuns.Entry cached, List<EventEnvelope> batch, long now) {
        RunRow row;
        RunIndex.DbSteps steps;
        boolean stored;
        if (cached != null) {
            row = cached.run();
            steps = new RunIndex.DbSteps(tx, run, cached.steps());
            stored = true;
            if (endsCancelled(batch)) {
                // the sweep sets it behind the projection's back: the cache does not hold it
                row.timeoutRequested = tx.queryOne(
                                "SELECT timeout_requested FROM runs WHERE run_id = ?", r -> r.getLong(1) != 0, run)
                        .orElse(false);
            }
        } else {
            Optional<RunRow> loaded = RunIndex.loadRun(tx, run);
            row = loaded.orElseGet(() -> new RunRow(
                    run,
                    "external",
                    "",
                    RunProjection.ACCEPTED,
                    batch.getFirst().tsMillis().orElse(now),
                    false));
            steps = new RunIndex.DbSteps(tx, run);
            stored = loaded.isPresent();
        }
        RunProjection.Effects effects = RunProjection.fold(row, steps, batch);
        if (stored) {
            RunIndex.saveRun(tx, row);
        } else {
            RunIndex.insertRun(tx, row);
        }
        steps.save();
        return new Folded(row, steps, effects);
    }

    /**
     * Whether folding {@code batch} copies step rows in the tables ({@code replay_of}: a replay's
     * steps from its original run), so that it needs the run's own rows written first.
     */
    private static boolean copiesSteps(List<EventEnvelope> batch) {
        for (EventEnvelope envelope : batch) {
            if (envelope.event() instanceof Event.Domain d && d.event().name().equals(EngineEvents.REPLAY_OF)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code batch} ends its run cancelled (the fold then reads {@code timeout_requested}). */
    private static boolean endsCancelled(List<EventEnvelope> batch) {
        for (EventEnvelope envelope : batch) {
            if (envelope.event() instanceof Event.Kernel k
                    && k.event() instanceof KernelEvent.RunCompleted completed
                    && completed.status() == RunStatus.CANCELLED) {
                return true;
            }
        }
        return false;
    }

    /** The runs cache (for tests). */
    InFlightRuns inFlight() {
        return inFlight;
    }

    /** A carried acceptance found its run id taken: nothing of the transaction is written. */
    private static final class AlreadyAccepted extends RuntimeException {
        final RunInfo run;

        AlreadyAccepted(RunInfo run) {
            super("run " + run.runId() + " is already accepted", null, false, false);
            this.run = run;
        }
    }

    @Override
    public List<EventEnvelope> readRange(RunId runId, long fromSeq, Optional<Long> toSeq) {
        return events.readRange(runId, fromSeq, toSeq);
    }

    @Override
    public List<EventEnvelope> readRange(RunId runId, long fromSeq, Optional<Long> toSeq, int limit) {
        return events.readRange(runId, fromSeq, toSeq, limit);
    }

    @Override
    public Stream<EventEnvelope> stream(RunId runId, long fromSeq, int pageSize) {
        return events.stream(runId, fromSeq, pageSize);
    }
}
