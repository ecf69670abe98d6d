package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.config.BackoffPolicy;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.LeaseException;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.TaskOutcome;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteOptions;
import dev.cairn.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dispatch that finds an acquire waiting grants its task to it inside the dispatch's own
 * transaction ("push"): on a real SQLite database with real threads, the pushed grant is exactly the
 * grant the acquire would have made, a claim racing the acquire's own timeout never loses the task,
 * a transaction that does not commit hands out nothing, a queued task ahead is not passed, and a
 * pushed lease outstanding at a restart expires back onto the queue as any lease does.
 */
class PushedGrantTest {

    private static final String CAPABILITY = "/test/push/v1";
    private static final RunId RUN = new RunId(UUID.fromString("00000000-0000-4000-8000-0000000000aa"));
    private static final Duration TTL = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** A task queue on its own database, as the orchestrator opens it. */
    static final class Queue implements AutoCloseable {
        final Path home;
        final ManualClock clock;
        SqliteDatabase db;
        TaskQueue queue;

        final TaskQueue.Listener listener;

        Queue(Path home, ManualClock clock) {
            this(home, clock, TaskQueue.Listener.none());
        }

        Queue(Path home, ManualClock clock, TaskQueue.Listener listener) {
            this.home = home;
            this.clock = clock;
            this.listener = listener;
            open();
        }

        void open() {
            db = SqliteDatabase.open(SqliteOptions.builder(home.resolve("cairn.db"))
                    .migrationModule("orchestrator")
                    .build());
            queue = new TaskQueue(
                    db,
                    OrchestratorOptions.builder()
                            .home(home)
                            .clock(clock)
                            .sleeper(clock)
                            .leaseTtl(TTL)
                            .build(),
                    new Signal(),
                    listener);
        }

        /** As a crash would leave it: the queue and database closed, then opened again and recovered. */
        void restart() {
            close();
            open();
            queue.recover();
        }

        TaskQueue.Dispatch dispatch(String state) {
            return queue.dispatch(RUN, new StateId(state), 0, request(Map.of(), Duration.ZERO));
        }

        /** An acquire on its own thread, once it waits for work. */
        CompletableFuture<List<LeaseEnvelope>> waiting(String worker, int max, Duration wait) {
            int before = queue.idleAcquires();
            CompletableFuture<List<LeaseEnvelope>> got = acquire(worker, max, wait);
            Harness.await(() -> queue.idleAcquires() > before || got.isDone(), "the acquire to wait");
            assertThat(got).as("an acquire with nothing to take waits").isNotDone();
            return got;
        }

        CompletableFuture<List<LeaseEnvelope>> acquire(String worker, int max, Duration wait) {
            CompletableFuture<List<LeaseEnvelope>> got = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    got.complete(queue.acquire(request(worker, max, wait)));
                } catch (Throwable e) {
                    got.completeExceptionally(e);
                }
            });
            return got;
        }

        /** The rows of a query, each column as text (null for NULL). */
        List<List<String>> rows(String sql) {
            int columns = sql.substring(0, sql.indexOf(" FROM ")).split(",").length;
            return db.read(r -> r.query(sql, row -> {
                List<String> out = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    out.add(row.getString(i));
                }
                return out;
            }));
        }

        @Override
        public void close() {
            queue.close();
            db.close();
        }
    }

    private static AcquireRequest request(String worker, int max, Duration wait) {
        return new AcquireRequest(worker, List.of(CAPABILITY), new TreeMap<>(), max, wait);
    }

    private static TaskRequest request(Map<String, String> labels, Duration backoff) {
        return new TaskRequest(
                "work",
                CAPABILITY,
                new TreeMap<>(labels),
                JsonNodeFactory.instance.objectNode(),
                List.of(),
                Duration.ofMinutes(5),
                new BackoffPolicy.Fixed(backoff),
                "pipeline");
    }

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(Harness.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static TaskOutcome.Succeeded ok() {
        return new TaskOutcome.Succeeded(JsonNodeFactory.instance.objectNode().put("ok", true), List.of());
    }

    @Test
    void aPushedGrantIsExactlyTheGrantTheAcquireWouldHaveMade() throws Exception {
        ManualClock clockA = new ManualClock();
        ManualClock clockB = new ManualClock();
        try (Queue granted = new Queue(dir.resolve("a"), clockA);
                Queue pushed = new Queue(dir.resolve("b"), clockB)) {
            // a: queued first, then taken by an acquire's own grant
            TaskQueue.Dispatch dispatchA = granted.dispatch("op.work.main");
            LeaseEnvelope a =
                    granted.queue.acquire(request("node-1", 4, Duration.ZERO)).getFirst();
            assertThat(granted.queue.pushedGrants()).isZero();
            // b: the acquire waits first, and the dispatch hands it the task
            CompletableFuture<List<LeaseEnvelope>> waiting = pushed.waiting("node-1", 4, Duration.ofSeconds(60));
            TaskQueue.Dispatch dispatchB = pushed.dispatch("op.work.main");
            List<LeaseEnvelope> b = get(waiting);
            assertThat(pushed.queue.pushedGrants()).isEqualTo(1);
            assertThat(b).hasSize(1);

            assertThat(dispatchB.taskId()).isEqualTo(dispatchA.taskId());
            assertThat(Wire.toTree(b.getFirst())).isEqualTo(Wire.toTree(a));
            assertThat(a.task().attempts()).contains(1L);
            String tasks = "SELECT " + TaskQueue.TASK_COLUMNS + ", labels, spec FROM tasks";
            String leases = "SELECT task_id, epoch, worker_id, status, granted_at, expires_at, renewed_at, ended_at"
                    + " FROM leases ORDER BY epoch";
            assertThat(pushed.rows(tasks)).isEqualTo(granted.rows(tasks));
            assertThat(pushed.rows(leases)).isEqualTo(granted.rows(leases));
            assertThat(pushed.queue.history(dispatchB.taskId())).isEqualTo(granted.queue.history(dispatchA.taskId()));

            // renewed, expired, granted again, fenced, completed: the same on both
            for (Queue q : List.of(granted, pushed)) {
                LeaseRef first = LeaseRef.of(q == granted ? a : b.getFirst());
                q.clock.advance(Duration.ofSeconds(10));
                q.queue.heartbeat(new Heartbeat(first, Optional.empty(), List.of()));
                q.clock.advance(TTL.plusSeconds(1));
                q.queue.sweep();
                LeaseEnvelope second =
                        q.queue.acquire(request("node-2", 1, Duration.ZERO)).getFirst();
                assertThat(second.task().attempts()).contains(2L);
                assertThatThrownBy(() -> q.queue.complete(new Completion(first, ok())))
                        .isInstanceOfSatisfying(
                                LeaseException.class, e -> assertThat(e.code()).isEqualTo(LeaseException.STALE_LEASE));
                q.queue.complete(new Completion(LeaseRef.of(second), ok()));
            }
            TaskQueue.Ended endedA = granted.queue.await(dispatchA);
            TaskQueue.Ended endedB = pushed.queue.await(dispatchB);
            assertThat(endedB.task()).isEqualTo(endedA.task());
            assertThat(pushed.rows(tasks)).isEqualTo(granted.rows(tasks));
            assertThat(pushed.rows(leases)).isEqualTo(granted.rows(leases));
            List<TaskEvent> history = pushed.queue.history(dispatchB.taskId());
            assertThat(history).isEqualTo(granted.queue.history(dispatchA.taskId()));
            assertThat(history.stream().map(TaskEvent::name))
                    .containsExactly(
                            "task_queued",
                            "task_leased",
                            "task_lease_expired",
                            "task_leased",
                            "task_completion_refused",
                            "task_completed");
        }
    }

    /**
     * An acquire whose wait ends in the instant a dispatch claims it: either the claim came first and
     * the acquire returns the lease, or the task stays queued with no lease; never a lease nobody got.
     */
    @Test
    void anAcquireTimingOutAsATaskIsPushedNeverLosesIt() throws Exception {
        long seed = Long.getLong("cairn.seed", new Random().nextLong());
        System.out.println("seed=" + seed);
        Random random = new Random(seed);
        int handed = 0;
        int left = 0;
        try (Queue q = new Queue(dir, new ManualClock())) {
            for (int i = 0; i < 300; i++) {
                String state = "op.s" + i + ".main";
                long waitNanos = random.nextInt(2_000_000);
                long delayNanos = random.nextInt(2_000_000);
                CompletableFuture<List<LeaseEnvelope>> acquired =
                        q.acquire("node-" + i, 1, Duration.ofNanos(waitNanos));
                long until = System.nanoTime() + delayNanos;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                UUID taskId = q.dispatch(state).taskId();
                List<LeaseEnvelope> got = get(acquired);
                List<List<String>> leases =
                        q.rows("SELECT worker_id, epoch, status FROM leases WHERE task_id = '" + taskId + "'");
                List<String> row = q.rows(
                                "SELECT status, attempts, worker_id FROM tasks WHERE task_id = '" + taskId + "'")
                        .getFirst();
                String at = "iteration " + i + " (seed " + seed + ")";
                if (got.isEmpty()) {
                    left++;
                    assertThat(row.getFirst()).as(at).isEqualTo("queued");
                    assertThat(leases).as(at).isEmpty();
                    got = q.queue.acquire(request("sweeper-" + i, 1, Duration.ZERO));
                } else {
                    handed++;
                    assertThat(row).as(at).containsExactly("leased", "1", "node-" + i);
                    assertThat(leases).as(at).containsExactly(List.of("node-" + i, "1", "active"));
                }
                assertThat(got).as(at).hasSize(1);
                assertThat(got.getFirst().task().id()).as(at).isEqualTo(taskId);
                q.queue.complete(new Completion(LeaseRef.of(got.getFirst()), ok()));
            }
            assertThat(q.queue.idleAcquires()).isZero();
        }
        System.out.println("handed to the waiting acquire: " + handed + ", left queued: " + left);
    }

    @Test
    void aDispatchThatDoesNotCommitHandsOutNothingAndGivesTheRoomBack() throws Exception {
        try (Queue q = new Queue(dir, new ManualClock())) {
            CompletableFuture<List<LeaseEnvelope>> waiting = q.waiting("node-1", 1, Duration.ofSeconds(60));
            TaskQueue.Moves moves = q.queue.moves();
            List<TaskQueue.Dispatch> made = new ArrayList<>();
            assertThatThrownBy(() -> q.db.write(tx -> {
                        made.add(q.queue.dispatchIn(
                                tx,
                                RUN,
                                new StateId("op.lost.main"),
                                0,
                                request(Map.of(), Duration.ZERO),
                                q.clock.nowMillis(),
                                moves));
                        throw new IllegalStateException("the append failed after the dispatch");
                    }))
                    .isInstanceOf(IllegalStateException.class);
            q.queue.abandon(moves); // what ProjectingEventStore does when its transaction fails
            assertThat(made).hasSize(1);
            assertThat(q.rows("SELECT task_id FROM tasks")).isEmpty();
            assertThat(q.rows("SELECT task_id FROM leases")).isEmpty();
            assertThat(waiting).as("nothing handed to the acquire").isNotDone();
            assertThat(q.queue.pushedGrants()).isZero();

            // its one slot is free again: the next dispatch goes to it
            UUID next = q.dispatch("op.next.main").taskId();
            List<LeaseEnvelope> got = get(waiting);
            assertThat(got).hasSize(1);
            assertThat(got.getFirst().task().id()).isEqualTo(next);
            assertThat(q.queue.pushedGrants()).isEqualTo(1);
        }
    }

    /**
     * The moves of a dispatch are told by the thread that committed it, before the writing caller
     * gets its answer back (a pushed lease is then on its way one wake-up sooner), and only once:
     * an abandon that finds the transaction committed (its caller was interrupted) tells nothing
     * again.
     */
    @Test
    void aDispatchsMovesAreToldOnceByTheThreadThatCommittedIt() throws Exception {
        Map<UUID, List<String>> leasedBy = new java.util.concurrent.ConcurrentHashMap<>();
        TaskQueue.Listener listener = new TaskQueue.Listener() {
            @Override
            public void onTask(UUID taskId, dev.cairn.machine.runtime.Lifecycle.Move<TaskStatus> move) {
                if (move.to() == TaskStatus.LEASED) {
                    leasedBy.computeIfAbsent(taskId, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                            .add(Thread.currentThread().getName());
                }
            }

            @Override
            public void onLease(UUID taskId, long epoch, dev.cairn.machine.runtime.Lifecycle.Move<LeaseStatus> move) {}
        };
        try (Queue q = new Queue(dir, new ManualClock(), listener)) {
            CompletableFuture<List<LeaseEnvelope>> first = q.waiting("node-1", 1, Duration.ofSeconds(60));
            UUID pushed = q.dispatch("op.first.main").taskId();
            assertThat(get(first)).extracting(l -> l.task().id()).containsExactly(pushed);
            assertThat(leasedBy.get(pushed))
                    .as("told once, by the writer thread that committed the dispatch")
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .startsWith("cairn-sqlite-writer");

            // the caller's write failed after the commit (interrupted): its abandon finds it committed
            CompletableFuture<List<LeaseEnvelope>> second = q.waiting("node-1", 1, Duration.ofSeconds(60));
            TaskQueue.Moves moves = q.queue.moves();
            TaskQueue.Dispatch dispatch = q.db.write(tx -> {
                q.queue.finishAtCommit(tx, moves);
                return q.queue.dispatchIn(
                        tx,
                        RUN,
                        new StateId("op.second.main"),
                        0,
                        request(Map.of(), Duration.ZERO),
                        q.clock.nowMillis(),
                        moves);
            });
            q.queue.abandon(moves);
            q.queue.finish(moves);
            assertThat(get(second)).extracting(l -> l.task().id()).containsExactly(dispatch.taskId());
            assertThat(leasedBy.get(dispatch.taskId())).as("told once").hasSize(1);
            assertThat(q.queue.pushedGrants()).isEqualTo(2);
        }
    }

    /** A write that committed though its caller failed (interrupted while it committed) still hands the lease. */
    @Test
    void aDispatchThatCommittedUnderAFailedCallerStillHandsItsLease() throws Exception {
        try (Queue q = new Queue(dir, new ManualClock())) {
            CompletableFuture<List<LeaseEnvelope>> waiting = q.waiting("node-1", 2, Duration.ofSeconds(60));
            TaskQueue.Moves moves = q.queue.moves();
            TaskQueue.Dispatch dispatch = q.db.write(tx -> q.queue.dispatchIn(
                    tx,
                    RUN,
                    new StateId("op.kept.main"),
                    0,
                    request(Map.of(), Duration.ZERO),
                    q.clock.nowMillis(),
                    moves));
            q.queue.abandon(moves); // as if the write had thrown: the rows tell it committed
            List<LeaseEnvelope> got = get(waiting);
            assertThat(got).hasSize(1);
            assertThat(got.getFirst().task().id()).isEqualTo(dispatch.taskId());
            assertThat(q.rows("SELECT status, worker_id FROM tasks")).containsExactly(List.of("leased", "node-1"));
        }
    }

    @Test
    void aTaskIsNotPushedPastAReadyQueuedOneNorToANodeWithoutItsLabels() throws Exception {
        try (Queue q = new Queue(dir, new ManualClock())) {
            // a retry: queued with a backoff, so not ready yet
            q.db.write(tx -> tx.update(
                    "INSERT INTO steps (run_id, state_id, step_id, name, position, status, failures)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    RUN.toString(),
                    "op.retry.main",
                    "retry",
                    "retry",
                    0,
                    "retrying",
                    1));
            UUID retry = q.queue
                    .dispatch(RUN, new StateId("op.retry.main"), 1, request(Map.of(), Duration.ofSeconds(1)))
                    .taskId();
            CompletableFuture<List<LeaseEnvelope>> waiting = q.waiting("node-1", 1, Duration.ofSeconds(60));

            // a task the waiting node lacks the labels for stays queued
            UUID elsewhere = q.queue
                    .dispatch(RUN, new StateId("op.eu.main"), 0, request(Map.of("zone", "eu"), Duration.ZERO))
                    .taskId();
            // the retry is ready now; a new task of the same priority comes after it
            q.clock.advance(Duration.ofSeconds(1));
            UUID fresh = q.dispatch("op.fresh.main").taskId();

            List<LeaseEnvelope> got = get(waiting);
            assertThat(q.queue.pushedGrants()).isZero();
            assertThat(got).hasSize(1);
            assertThat(got.getFirst().task().id()).isEqualTo(retry);
            assertThat(q.queue.acquire(request("node-2", 4, Duration.ZERO)).stream()
                            .map(e -> e.task().id()))
                    .containsExactly(fresh);
            assertThat(q.rows("SELECT status FROM tasks WHERE task_id = '" + elsewhere + "'"))
                    .containsExactly(List.of("queued"));
        }
    }

    @Test
    void aPushedLeaseOutstandingAtARestartExpiresBackOntoTheQueueAsAnyLease() throws Exception {
        try (Queue q = new Queue(dir, new ManualClock())) {
            CompletableFuture<List<LeaseEnvelope>> waiting = q.waiting("node-1", 1, Duration.ofSeconds(60));
            TaskQueue.Dispatch dispatch = q.dispatch("op.work.main");
            LeaseEnvelope first = get(waiting).getFirst();
            assertThat(q.queue.pushedGrants()).isEqualTo(1);

            q.restart();
            q.clock.advance(TTL.minusSeconds(1));
            q.queue.sweep();
            assertThat(q.queue.acquire(request("node-2", 1, Duration.ZERO)))
                    .as("a lease granted before the restart runs one more TTL")
                    .isEmpty();
            q.clock.advance(Duration.ofSeconds(2));
            q.queue.sweep();
            LeaseEnvelope second =
                    q.queue.acquire(request("node-2", 1, Duration.ZERO)).getFirst();
            assertThat(second.task().id()).isEqualTo(dispatch.taskId());
            assertThat(second.task().attempts()).contains(2L);
            assertThatThrownBy(() -> q.queue.complete(new Completion(LeaseRef.of(first), ok())))
                    .isInstanceOfSatisfying(
                            LeaseException.class, e -> assertThat(e.code()).isEqualTo(LeaseException.STALE_LEASE));
            q.queue.complete(new Completion(LeaseRef.of(second), ok()));
            assertThat(q.queue.history(dispatch.taskId()).stream().map(TaskEvent::name))
                    .containsExactly(
                            "task_queued",
                            "task_leased",
                            "task_lease_expired",
                            "task_leased",
                            "task_completion_refused",
                            "task_completed");
        }
    }
}
