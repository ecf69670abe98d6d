package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.runtime.Lifecycle;
import dev.cairn.machine.time.Clock;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.TaskSpec;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.CompletionResult;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.HeartbeatAnswer;
import dev.cairn.runner.api.lease.LeaseException;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.LeaseService;
import dev.cairn.runner.api.lease.LogLine;
import dev.cairn.runner.api.lease.TaskOutcome;
import dev.cairn.sinks.events.CairnEventTypes;
import dev.cairn.store.sqlite.Row;
import dev.cairn.store.sqlite.SqlReader;
import dev.cairn.store.sqlite.SqlTransaction;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.WriteCallback;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The task queue and its leases, in the orchestrator's SQLite database: the {@link LeaseService}
 * runner nodes take work from, and the dispatch the {@code task} transport uses.
 *
 * <ul>
 *   <li><b>Routing</b>: a task goes to a node that serves its capability and carries every label
 *       the task requires, with the same value; among those, higher {@code priority} first, then
 *       first in, first out. A task waits until its {@code available_at} (a retry's backoff).
 *   <li><b>Leases</b>: each grant increments the task's {@code attempts}, which is the lease's
 *       epoch, and runs until {@code now + lease_ttl}; heartbeats renew it and carry progress and
 *       log lines; their answer says {@code cancel: true} once the task was cancelled.
 *   <li><b>Fencing</b>: a heartbeat or completion for an epoch that is not the task's current one
 *       is refused with {@code stale_lease}; so is a completion after the orchestrator ended the task
 *       itself. Completing twice with the current epoch is harmless (the first outcome stands).
 *   <li><b>Sweeping</b> ({@link #sweep}): an expired lease puts its task back on the queue, or fails
 *       it with {@value TaskResult#LEASE_EXPIRED} once it was granted {@code max_attempts} times (or
 *       cancels it, if it was cancelled); a task running longer than its timeout fails with {@value
 *       TaskResult#STEP_TIMEOUT}; a run past its deadline is marked timed out and its tasks cancelled.
 * </ul>
 *
 * <p>Every change is one write transaction, checked against the {@link TaskStatus} and {@link
 * LeaseStatus} tables; waiters and listeners hear of it only after it is durable. Times come from the
 * clock port; only long-poll waits use real time.
 */
final class TaskQueue implements LeaseService {

    /** Observes every task and lease move, after it is durable. */
    interface Listener {
        void onTask(UUID taskId, Lifecycle.Move<TaskStatus> move);

        void onLease(UUID taskId, long epoch, Lifecycle.Move<LeaseStatus> move);

        static Listener none() {
            return new Listener() {
                @Override
                public void onTask(UUID taskId, Lifecycle.Move<TaskStatus> move) {}

                @Override
                public void onLease(UUID taskId, long epoch, Lifecycle.Move<LeaseStatus> move) {}
            };
        }
    }

    static final String TASK_COLUMNS = "task_id, run_id, state_id, step_id, failures, state_attempt, capability,"
            + " status, attempts, max_attempts, available_at, timeout_ms, worker_id, leased_at, lease_expires_at,"
            + " cancel_requested, progress, outcome, ended_epoch, created_at, first_leased_at, ended_at, priority";

    /** A {@code tasks} row. */
    record TaskInfo(
            UUID taskId,
            String runId,
            String stateId,
            String stepId,
            int failures,
            int stateAttempt,
            String capability,
            TaskStatus status,
            long attempts,
            long maxAttempts,
            long availableAt,
            long timeoutMs,
            Optional<String> workerId,
            Optional<Long> leasedAt,
            Optional<Long> leaseExpiresAt,
            boolean cancelRequested,
            Optional<String> progress,
            Optional<String> outcome,
            Optional<Long> endedEpoch,
            long createdAt,
            Optional<Long> firstLeasedAt,
            Optional<Long> endedAt,
            long priority) {

        /** This row with its lease columns as an UPDATE of them leaves it, the rest as it is. */
        TaskInfo withLease(
                TaskStatus status,
                long attempts,
                Optional<String> workerId,
                Optional<Long> leasedAt,
                Optional<Long> leaseExpiresAt,
                Optional<String> progress,
                Optional<Long> firstLeasedAt) {
            return new TaskInfo(
                    taskId,
                    runId,
                    stateId,
                    stepId,
                    failures,
                    stateAttempt,
                    capability,
                    status,
                    attempts,
                    maxAttempts,
                    availableAt,
                    timeoutMs,
                    workerId,
                    leasedAt,
                    leaseExpiresAt,
                    cancelRequested,
                    progress,
                    outcome,
                    endedEpoch,
                    createdAt,
                    firstLeasedAt,
                    endedAt,
                    priority);
        }
    }

    static TaskInfo taskInfo(Row r) {
        return new TaskInfo(
                UUID.fromString(r.getString(1)),
                r.getString(2),
                r.getString(3),
                r.getString(4),
                (int) r.getLong(5),
                (int) r.getLong(6),
                r.getString(7),
                TaskStatus.ofColumn(r.getString(8)),
                r.getLong(9),
                r.getLong(10),
                r.getLong(11),
                r.getLong(12),
                Optional.ofNullable(r.getString(13)),
                RunIndex.optLong(r, 14),
                RunIndex.optLong(r, 15),
                r.getLong(16) != 0,
                Optional.ofNullable(r.getString(17)),
                Optional.ofNullable(r.getString(18)),
                RunIndex.optLong(r, 19),
                r.getLong(20),
                RunIndex.optLong(r, 21),
                RunIndex.optLong(r, 22),
                r.getLong(23));
    }

    /**
     * How a dispatch found its task. {@code waiter}, present when the dispatch created the task, is
     * the future its end completes: registered inside the creating transaction, so before any grant
     * of the task, it cannot miss the end, and {@link #await} need not read the row first.
     */
    record Dispatch(UUID taskId, int failures, boolean created, Optional<CompletableFuture<Ended>> waiter) {
        Dispatch(UUID taskId, int failures, boolean created) {
            this(taskId, failures, created, Optional.empty());
        }
    }

    /**
     * The ready tasks a node may take, best first (priority, then FIFO), for a node serving {@code
     * capabilities} capabilities and carrying labels or not. Its parameters are numbered: {@code ?1}
     * the time, {@code ?2} onwards the capabilities, then the labels when {@code labelled}, last the
     * limit. A node without labels takes only tasks that require none, which needs no {@code
     * json_each}; a node with labels binds them as a JSON object, and a task qualifies when every
     * label it requires has the same value there.
     *
     * <p>Each capability is read on its own, in the order of {@code tasks_ready} (migration V5) and
     * up to the limit, so a grant reads the first ready tasks and not the whole queue; with several
     * capabilities, the best of those few are taken.
     */
    static String ready(int capabilities, boolean labelled) {
        int limit = capabilities + (labelled ? 3 : 2);
        String labelsParameter = "?" + (capabilities + 2);
        String labels = labelled
                ? " AND NOT EXISTS (SELECT 1 FROM json_each(t.labels) l WHERE json_extract(" + labelsParameter
                        + ", '$.\"' || l.key || '\"') IS NOT l.value)"
                : " AND t.labels = '{}'";
        List<String> parts = new ArrayList<>(capabilities);
        for (int i = 0; i < capabilities; i++) {
            parts.add("SELECT task_id, attempts, capability, priority, ord FROM tasks t"
                    + " WHERE t.status = 'queued' AND t.capability = ?" + (i + 2) + " AND t.available_at <= ?1"
                    + labels + " ORDER BY t.priority DESC, t.ord LIMIT ?" + limit);
        }
        if (capabilities == 1) {
            return parts.getFirst();
        }
        return "SELECT task_id, attempts, capability FROM ("
                + String.join(
                        " UNION ALL ",
                        parts.stream().map(p -> "SELECT * FROM (" + p + ")").toList())
                + ") ORDER BY priority DESC, ord LIMIT ?" + limit;
    }

    /**
     * Whether a queued task of a capability would be offered before a new task of priority {@code ?}
     * (ready, at least as high a priority: FIFO within one); labels are left out, which can only keep
     * a task from being pushed, never push it past one the waiter could take.
     */
    private static final String AHEAD = "SELECT 1 FROM tasks WHERE status = 'queued' AND capability = ?"
            + " AND available_at <= ? AND priority >= ? LIMIT 1";

    /**
     * How often waits on the queue look again for themselves: a task's waiter reads the task's row, an
     * idle acquire the queue. A safety net under the in-process signals; the {@linkplain #tickLoop
     * ticker} wakes them, so that waiting takes no timer of its own (a virtual thread's timed park
     * schedules and cancels one: ~5 % of the CPU of {@code cairn bench tasks} in-process).
     */
    private static final long POLL_MILLIS = 1000;

    private static final String INSERT_TASK =
            "INSERT INTO tasks (task_id, run_id, state_id, step_id, failures, state_attempt, capability,"
                    + " labels, priority, spec, status, attempts, max_attempts, available_at, timeout_ms,"
                    + " worker_id, leased_at, lease_expires_at, created_at, first_leased_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final SqliteDatabase db;
    private final Clock clock;
    private final OrchestratorOptions options;
    private final Listener listener;
    private final Signal queued = new Signal();
    private final Signal logs;
    private final ConcurrentHashMap<UUID, CompletableFuture<Ended>> waiters = new ConcurrentHashMap<>();
    /**
     * The TaskSpec of each task this process dispatched and that has not ended, as dispatched: a grant
     * takes it from here instead of reading and parsing the {@code spec} column (which stays the
     * source of truth, read when a task is not here, e.g. after a restart).
     */
    private final ConcurrentHashMap<UUID, TaskSpec> specs = new ConcurrentHashMap<>();
    /**
     * What this process saw of the leases of each task it granted: lets the history of a task that
     * had one clean lease be told without reading it back ({@link Trace}).
     */
    private final ConcurrentHashMap<UUID, Trace> traces = new ConcurrentHashMap<>();
    /**
     * The highest epoch of each task handed to a local runner before a commit that then failed
     * ({@link #acquireLocal}): the task's row never showed it, so its next grant must pass it, or
     * two runners would hold the same epoch. Kept until the task ends; empty but after such failures.
     */
    private final ConcurrentHashMap<UUID, Long> burnt = new ConcurrentHashMap<>();

    /**
     * The {@code tasks} rows of tasks in flight, as committed: what a completion or heartbeat would
     * otherwise read back, when this process wrote the row itself (dispatch, grant, renewal). Touched
     * only by the SQLite writer thread (inside write callbacks and their after-commit actions), so it
     * needs no locks. A callback {@linkplain #takeRow takes} a row out and {@linkplain #keepRow puts
     * it back} only once its transaction committed ({@link SqlTransaction#afterCommit}), so a change
     * that rolled back never reaches it; code that changes rows in SQL of its own (ending, the sweep,
     * cancellation, recovery) {@linkplain #forgetRow forgets} them. An ended task leaves it; the least
     * recently used go past {@value #MAX_ROWS} rows. The tables stay the source of truth: a task not
     * here is read as before.
     */
    private final LinkedHashMap<UUID, TaskInfo> rows = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, TaskInfo> eldest) {
            return size() > MAX_ROWS;
        }
    };

    private static final int MAX_ROWS = 65_536;

    /** Acquires waiting for work, oldest first: a dispatch hands its task to one ({@link Waiter}). */
    private final ConcurrentLinkedQueue<Waiter> idle = new ConcurrentLinkedQueue<>();
    /**
     * Per capability, at least the number of its {@code queued} tasks, never fewer: raised inside the
     * transaction that queues a task (so before anyone can see it), lowered only after the commit of
     * the one that takes a task off the queue. A zero lets an acquire skip the queue entirely and a
     * dispatch push without looking for a task ahead of it; a transaction that does not commit leaves
     * it too high, which only costs a look that finds nothing.
     */
    private final ConcurrentHashMap<String, AtomicLong> queuedCounts = new ConcurrentHashMap<>();
    /** How many tasks were granted inside their dispatch's transaction (tests tell pushes by it). */
    private final java.util.concurrent.atomic.LongAdder pushed = new java.util.concurrent.atomic.LongAdder();

    private volatile boolean closed;
    private final Thread ticker;

    TaskQueue(SqliteDatabase db, OrchestratorOptions options, Signal logs, Listener listener) {
        this.db = Objects.requireNonNull(db, "db");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = options.clock();
        this.logs = Objects.requireNonNull(logs, "logs");
        this.listener = Objects.requireNonNull(listener, "listener");
        // before any write of this process: the tasks queued when it opened
        db.read(r -> r.query(
                        "SELECT capability, count(*) FROM tasks WHERE status = 'queued' GROUP BY capability",
                        row -> Map.entry(row.getString(1), row.getLong(2))))
                .forEach(e -> counted(e.getKey()).set(e.getValue()));
        this.ticker = Thread.ofVirtual().name("cairn-task-queue-ticker").start(this::tickLoop);
    }

    /** Every {@value #POLL_MILLIS} ms, wakes the waits that have no timer of their own, until closed. */
    private void tickLoop() {
        while (!closed) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                continue; // close() interrupts: the loop sees `closed`
            }
            tick();
        }
    }

    /**
     * Wakes every wait on the queue to look again: each task's waiter returns without an end (and
     * reads the task's row, then waits anew), each idle acquire re-checks the queue and its deadline.
     */
    private void tick() {
        for (var waiter : waiters.entrySet()) {
            if (waiters.remove(waiter.getKey(), waiter.getValue())) {
                waiter.getValue().complete(null);
            }
        }
        for (Waiter waiter : idle) {
            LockSupport.unpark(waiter.thread);
        }
    }

    private AtomicLong counted(String capability) {
        return queuedCounts.computeIfAbsent(capability, k -> new AtomicLong());
    }

    /** At least how many tasks of these capabilities are queued (zero: none is). */
    private long queuedOf(List<String> capabilities) {
        long n = 0;
        for (String capability : capabilities) {
            AtomicLong count = queuedCounts.get(capability);
            if (count != null) {
                n += count.get();
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ moves, applied after commit

    /**
     * The moves one transaction made, told to listeners and waiters once it is durable: by {@link
     * #finish} (once: a second call does nothing) or by {@link #finishAtCommit}.
     */
    final class Moves {
        /** Set by the {@link #finish} that tells them: the moves are told once. */
        private final AtomicBoolean told = new AtomicBoolean();

        private final List<Runnable> after = new ArrayList<>();
        private final Set<UUID> ended = new LinkedHashSet<>();
        private final Map<UUID, Ended> endedWith = new HashMap<>();
        private final Map<UUID, TaskSpec> dispatched = new HashMap<>();
        private final List<Push> pushes = new ArrayList<>();
        private final List<String> dequeued = new ArrayList<>();
        private boolean requeued;
        private boolean logged;

        /** A move of a task that neither leaves nor enters the queue (else the 4-argument form). */
        void task(UUID taskId, TaskStatus from, TaskStatus to) {
            if (from == TaskStatus.QUEUED || to == TaskStatus.QUEUED) {
                throw new IllegalArgumentException("a move off or onto the queue names the task's capability");
            }
            told(taskId, from, to);
        }

        /** A move of a task of {@code capability}; one onto the queue is counted at once. */
        void task(UUID taskId, String capability, TaskStatus from, TaskStatus to) {
            told(taskId, from, to);
            if (to == TaskStatus.QUEUED) {
                counted(capability).incrementAndGet();
                requeued = true;
            }
            if (from == TaskStatus.QUEUED) {
                dequeued.add(capability); // counted off once committed
            }
        }

        private void told(UUID taskId, TaskStatus from, TaskStatus to) {
            Lifecycle.Move<TaskStatus> move = TaskStatus.TABLE.check(from, to);
            after.add(() -> listener.onTask(taskId, move));
            if (to.terminal()) {
                ended.add(taskId);
            }
        }

        void lease(UUID taskId, long epoch, LeaseStatus from, LeaseStatus to) {
            Lifecycle.Move<LeaseStatus> move = LeaseStatus.TABLE.check(from, to);
            after.add(() -> listener.onLease(taskId, epoch, move));
        }

        /** A new task of {@code capability} is on the queue (counted at once). */
        void enqueued(String capability) {
            counted(capability).incrementAndGet();
            requeued = true;
        }

        /** A new task went to a waiting acquire instead: the move a grant of it would tell. */
        void pushed(Push push) {
            told(push.taskId(), TaskStatus.QUEUED, TaskStatus.LEASED);
            pushes.add(push);
        }

        void logged() {
            logged = true;
        }

        /** The task ended as {@code ended} says: its waiter is handed that instead of reading the row. */
        void endedWith(Ended ended) {
            endedWith.put(ended.task().taskId(), ended);
        }
    }

    /**
     * An ended task as the transaction that ended it left it: the row, its outcome, and its history
     * when the queue could tell it from what it saw (else empty: {@link #history} reads it).
     */
    record Ended(TaskInfo task, TaskOutcome outcome, Optional<List<TaskEvent>> history) {}

    /**
     * One lease of a task as this process granted it, kept up to date by the writer thread inside
     * the transactions that change the lease (so it follows their commit order), until the task
     * ends. {@code clean} turns false for anything the history of a single clean lease does not
     * tell (a refusal, a cell log line, an expiry or a revocation, a failed write): such a task's
     * history is read from the tables, which stay the source of truth.
     */
    private static final class Trace {
        final long epoch;
        final String worker;
        final long granted;
        long expires;
        boolean clean = true;

        Trace(long epoch, String worker, long granted, long expires) {
            this.epoch = epoch;
            this.worker = worker;
            this.granted = granted;
            this.expires = expires;
        }
    }

    private void taint(UUID taskId) {
        Trace trace = traces.get(taskId);
        if (trace != null) {
            synchronized (trace) {
                trace.clean = false;
            }
        }
    }

    Moves moves() {
        return new Moves();
    }

    /**
     * Tells listeners and waiters what {@code tx} did as soon as it has committed, on the thread that
     * committed it ({@link SqlTransaction#afterCommit}), before that thread hands the commit back to
     * the writing caller; nothing when it does not commit. A later {@link #finish} of the same moves
     * does nothing.
     *
     * <p>A lease a dispatch pushed to a waiting acquire is then on its way one thread wake-up
     * sooner: the first step of a submitted run reaches its runner without waiting for the engine's
     * thread to be scheduled again first (which took ~20–25 us of the ~0.7 ms from submission to the
     * step's start, {@code cairn bench submit-latency}, 2026-11-24). What the moves tell is cheap (maps,
     * counters, unparks) and runs in the same order as in {@link #finish}.
     */
    void finishAtCommit(SqlTransaction tx, Moves moves) {
        tx.afterCommit(() -> finish(moves));
    }

    /** Tells listeners and waiters what a committed transaction did; once per {@link Moves}. */
    void finish(Moves moves) {
        if (!moves.told.compareAndSet(false, true)) {
            return; // told already, at the commit (finishAtCommit), or by an abandon that found it committed
        }
        specs.putAll(moves.dispatched);
        for (String capability : moves.dequeued) {
            counted(capability).decrementAndGet();
        }
        moves.after.forEach(Runnable::run);
        for (UUID id : moves.ended) {
            specs.remove(id);
            traces.remove(id);
            burnt.remove(id);
            CompletableFuture<Ended> waiter = waiters.remove(id);
            if (waiter != null) {
                waiter.complete(moves.endedWith.get(id));
            }
        }
        for (Push push : moves.pushes) {
            push.waiter().deliver(push.envelope());
            pushed.increment();
        }
        if (moves.requeued) {
            wakeIdle();
        }
        if (moves.logged) {
            logs.fire();
        }
    }

    /**
     * What a transaction that threw did, for the caller of {@link #dispatchIn} to call instead of
     * {@link #finish}: the room it reserved in waiting acquires is given back, so they look again.
     * A write that threw may still have committed (its caller was interrupted while the batch
     * committed); the pushed lease's row tells, and then the moves are finished as committed ones
     * are, so no lease is left that nobody was handed.
     */
    void abandon(Moves moves) {
        if (moves.pushes.isEmpty()) {
            return; // nothing reserved; what else the transaction did is told as before (not at all)
        }
        Push first = moves.pushes.getFirst();
        boolean interrupted = Thread.interrupted();
        boolean committed;
        try {
            committed = db.read(r -> r.queryOne(
                            "SELECT 1 FROM leases WHERE task_id = ? AND epoch = 1 AND worker_id = ? AND granted_at = ?",
                            row -> row.getLong(1),
                            first.taskId().toString(),
                            first.waiter().worker,
                            first.leasedAt()))
                    .isPresent();
        } catch (RuntimeException e) {
            committed = false; // cannot tell: a lease, if made, expires and its task is queued again
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (committed) {
            finish(moves);
            return;
        }
        for (Push push : moves.pushes) {
            taint(push.taskId());
            push.waiter().release();
        }
    }

    // ------------------------------------------------------------------ dispatch (the task transport)

    /**
     * Finds or enqueues the task of a state's dispatch: its id is derived from the run, the state and
     * the state's failures so far (read from the runs index, which the barrier before every live IO
     * call has brought up to date), so a state re-run after a crash re-attaches to its task and a
     * retry after a failure gets a new one, offered after the step's backoff.
     */
    Dispatch dispatch(RunId runId, StateId stateId, int stateAttempt, TaskRequest request) {
        long now = clock.nowMillis();
        Moves moves = new Moves();
        try {
            return db.write(tx -> {
                finishAtCommit(tx, moves);
                return dispatchIn(tx, runId, stateId, stateAttempt, request, now, moves);
            });
        } catch (RuntimeException e) {
            abandon(moves);
            throw e;
        }
    }

    /**
     * {@link #dispatch} inside a transaction of the caller's (the barrier's append, see {@link
     * DispatchStaging}); the caller {@linkplain #finishAtCommit finishes} {@code moves} as it commits.
     */
    Dispatch dispatchIn(
            SqlTransaction tx,
            RunId runId,
            StateId stateId,
            int stateAttempt,
            TaskRequest request,
            long now,
            Moves moves) {
        String run = runId.toString();
        int failures = tx.queryOne(
                        "SELECT failures FROM steps WHERE run_id = ? AND state_id = ?",
                        r -> (int) r.getLong(1),
                        run,
                        stateId.value())
                .orElse(0);
        Optional<RunKeys> runKeys = tx.queryOne(
                "SELECT priority, created_at FROM runs WHERE run_id = ?",
                r -> new RunKeys(r.getLong(1), r.getLong(2)),
                run);
        return dispatchIn(tx, runId, stateId, stateAttempt, request, now, moves, failures, runKeys, true);
    }

    /**
     * {@link #dispatchIn} for a caller that holds what it would read: the state's failures as the
     * {@code steps} row has them in {@code tx}, and the run's keys from its {@code runs} row (the
     * barrier's append, which has just written both). Without {@code legacyPossible} (the run was
     * accepted by this process, so none of its tasks has an older Cairn's hash-only id), the task is
     * not looked up first: its insert does nothing when the task exists, and the dispatch then
     * re-attaches to it as the look-up would have.
     */
    Dispatch dispatchIn(
            SqlTransaction tx,
            RunId runId,
            StateId stateId,
            int stateAttempt,
            TaskRequest request,
            long now,
            Moves moves,
            int failures,
            Optional<RunKeys> runKeys,
            boolean legacyPossible) {
        String run = runId.toString();
        UUID legacy = TaskIds.legacyTask(runId, stateId, failures);
        UUID taskId = runKeys.map(k -> TaskIds.task(runId, stateId, failures, k.createdAt()))
                .orElse(legacy);
        Optional<String> existing = !legacyPossible
                ? Optional.empty()
                : tx.queryOne(
                        "SELECT task_id FROM tasks WHERE task_id IN (?, ?) LIMIT 1",
                        r -> r.getString(1),
                        taskId.toString(),
                        legacy.toString());
        if (existing.isPresent()) {
            return new Dispatch(UUID.fromString(existing.get()), failures, false);
        }
        long priority = runKeys.map(RunKeys::priority).orElse(0L);
        long availableAt = failures == 0
                ? now
                : now + request.backoff().delayAfter(failures - 1).toMillis();
        ObjectNode labels = JsonNodeFactory.instance.objectNode();
        request.labels().forEach(labels::put);
        ObjectNode filters = JsonNodeFactory.instance.objectNode();
        filters.set("labels", labels);
        TaskSpec spec = TaskSpec.builder(taskId, request.capability())
                .jobId(runId.value())
                .capabilityFilters(request.labels().isEmpty() ? NullNode.getInstance() : filters)
                .inputsCids(request.inputsCids())
                .outputsPrefix("runs/" + run + "/" + request.stepId() + "/")
                .label(request.stepId())
                .stage(stateId.value())
                .meta(request.meta())
                .priority(priority)
                .maxAttempts((long) options.maxLeaseAttempts())
                .mode(request.mode())
                .build();
        long timeout = request.timeout().plus(options.timeoutGrace()).toMillis();
        String id = taskId.toString();
        Waiter waiter = availableAt <= now ? claimWaiter(tx, request, priority, now) : null;
        // queued, or granted to the waiting acquire in this transaction: the rows a grant would leave
        String worker = waiter == null ? null : waiter.worker;
        Long expires = waiter == null ? null : now + options.leaseTtl().toMillis();
        Long leasedAt = waiter == null ? null : now;
        boolean written = false;
        try {
            int inserted = tx.update(
                    legacyPossible ? INSERT_TASK : INSERT_TASK + " ON CONFLICT (task_id) DO NOTHING",
                    id,
                    run,
                    stateId.value(),
                    request.stepId(),
                    failures,
                    stateAttempt,
                    request.capability(),
                    Wire.write(labels),
                    priority,
                    Wire.write(spec),
                    (waiter == null ? TaskStatus.QUEUED : TaskStatus.LEASED).column(),
                    waiter == null ? 0L : 1L,
                    options.maxLeaseAttempts(),
                    availableAt,
                    timeout,
                    worker,
                    leasedAt,
                    expires,
                    now,
                    leasedAt);
            if (inserted == 0) {
                // the task exists (its state dispatched it before): re-attach; the waiter's claim is given back
                return new Dispatch(taskId, failures, false);
            }
            if (waiter != null) {
                insertLease(tx, id, 1, worker, now, expires);
            }
            written = true;
            keepRow(
                    tx,
                    new TaskInfo(
                            taskId,
                            run,
                            stateId.value(),
                            request.stepId(),
                            failures,
                            stateAttempt,
                            request.capability(),
                            waiter == null ? TaskStatus.QUEUED : TaskStatus.LEASED,
                            waiter == null ? 0L : 1L,
                            options.maxLeaseAttempts(),
                            availableAt,
                            timeout,
                            Optional.ofNullable(worker),
                            Optional.ofNullable(leasedAt),
                            Optional.ofNullable(expires),
                            false,
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty(),
                            now,
                            Optional.ofNullable(leasedAt),
                            Optional.empty(),
                            priority));
        } finally {
            if (!written && waiter != null) {
                waiter.release(); // the caller reports the failure; nothing was pushed
            }
        }
        if (waiter == null) {
            moves.enqueued(request.capability());
        } else {
            LeaseEnvelope envelope = envelope(spec, 1, expires);
            traces.put(taskId, new Trace(1, waiter.worker, now, expires));
            moves.pushed(new Push(waiter, taskId, envelope, now));
        }
        moves.dispatched.put(taskId, spec);
        // registered before the commit: the completion's transaction commits after this one, so its
        // finish finds the waiter (left behind harmlessly when this transaction does not commit)
        CompletableFuture<Ended> end = waiters.computeIfAbsent(taskId, k -> new CompletableFuture<>());
        return new Dispatch(taskId, failures, true, Optional.of(end));
    }

    /**
     * Waits until the task has ended and returns it: as the transaction that ended it handed it over
     * when this process ended it by a completion, else as read back. Interrupting the caller stops
     * the wait ({@link IoException#interrupted()}); closing the queue fails it.
     */
    Ended await(Dispatch dispatch) {
        UUID taskId = dispatch.taskId();
        if (dispatch.waiter().isPresent()) {
            Ended ended = waitFor(dispatch.waiter().get()); // else read the row below
            if (ended != null) {
                return ended;
            }
        }
        while (true) {
            CompletableFuture<Ended> waiter = waiters.computeIfAbsent(taskId, k -> new CompletableFuture<>());
            if (closed) {
                throw closedIo();
            }
            TaskInfo task;
            try {
                task = task(taskId).orElseThrow(() -> new IllegalStateException("task " + taskId + " vanished"));
            } catch (StorageException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw IoException.interrupted();
                }
                throw closed ? closedIo() : e;
            }
            if (task.status().terminal()) {
                waiters.remove(taskId, waiter);
                return new Ended(task, Wire.read(task.outcome().orElseThrow(), TaskOutcome.class), Optional.empty());
            }
            Ended ended = waitFor(waiter); // else poll the row again
            if (ended != null) {
                return ended;
            }
        }
    }

    /**
     * Waits for a task's end to be handed over; null when it was not (the {@linkplain #tick ticker}
     * woke the wait within {@value #POLL_MILLIS} ms, or the end came without a handover): the caller
     * reads the row, a safety net under the in-process signal.
     */
    private static Ended waitFor(CompletableFuture<Ended> waiter) {
        try {
            return waiter.get();
        } catch (ExecutionException e) {
            throw closedIo();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw IoException.interrupted();
        }
    }

    private static IoException closedIo() {
        return IoException.other(
                ErrorInfo.of(
                        "orchestrator_closed",
                        ErrorCategory.UNKNOWN,
                        false,
                        "the orchestrator closed while the task was outstanding; the task stays in the queue"),
                null);
    }

    Optional<TaskInfo> task(UUID taskId) {
        return db.read(r -> task(r, taskId));
    }

    static Optional<TaskInfo> task(SqlReader reader, UUID taskId) {
        return reader.queryOne(
                "SELECT " + TASK_COLUMNS + " FROM tasks WHERE task_id = ?", TaskQueue::taskInfo, taskId.toString());
    }

    // ------------------------------------------------------------------ LeaseService

    /**
     * Grants ready tasks, best first; when there are none, waits up to {@code max_wait} for a task to
     * be queued (and then takes it) or for a dispatch to hand it one ({@link Waiter}): a dispatch that
     * finds this acquire waiting grants its new task to it inside the dispatch's own transaction, and
     * this returns the lease once that commits, without another query or transaction.
     */
    @Override
    public List<LeaseEnvelope> acquire(AcquireRequest request) {
        return acquire(request, false);
    }

    /**
     * {@link #acquire} for a runner node in this process: a lease taken off the queue is returned as
     * soon as the grant has joined its write transaction, before that commits, so the runner starts
     * while the commit's fsync runs instead of after it (what a slot waits for between two tasks
     * drops from two commits to one). Safe only for runners that die with this process: a crash
     * that undoes the grant ends them too, so nothing outlives it holding a lease the database does
     * not know. When the commit fails and the process lives on, the grant's epoch is {@linkplain
     * #burnt burnt}: the task stays queued, its next grant gets a higher epoch, and the runner's
     * heartbeats and completion for the lost one are refused as stale. A task handed to a waiting
     * acquire inside its dispatch's transaction is still delivered after that commits: the
     * dispatch itself (with a run's acceptance, perhaps) must be durable before its step runs.
     */
    public List<LeaseEnvelope> acquireLocal(AcquireRequest request) {
        return acquire(request, true);
    }

    private List<LeaseEnvelope> acquire(AcquireRequest request, boolean local) {
        Objects.requireNonNull(request, "request");
        long deadline = System.nanoTime() + request.maxWait().toNanos();
        Selection selection = new Selection(request);
        while (true) {
            ensureOpen();
            long seen = queued.version();
            List<LeaseEnvelope> granted = grant(request, selection, local);
            if (!granted.isEmpty()) {
                return granted;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return List.of();
            }
            Waiter waiter = new Waiter(request, Thread.currentThread());
            idle.add(waiter);
            boolean interrupted = false;
            try {
                long poll = TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
                long until = System.nanoTime() + Math.min(remaining, poll);
                while (!waiter.handed() && queued.version() == seen && !closed) {
                    long left = until - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    if (deadline - System.nanoTime() > 2 * poll) {
                        LockSupport.park(this); // the ticker wakes it within a poll: no timer per wait
                    } else {
                        LockSupport.parkNanos(this, left); // near its deadline: on time
                    }
                    if (Thread.interrupted()) {
                        interrupted = true;
                        break;
                    }
                }
            } finally {
                idle.remove(waiter);
            }
            List<LeaseEnvelope> pushed = waiter.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
                if (pushed.isEmpty()) {
                    throw LeaseException.unavailable("interrupted while waiting for work");
                }
            }
            if (!pushed.isEmpty()) {
                return pushed; // granted to this acquire before it stopped waiting
            }
        }
    }

    /** How many acquires wait for work now. */
    int idleAcquires() {
        return idle.size();
    }

    /** How many tasks were granted inside their dispatch's transaction since this queue opened. */
    long pushedGrants() {
        return pushed.sum();
    }

    /** Wakes every waiting acquire: something was queued, or the queue closes. */
    private void wakeIdle() {
        queued.fire();
        for (Waiter waiter : idle) {
            LockSupport.unpark(waiter.thread);
        }
    }

    /**
     * An acquire waiting for work, which a dispatch may grant its new task to. Its room (the
     * request's {@code max}) is reserved by {@link #claim} inside the dispatch's transaction, before
     * the write; after the commit the lease is {@linkplain #deliver delivered}, or the room given
     * back ({@link #release}) when the transaction did not commit. The acquire stops taking claims
     * with {@link #close}: claims and the close are decided on one atomic word, so a claim either
     * came first (and the acquire waits for its outcome and returns its lease) or fails (and the
     * task stays queued); a lease is never handed to an acquire that has returned.
     */
    static final class Waiter {
        private static final long RESERVED = 1L; // bits 0..19: slots claimed and not given back
        private static final long PENDING = 1L << 20; // bits 20..39: claims not settled yet
        private static final long MASK = (1L << 20) - 1;
        private static final long CLOSED = 1L << 40;
        /** How long a closing acquire waits for claims to settle (one commit, normally). */
        private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(30);

        final String worker;
        private final Set<String> capabilities;
        private final Map<String, String> labels;
        private final int max;
        final Thread thread;
        private final AtomicLong state = new AtomicLong();
        private final ConcurrentLinkedQueue<LeaseEnvelope> delivered = new ConcurrentLinkedQueue<>();

        Waiter(AcquireRequest request, Thread thread) {
            this.worker = request.workerId();
            this.capabilities = Set.copyOf(request.capabilities());
            this.labels = request.labels();
            this.max = request.max();
            this.thread = thread;
        }

        /** Whether a task of {@code capability} requiring {@code required} labels may go to this node. */
        boolean serves(String capability, Map<String, String> required) {
            if (!capabilities.contains(capability)) {
                return false;
            }
            for (Map.Entry<String, String> label : required.entrySet()) {
                if (!label.getValue().equals(labels.get(label.getKey()))) {
                    return false;
                }
            }
            return true;
        }

        /** Reserves one slot; false when the acquire stopped waiting or has no room left. */
        boolean claim() {
            while (true) {
                long s = state.get();
                if ((s & CLOSED) != 0 || (s & MASK) >= max) {
                    return false;
                }
                if (state.compareAndSet(s, s + RESERVED + PENDING)) {
                    return true;
                }
            }
        }

        /** The claim's transaction committed: the lease is this acquire's. */
        void deliver(LeaseEnvelope envelope) {
            delivered.add(envelope);
            state.addAndGet(-PENDING);
            LockSupport.unpark(thread);
        }

        /** The claim's transaction did not commit: its slot is free again. */
        void release() {
            state.addAndGet(-PENDING - RESERVED);
            LockSupport.unpark(thread);
        }

        /** Whether a lease was delivered. */
        boolean handed() {
            return !delivered.isEmpty();
        }

        /**
         * Takes no more claims, waits for those made to settle (one commit), and returns the leases
         * delivered. A claim that has not settled after {@value #SETTLE_NANOS} ns (its dispatch's
         * caller failed without telling) is given up: its lease, if it was made, expires.
         */
        List<LeaseEnvelope> close() {
            long s = state.getAndUpdate(v -> v | CLOSED);
            if ((s >> 20 & MASK) != 0) {
                boolean interrupted = false;
                long until = System.nanoTime() + SETTLE_NANOS;
                while ((state.get() >> 20 & MASK) != 0) {
                    long left = until - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    LockSupport.parkNanos(this, left);
                    interrupted |= Thread.interrupted();
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            return delivered.isEmpty() ? List.of() : List.copyOf(delivered);
        }
    }

    /** A task granted inside its dispatch's transaction to a waiting acquire, told after the commit. */
    record Push(Waiter waiter, UUID taskId, LeaseEnvelope envelope, long leasedAt) {}

    /**
     * A waiting acquire that may take a new task of {@code request}'s, its slot claimed; null when
     * none may: none serves it, or a queued task the waiter could take comes first (so a waiter only
     * gets what a look at the queue would give it; the waiter found nothing ready when it last
     * looked, and a task queued since wakes it to look again).
     */
    private Waiter claimWaiter(SqlTransaction tx, TaskRequest request, long priority, long now) {
        if (idle.isEmpty() || closed) {
            return null;
        }
        String capability = request.capability();
        boolean candidate = false;
        for (Waiter waiter : idle) {
            if (waiter.serves(capability, request.labels())) {
                candidate = true;
                break;
            }
        }
        if (!candidate) {
            return null;
        }
        AtomicLong count = queuedCounts.get(capability);
        if (count != null
                && count.get() > 0
                && tx.queryOne(AHEAD, r -> r.getLong(1), capability, now, priority)
                        .isPresent()) {
            return null;
        }
        for (Waiter waiter : idle) {
            if (waiter.serves(capability, request.labels()) && waiter.claim()) {
                return waiter;
            }
        }
        return null;
    }

    /** The grant's READY query and its bound arguments but the time and the limit, per acquire. */
    private static final class Selection {
        final String sql;
        final Object[] args;
        /** False once a write found nothing though the count said some was queued: then read first. */
        boolean trustCount = true;

        Selection(AcquireRequest request) {
            boolean labelled = !request.labels().isEmpty();
            this.sql = ready(request.capabilities().size(), labelled);
            List<Object> bound = new ArrayList<>();
            bound.add(0L); // now
            bound.addAll(request.capabilities());
            if (labelled) {
                bound.add(Wire.write(new TreeMap<>(request.labels())));
            }
            bound.add(request.max());
            this.args = bound.toArray();
        }

        Object[] at(long now) {
            Object[] a = args.clone();
            a[0] = now;
            return a;
        }
    }

    private record Ready(String id, long attempts, String capability) {}

    /** What a dispatch reads of its run: the priority its task inherits, and when the run was created (its task id leads with it). */
    record RunKeys(long priority, long createdAt) {}

    private List<LeaseEnvelope> grant(AcquireRequest request, Selection selection, boolean local) {
        if (queuedOf(request.capabilities()) == 0) {
            return List.of(); // nothing of these capabilities is queued: no read, no write
        }
        long now = clock.nowMillis();
        Object[] args = selection.at(now);
        if (!selection.trustCount) {
            List<String> ready;
            try {
                ready = db.read(r -> r.query(selection.sql, row -> row.getString(1), args));
            } catch (StorageException e) {
                throw unavailable(e);
            }
            if (ready.isEmpty()) {
                return List.of();
            }
        }
        Moves moves = new Moves();
        long expires = now + options.leaseTtl().toMillis();
        List<LeaseEnvelope> granted;
        // the tasks this grant leases, with their epochs (filled on the writer thread)
        Map<UUID, Long> epochs = new LinkedHashMap<>();
        // whether the grant may be handed over before its commit: a local one of tasks whose queued
        // rows were committed before (cached); one dispatched earlier in this very transaction is not
        AtomicBoolean early = new AtomicBoolean(local);
        WriteCallback<List<LeaseEnvelope>> work = tx -> {
            List<LeaseEnvelope> out = new ArrayList<>();
            for (Ready ready : tx.query(
                    selection.sql, row -> new Ready(row.getString(1), row.getLong(2), row.getString(3)), args)) {
                String id = ready.id();
                UUID taskId = UUID.fromString(id);
                long epoch = Math.max(ready.attempts(), burnt.getOrDefault(taskId, 0L)) + 1;
                epochs.put(taskId, epoch);
                tx.update(
                        "UPDATE tasks SET status = ?, attempts = ?, worker_id = ?, leased_at = ?,"
                                + " lease_expires_at = ?, first_leased_at = coalesce(first_leased_at, ?)"
                                + " WHERE task_id = ?",
                        TaskStatus.LEASED.column(),
                        epoch,
                        request.workerId(),
                        now,
                        expires,
                        now,
                        id);
                insertLease(tx, id, epoch, request.workerId(), now, expires);
                TaskInfo cached = takeRow(taskId);
                if (cached != null) {
                    keepRow(tx, leased(cached, epoch, request.workerId(), now, expires));
                } else {
                    early.set(false);
                    // not cached yet: its dispatch may be an earlier callback of this very transaction,
                    // whose keepRow (the queued row) runs after the commit; this must run after it
                    forgetRow(tx, taskId);
                }
                moves.task(taskId, ready.capability(), TaskStatus.QUEUED, TaskStatus.LEASED);
                if (epoch == 1) {
                    traces.put(taskId, new Trace(epoch, request.workerId(), now, expires));
                } else {
                    traces.remove(taskId); // granted before: its history is read from the tables
                }
                TaskSpec spec = specs.get(taskId);
                if (spec == null) {
                    spec = Wire.read(
                            tx.queryOne("SELECT spec FROM tasks WHERE task_id = ?", r -> r.getString(1), id)
                                    .orElseThrow(),
                            TaskSpec.class);
                }
                out.add(envelope(spec, epoch, expires));
            }
            if (early.get()) {
                tx.afterCommit(() -> finish(moves)); // on the writer thread, before what follows it
            }
            return out;
        };
        try {
            granted =
                    local ? db.writeAnsweredBeforeCommit(work, out -> early.get(), () -> lost(epochs)) : db.write(work);
        } catch (RuntimeException e) {
            epochs.keySet().forEach(this::taint); // the grants may not have been made
            if (e instanceof StorageException se) {
                throw unavailable(se);
            }
            throw e;
        }
        if (!early.get()) {
            finish(moves);
        }
        if (granted.isEmpty()) {
            selection.trustCount = false; // queued but not ready (a backoff), or counted too high
        }
        return granted;
    }

    /**
     * The commit of grants handed out before it failed (on the writer thread): their epochs are
     * burnt, so that the runners holding them are refused as stale and no later grant repeats them.
     */
    private void lost(Map<UUID, Long> epochs) {
        epochs.keySet().forEach(this::taint);
        epochs.forEach((taskId, epoch) -> burnt.merge(taskId, epoch, Math::max));
    }

    private static void insertLease(
            SqlTransaction tx, String taskId, long epoch, String worker, long now, long expires) {
        tx.update(
                "INSERT INTO leases (task_id, epoch, worker_id, status, granted_at, expires_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?)",
                taskId,
                epoch,
                worker,
                LeaseStatus.ACTIVE.column(),
                now,
                expires);
    }

    /** The envelope of grant {@code epoch} of a task dispatched as {@code spec}. */
    private static LeaseEnvelope envelope(TaskSpec spec, long epoch, long expires) {
        Instant until = Instant.ofEpochMilli(expires);
        TaskSpec leased = spec.toBuilder()
                .attempts(epoch)
                .status("leased")
                .leaseExpiresAt(until)
                .build();
        return LeaseEnvelope.builder(leased)
                .leaseExpiresAt(until)
                .status("leased")
                .build();
    }

    @Override
    public HeartbeatAnswer heartbeat(Heartbeat heartbeat) {
        Objects.requireNonNull(heartbeat, "heartbeat");
        ensureOpen();
        long now = clock.nowMillis();
        LeaseRef lease = heartbeat.lease();
        Moves moves = new Moves();
        HeartbeatAnswer answer;
        try {
            answer = db.write(tx -> {
                TaskInfo task = current(tx, lease);
                boolean completedByHolder =
                        task.endedEpoch().isPresent() && task.endedEpoch().get() == lease.epoch();
                if (task.status() != TaskStatus.LEASED && !completedByHolder) {
                    // expired (and perhaps queued again), or ended by the orchestrator: no longer held
                    throw LeaseException.stale(lease, task.attempts());
                }
                for (LogLine line : heartbeat.logs()) {
                    tx.update(
                            "INSERT INTO logs (run_id, step_id, attempt, task_id, ts_millis, level, stream, message)"
                                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            task.runId(),
                            task.stepId(),
                            attempt(task.stateAttempt(), task.attempts()),
                            task.taskId().toString(),
                            line.tsMillis(),
                            line.level().wireName(),
                            line.stream(),
                            line.message());
                }
                if (!heartbeat.logs().isEmpty()) {
                    moves.logged();
                    if (heartbeat.logs().stream().anyMatch(l -> CELL_STREAM.equals(l.stream()))) {
                        taint(task.taskId()); // a cell record: the history reads the log
                    }
                }
                if (completedByHolder) {
                    // a late heartbeat of the holder that completed it: keep its lines, nothing to renew
                    return new HeartbeatAnswer(true, Instant.ofEpochMilli(now));
                }
                long expires = now + options.leaseTtl().toMillis();
                Optional<String> progress = heartbeat.progress().map(Wire::write);
                tx.update(
                        "UPDATE tasks SET lease_expires_at = ?, progress = coalesce(?, progress) WHERE task_id = ?",
                        expires,
                        progress.orElse(null),
                        task.taskId().toString());
                keepRow(tx, renewed(task, expires, progress.or(task::progress)));
                tx.update(
                        "UPDATE leases SET expires_at = ?, renewed_at = ? WHERE task_id = ? AND epoch = ?",
                        expires,
                        now,
                        task.taskId().toString(),
                        lease.epoch());
                Trace trace = traces.get(task.taskId());
                if (trace != null) {
                    synchronized (trace) {
                        if (trace.epoch == lease.epoch()) {
                            trace.expires = expires;
                        } else {
                            trace.clean = false;
                        }
                    }
                }
                return new HeartbeatAnswer(task.cancelRequested(), Instant.ofEpochMilli(expires));
            });
        } catch (StorageException e) {
            taint(lease.taskId()); // the renewal may or may not have been made
            throw unavailable(e);
        } catch (LeaseException e) {
            refused(e, lease, "heartbeat", now);
            throw e;
        }
        finish(moves);
        return answer;
    }

    @Override
    public void complete(Completion completion) {
        Objects.requireNonNull(completion, "completion");
        LeaseException refused = completeAll(List.of(completion)).getFirst();
        if (refused != null) {
            throw refused;
        }
    }

    /**
     * Records a batch of completions in one write transaction, each answered on its own as {@link
     * #complete(Completion)} would have answered it: a stale or unknown lease is refused (a stale one
     * recorded in {@code lease_refusals} in the same transaction) without failing the others.
     *
     * @throws LeaseException {@code lease_service_unavailable} when the transaction failed (nothing
     *     was recorded; each completion may be sent again)
     */
    @Override
    public List<CompletionResult> complete(List<Completion> completions) {
        Objects.requireNonNull(completions, "completions");
        List<LeaseException> refusals = completeAll(completions);
        List<CompletionResult> results = new ArrayList<>(completions.size());
        for (int i = 0; i < completions.size(); i++) {
            LeaseRef lease = completions.get(i).lease();
            LeaseException refused = refusals.get(i);
            results.add(refused == null ? CompletionResult.done(lease) : CompletionResult.refused(lease, refused));
        }
        return results;
    }

    /** Records {@code completions} in one transaction; per completion its refusal, or null when recorded. */
    private List<LeaseException> completeAll(List<Completion> completions) {
        completions.forEach(c -> Objects.requireNonNull(c, "completion"));
        ensureOpen();
        long now = clock.nowMillis();
        Moves moves = new Moves();
        List<Ending> endings = new ArrayList<>(completions.size());
        List<LeaseException> refusals;
        try {
            refusals = db.write(tx -> {
                List<LeaseException> out = new ArrayList<>(completions.size());
                for (Completion completion : completions) {
                    try {
                        completeIn(tx, completion, now, moves, endings);
                        out.add(null);
                    } catch (LeaseException e) {
                        if (LeaseException.STALE_LEASE.equals(e.code())) {
                            taint(completion.lease().taskId()); // its history holds the refusal
                            recordRefusal(tx, completion.lease(), "completion", now);
                        }
                        out.add(e);
                    }
                }
                return out;
            });
        } catch (StorageException e) {
            throw unavailable(e);
        }
        for (Ending ending : endings) {
            // told outside the writer thread: the history of a single clean lease, as the tables hold it
            Optional<List<TaskEvent>> history = ending.single()
                    .map(grant -> history(ending.task(), ending.outcome(), List.of(grant), List.of(), List.of()));
            moves.endedWith(new Ended(ending.task(), ending.outcome(), history));
        }
        finish(moves);
        return refusals;
    }

    /** One completion inside the batch's transaction; throws its refusal, having changed nothing. */
    private void completeIn(SqlTransaction tx, Completion completion, long now, Moves moves, List<Ending> endings) {
        LeaseRef lease = completion.lease();
        TaskInfo task = current(tx, lease);
        if (task.status() != TaskStatus.LEASED) {
            if (task.endedEpoch().isPresent() && task.endedEpoch().get() == lease.epoch()) {
                return; // the same completion again
            }
            throw LeaseException.stale(lease, task.attempts());
        }
        TaskStatus to =
                switch (completion.outcome()) {
                    case TaskOutcome.Succeeded s -> TaskStatus.SUCCEEDED;
                    case TaskOutcome.Failed f -> TaskStatus.FAILED;
                    case TaskOutcome.Cancelled c -> TaskStatus.CANCELLED;
                };
        TaskInfo ended = end(tx, task, to, completion.outcome(), Optional.of(lease.epoch()), now, moves);
        endLease(tx, task, lease.epoch(), LeaseStatus.COMPLETED, now, moves);
        Optional<Grant> single = Optional.empty();
        Trace trace = traces.get(task.taskId());
        if (trace != null) {
            synchronized (trace) {
                if (trace.clean && trace.epoch == 1 && lease.epoch() == 1) {
                    single = Optional.of(new Grant(
                            trace.epoch,
                            trace.worker,
                            LeaseStatus.COMPLETED.column(),
                            trace.granted,
                            Optional.of(now),
                            trace.expires));
                }
            }
        }
        endings.add(new Ending(ended, completion.outcome(), single));
    }

    private record Ending(TaskInfo task, TaskOutcome outcome, Optional<Grant> single) {}

    /** Records a stale-lease refusal (fencing) for the task's lifecycle events; best effort. */
    private void refused(LeaseException e, LeaseRef lease, String what, long now) {
        if (!LeaseException.STALE_LEASE.equals(e.code())) {
            return;
        }
        taint(lease.taskId()); // its history holds the refusal
        try {
            db.write(tx -> {
                recordRefusal(tx, lease, what, now);
                return null;
            });
        } catch (StorageException ignored) {
            // the refusal itself stands; only its record is lost
        }
    }

    private static void recordRefusal(SqlTransaction tx, LeaseRef lease, String what, long now) {
        Optional<TaskInfo> task = task(tx, lease.taskId());
        if (task.isPresent()) {
            tx.update(
                    "INSERT INTO lease_refusals (task_id, epoch, current, what, ts_millis) VALUES (?, ?, ?, ?, ?)",
                    lease.taskId().toString(),
                    lease.epoch(),
                    task.get().attempts(),
                    what,
                    now);
        }
    }

    /**
     * The lifecycle of an ended task, in order: queued, every grant, expiry and refused stale
     * completion or heartbeat, the cell lifecycle lines its runner reported (log lines of stream
     * {@value #CELL_STREAM} holding a JSON object with {@code event}: {@code created}, {@code
     * started}, {@code exited}, {@code failed} (setup failed; {@code reason} added from the record's
     * {@code detail}) or {@code destroyed}), and how it ended.
     */
    List<TaskEvent> history(UUID taskId) {
        return db.read(r -> {
            TaskInfo task = task(r, taskId).orElseThrow();
            List<Grant> grants = r.query(
                    "SELECT epoch, worker_id, status, granted_at, ended_at, expires_at FROM leases WHERE task_id = ?"
                            + " ORDER BY epoch",
                    row -> new Grant(
                            row.getLong(1),
                            row.getString(2),
                            row.getString(3),
                            row.getLong(4),
                            RunIndex.optLong(row, 5),
                            row.getLong(6)),
                    taskId.toString());
            List<Refusal> refusals = r.query(
                    "SELECT epoch, current, what, ts_millis FROM lease_refusals WHERE task_id = ? ORDER BY rowid",
                    row -> new Refusal(row.getLong(1), row.getLong(2), row.getString(3), row.getLong(4)),
                    taskId.toString());
            List<Line> lines = r.query(
                    "SELECT ts_millis, message FROM logs WHERE task_id = ? AND stream = ? ORDER BY cursor",
                    row -> new Line(row.getLong(1), row.getString(2)),
                    taskId.toString(),
                    CELL_STREAM);
            return history(task, null, grants, refusals, lines);
        });
    }

    /** A {@code leases} row. */
    private record Grant(long epoch, String worker, String status, long granted, Optional<Long> ended, long expires) {}

    /** A {@code lease_refusals} row. */
    private record Refusal(long epoch, long current, String what, long ts) {}

    /** A log line of the {@value #CELL_STREAM} stream. */
    private record Line(long ts, String message) {}

    /**
     * The history of {@code task} from its rows (in their tables' order); {@code outcome} is the
     * task's outcome when the caller has it parsed already, else null.
     */
    private static List<TaskEvent> history(
            TaskInfo task, TaskOutcome given, List<Grant> grants, List<Refusal> refusals, List<Line> lines) {
        List<long[]> order = new ArrayList<>();
        List<TaskEvent> events = new ArrayList<>();
        events.add(event(
                task,
                CairnEventTypes.Names.TASK_QUEUED,
                task.createdAt(),
                p -> p.put("capability", task.capability())));
        order.add(new long[] {task.createdAt(), 0});
        for (Grant lease : grants) {
            long epoch = lease.epoch();
            String worker = lease.worker();
            String status = lease.status();
            long granted = lease.granted();
            int attempt = attempt(task.stateAttempt(), epoch);
            events.add(event(task, CairnEventTypes.Names.TASK_LEASED, granted, p -> p.put("lease_epoch", epoch)
                    .put("attempt", attempt)
                    .put("runner", worker)
                    .put(
                            "lease_expires_at",
                            Instant.ofEpochMilli(lease.expires()).toString())));
            order.add(new long[] {granted, 10 * epoch + 1});
            if (status.equals("expired") || status.equals("revoked")) {
                long ended = lease.ended().orElse(granted);
                events.add(event(task, CairnEventTypes.Names.TASK_LEASE_EXPIRED, ended, p -> p.put("lease_epoch", epoch)
                        .put("attempt", attempt)
                        .put("runner", worker)
                        .put("lease_status", status)));
                order.add(new long[] {ended, 10 * epoch + 2});
            }
        }
        for (Refusal refusal : refusals) {
            long ts = refusal.ts();
            long epoch = refusal.epoch();
            long current = refusal.current();
            String what = refusal.what();
            events.add(event(task, CairnEventTypes.Names.TASK_COMPLETION_REFUSED, ts, p -> p.put("lease_epoch", epoch)
                    .put("current_epoch", current)
                    .put("what", what)
                    .put("code", LeaseException.STALE_LEASE)));
            order.add(new long[] {ts, 10 * current + 3});
        }
        for (Line line : lines) {
            Optional<TaskEvent> cell = cellEvent(task, line.ts(), line.message());
            if (cell.isPresent()) {
                events.add(cell.get());
                order.add(new long[] {line.ts(), 10 * task.attempts() + 4});
            }
        }
        if (task.endedAt().isPresent()) {
            String name =
                    switch (task.status()) {
                        case SUCCEEDED -> CairnEventTypes.Names.TASK_COMPLETED;
                        case FAILED -> CairnEventTypes.Names.TASK_FAILED;
                        default -> CairnEventTypes.Names.TASK_CANCELLED;
                    };
            TaskOutcome outcome = given != null
                    ? given
                    : task.outcome().map(o -> Wire.read(o, TaskOutcome.class)).orElse(null);
            events.add(event(task, name, task.endedAt().get(), p -> {
                task.endedEpoch().ifPresent(e -> p.put("lease_epoch", e));
                task.workerId().ifPresent(w -> p.put("runner", w));
                if (outcome instanceof TaskOutcome.Failed f) {
                    p.put("code", f.code());
                    p.put("message", f.message());
                    p.put("retryable", f.retryable());
                }
            }));
            order.add(new long[] {task.endedAt().get(), Long.MAX_VALUE});
        }
        Integer[] index = new Integer[events.size()];
        for (int i = 0; i < index.length; i++) {
            index[i] = i;
        }
        java.util.Arrays.sort(
                index,
                java.util.Comparator.<Integer>comparingLong(i -> order.get(i)[0])
                        .thenComparingLong(i -> order.get(i)[1])
                        .thenComparingInt(i -> i));
        List<TaskEvent> sorted = new ArrayList<>();
        for (Integer i : index) {
            sorted.add(events.get(i));
        }
        return sorted;
    }

    /** The log stream on which runners report cell lifecycle records. */
    static final String CELL_STREAM = "cell";

    private static final java.util.Set<String> CELL_EVENTS =
            java.util.Set.of("created", "started", "exited", "failed", "destroyed");

    private static Optional<TaskEvent> cellEvent(TaskInfo task, long ts, String message) {
        JsonNode record;
        try {
            record = Wire.read(message, JsonNode.class);
        } catch (JsonException e) {
            return Optional.empty();
        }
        if (!record.isObject() || !CELL_EVENTS.contains(record.path("event").asText())) {
            return Optional.empty();
        }
        ObjectNode payload = ((ObjectNode) record).deepCopy();
        String what = payload.remove("event").asText();
        if (!payload.has("correlation_id")
                && payload.path("broker_correlation_id").isTextual()) {
            payload.put("correlation_id", payload.get("broker_correlation_id").textValue());
        }
        if (what.equals("failed") && !payload.has("reason")) {
            // the cells runtime's detail of a FAILED move is why the setup failed
            payload.put("reason", payload.path("detail").asText("cell setup failed"));
        }
        payload.put("task_id", task.taskId().toString());
        payload.put("state_id", task.stateId());
        payload.put("step_id", task.stepId());
        payload.put("ts_millis", ts);
        return Optional.of(new TaskEvent("cell_" + what, payload));
    }

    private static TaskEvent event(TaskInfo task, String name, long ts, java.util.function.Consumer<ObjectNode> fill) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("task_id", task.taskId().toString());
        payload.put("state_id", task.stateId());
        payload.put("step_id", task.stepId());
        payload.put("ts_millis", ts);
        fill.accept(payload);
        return new TaskEvent(name, payload);
    }

    /**
     * The step's attempt (1-based) that grant {@code epoch} of a task runs: the state's attempt the
     * task was dispatched for, plus one for every earlier grant of the task whose lease expired (a
     * re-lease runs the step again). Before the first grant, the state's attempt.
     */
    static int attempt(int stateAttempt, long epoch) {
        return (int) Math.min(Integer.MAX_VALUE, stateAttempt + Math.max(1, epoch));
    }

    /**
     * The task of {@code lease}, if the lease's epoch is the task's current one: its row as the last
     * committed transaction of this process left it ({@link #rows}), else as read. The row stays
     * cached, as it is, once this transaction commits; a caller that changes it keeps or forgets it.
     */
    private TaskInfo current(SqlTransaction tx, LeaseRef lease) {
        TaskInfo task = takeRow(lease.taskId());
        if (task == null) {
            task = task(tx, lease.taskId()).orElseThrow(() -> LeaseException.unknownTask(lease));
        }
        if (!task.status().terminal()) {
            keepRow(tx, task);
        }
        if (task.attempts() != lease.epoch()) {
            throw LeaseException.stale(lease, task.attempts());
        }
        return task;
    }

    /** Removes and returns the cached row of a task; null when it is not cached. Writer thread only. */
    private TaskInfo takeRow(UUID taskId) {
        return rows.remove(taskId);
    }

    /** Caches {@code task} as {@code tx} leaves it, once {@code tx} committed. */
    private void keepRow(SqlTransaction tx, TaskInfo task) {
        tx.afterCommit(() -> rows.put(task.taskId(), task));
    }

    /** Drops the cached row of a task now and once {@code tx} committed: {@code tx} changes it by itself. */
    private void forgetRow(SqlTransaction tx, UUID taskId) {
        rows.remove(taskId);
        tx.afterCommit(() -> rows.remove(taskId));
    }

    /** {@code task}'s row after grant {@code epoch} to {@code worker} (what the grant's UPDATE writes). */
    private static TaskInfo leased(TaskInfo task, long epoch, String worker, long now, long expires) {
        return task.withLease(
                TaskStatus.LEASED,
                epoch,
                Optional.of(worker),
                Optional.of(now),
                Optional.of(expires),
                task.progress(),
                task.firstLeasedAt().or(() -> Optional.of(now)));
    }

    /** {@code task}'s row after a renewal until {@code expires} (what the heartbeat's UPDATE writes). */
    private static TaskInfo renewed(TaskInfo task, long expires, Optional<String> progress) {
        return task.withLease(
                task.status(),
                task.attempts(),
                task.workerId(),
                task.leasedAt(),
                Optional.of(expires),
                progress,
                task.firstLeasedAt());
    }

    /** The cached row of a task, left in place (tests call it inside a write callback: writer thread). */
    Optional<TaskInfo> cachedRow(UUID taskId) {
        return Optional.ofNullable(rows.get(taskId));
    }

    private TaskInfo end(
            SqlTransaction tx,
            TaskInfo task,
            TaskStatus to,
            TaskOutcome outcome,
            Optional<Long> epoch,
            long now,
            Moves moves) {
        moves.task(task.taskId(), task.capability(), task.status(), to);
        forgetRow(tx, task.taskId()); // ended: leaves the cache
        String written = Wire.write(outcome);
        tx.update(
                "UPDATE tasks SET status = ?, outcome = ?, ended_epoch = ?, ended_at = ?, lease_expires_at = NULL"
                        + " WHERE task_id = ?",
                to.column(),
                written,
                epoch.orElse(null),
                now,
                task.taskId().toString());
        return new TaskInfo(
                task.taskId(),
                task.runId(),
                task.stateId(),
                task.stepId(),
                task.failures(),
                task.stateAttempt(),
                task.capability(),
                to,
                task.attempts(),
                task.maxAttempts(),
                task.availableAt(),
                task.timeoutMs(),
                task.workerId(),
                task.leasedAt(),
                Optional.empty(),
                task.cancelRequested(),
                task.progress(),
                Optional.of(written),
                epoch,
                task.createdAt(),
                task.firstLeasedAt(),
                Optional.of(now),
                task.priority());
    }

    private static void endLease(SqlTransaction tx, TaskInfo task, long epoch, LeaseStatus to, long now, Moves moves) {
        moves.lease(task.taskId(), epoch, LeaseStatus.ACTIVE, to);
        tx.update(
                "UPDATE leases SET status = ?, ended_at = ? WHERE task_id = ? AND epoch = ?",
                to.column(),
                now,
                task.taskId().toString(),
                epoch);
    }

    // ------------------------------------------------------------------ cancellation

    /**
     * Cancels the tasks of a run that have not ended: queued ones end {@code CANCELLED} at once;
     * leased ones are marked, so their next heartbeat answers {@code cancel: true}.
     */
    void cancelRun(SqlTransaction tx, String runId, long now, Moves moves) {
        List<TaskInfo> open = tx.query(
                "SELECT " + TASK_COLUMNS + " FROM tasks WHERE run_id = ? AND status IN ('queued', 'leased')",
                TaskQueue::taskInfo,
                runId);
        for (TaskInfo task : open) {
            if (task.status() == TaskStatus.QUEUED) {
                end(tx, task, TaskStatus.CANCELLED, new TaskOutcome.Cancelled(), Optional.empty(), now, moves);
            } else {
                forgetRow(tx, task.taskId());
                tx.update(
                        "UPDATE tasks SET cancel_requested = 1 WHERE task_id = ?",
                        task.taskId().toString());
            }
        }
    }

    // ------------------------------------------------------------------ sweeping

    /**
     * Ends what the clock says has ended: tasks past their timeout, expired leases (requeued, or
     * failed, or cancelled), runs past their deadline (marked; their tasks cancelled).
     *
     * @return the runs whose deadline passed in this sweep
     */
    List<String> sweep() {
        ensureOpen();
        long now = clock.nowMillis();
        Moves moves = new Moves();
        List<String> timedOut = db.write(tx -> {
            for (TaskInfo task : tx.query(
                    "SELECT " + TASK_COLUMNS + " FROM tasks WHERE status = 'leased' AND leased_at + timeout_ms <= ?",
                    TaskQueue::taskInfo,
                    now)) {
                taint(task.taskId());
                forgetRow(tx, task.taskId());
                end(
                        tx,
                        task,
                        TaskStatus.FAILED,
                        new TaskOutcome.Failed(
                                TaskResult.STEP_TIMEOUT,
                                "step `" + task.stepId() + "` ran longer than its timeout (" + task.timeoutMs()
                                        + " ms with the grace)",
                                true),
                        Optional.empty(),
                        now,
                        moves);
                tx.update(
                        "UPDATE tasks SET cancel_requested = 1 WHERE task_id = ?",
                        task.taskId().toString());
                endLease(tx, task, task.attempts(), LeaseStatus.REVOKED, now, moves);
            }
            for (TaskInfo task : tx.query(
                    "SELECT " + TASK_COLUMNS + " FROM tasks WHERE status = 'leased' AND lease_expires_at <= ?",
                    TaskQueue::taskInfo,
                    now)) {
                taint(task.taskId());
                forgetRow(tx, task.taskId());
                endLease(tx, task, task.attempts(), LeaseStatus.EXPIRED, now, moves);
                if (task.cancelRequested()) {
                    end(tx, task, TaskStatus.CANCELLED, new TaskOutcome.Cancelled(), Optional.empty(), now, moves);
                } else if (task.attempts() < task.maxAttempts()) {
                    moves.task(task.taskId(), task.capability(), TaskStatus.LEASED, TaskStatus.QUEUED);
                    tx.update(
                            "UPDATE tasks SET status = ?, worker_id = NULL, leased_at = NULL, lease_expires_at = NULL"
                                    + " WHERE task_id = ?",
                            TaskStatus.QUEUED.column(),
                            task.taskId().toString());
                } else {
                    end(
                            tx,
                            task,
                            TaskStatus.FAILED,
                            new TaskOutcome.Failed(
                                    TaskResult.LEASE_EXPIRED,
                                    "the lease on step `" + task.stepId() + "` expired " + task.attempts()
                                            + " times without a completion (its runners were lost)",
                                    true),
                            Optional.empty(),
                            now,
                            moves);
                }
            }
            List<String> runs = tx.query(
                    "SELECT run_id FROM runs WHERE deadline_at IS NOT NULL AND deadline_at <= ?"
                            + " AND phase IN ('accepted', 'running') AND timeout_requested = 0",
                    r -> r.getString(1),
                    now);
            for (String run : runs) {
                tx.update("UPDATE runs SET timeout_requested = 1, cancel_requested = 1 WHERE run_id = ?", run);
                cancelRun(tx, run, now, moves);
            }
            return runs;
        });
        finish(moves);
        return timedOut;
    }

    /**
     * After a restart: leases granted before it run at least one more {@code lease_ttl} from now, so
     * the nodes that hold them have time to reach the orchestrator again.
     */
    void recover() {
        long until = clock.nowMillis() + options.leaseTtl().toMillis();
        db.write(tx -> {
            rows.clear();
            tx.afterCommit(rows::clear);
            tx.update("UPDATE tasks SET lease_expires_at = max(lease_expires_at, ?) WHERE status = 'leased'", until);
            tx.update("UPDATE leases SET expires_at = max(expires_at, ?) WHERE status = 'active'", until);
            return null;
        });
    }

    /** Wakes long polls waiting for work (a change of routing data outside the queue). */
    void poke() {
        wakeIdle();
    }

    /** Stops serving: waiting dispatches fail, lease calls answer {@code lease_service_unavailable}. */
    void close() {
        closed = true;
        ticker.interrupt();
        specs.clear();
        traces.clear();
        wakeIdle();
        waiters.values().forEach(w -> w.completeExceptionally(new IllegalStateException("closed")));
        waiters.clear();
    }

    private void ensureOpen() {
        if (closed) {
            throw LeaseException.unavailable("the orchestrator is shutting down");
        }
    }

    private LeaseException unavailable(StorageException e) {
        if (closed) {
            return LeaseException.unavailable("the orchestrator is shutting down");
        }
        return LeaseException.unavailable("the task store failed: " + e.getMessage());
    }

    /** The progress value of a task, parsed. */
    static Optional<JsonNode> progress(TaskInfo task) {
        return task.progress().map(p -> Wire.read(p, JsonNode.class));
    }
}
