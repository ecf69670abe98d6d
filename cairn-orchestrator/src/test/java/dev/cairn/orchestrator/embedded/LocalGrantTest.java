package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.machine.config.BackoffPolicy;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.LeaseException;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.TaskOutcome;
import dev.cairn.store.sqlite.SqlTransaction;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner node in the orchestrator's own process takes its leases through {@link
 * TaskQueue#acquireLocal}: on a real SQLite database, a lease taken off the queue reaches it while
 * the grant's commit is still running, a task whose queued row the queue has not seen committed is
 * handed only once the grant commits, and a grant whose commit is lost burns its epoch, so that the
 * runner holding it is fenced off and no later grant repeats it.
 */
class LocalGrantTest {

    private static final String CAPABILITY = "/test/push/v1";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /**
     * Holds the commit of the first transaction of {@code db} that leases task {@code taskId} at its
     * end (a rider, which sees the transaction's writes) until {@link #release}; other transactions
     * (the queue's own sweeps) pass.
     */
    private static final class HeldCommit implements AutoCloseable {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch mayGo = new CountDownLatch(1);
        final AtomicBoolean armed = new AtomicBoolean(true);
        final SqliteDatabase.Subscription rider;

        HeldCommit(SqliteDatabase db, UUID taskId) {
            rider = db.carry(tx -> {
                if (leases(tx, taskId) && armed.getAndSet(false)) {
                    reached.countDown();
                    while (true) {
                        try {
                            mayGo.await();
                            break;
                        } catch (InterruptedException e) {
                            // the test decides when the commit goes on
                        }
                    }
                }
                return null;
            });
        }

        void awaitReached() throws InterruptedException {
            assertThat(reached.await(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("a commit reached the rider")
                    .isTrue();
        }

        void release() {
            mayGo.countDown();
        }

        @Override
        public void close() {
            release();
            rider.close();
        }
    }

    /**
     * Returns once a write of {@code db} commits. The first may join a transaction still open (the
     * writer takes late writes into it) and fail with it; the next cannot.
     */
    private static void awaitACommit(SqliteDatabase db) {
        for (int attempt = 1; ; attempt++) {
            try {
                db.write(tx -> null);
                return;
            } catch (StorageException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** Whether transaction {@code tx} (seen by a rider, uncommitted) leaves the task leased. */
    private static boolean leases(SqlTransaction tx, UUID taskId) {
        return tx.queryOne("SELECT status FROM tasks WHERE task_id = ?", r -> r.getString(1), taskId.toString())
                .filter("leased"::equals)
                .isPresent();
    }

    private static AcquireRequest request(String worker) {
        return new AcquireRequest(worker, List.of(CAPABILITY), new TreeMap<>(), 1, Duration.ZERO);
    }

    private static CompletableFuture<List<LeaseEnvelope>> onItsThread(
            Function<AcquireRequest, List<LeaseEnvelope>> acquire, String worker) {
        CompletableFuture<List<LeaseEnvelope>> got = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                got.complete(acquire.apply(request(worker)));
            } catch (Throwable e) {
                got.completeExceptionally(e);
            }
        });
        return got;
    }

    /**
     * Acquires on a thread of its own while the commit of the grant of {@code taskId} is held;
     * checks that the acquire waits for that commit and the task is leased once it returns. Returns
     * the id of the task it was granted.
     */
    private static UUID grantedOnlyOnceCommitted(
            PushedGrantTest.Queue q, UUID taskId, Function<AcquireRequest, List<LeaseEnvelope>> acquire, String worker)
            throws Exception {
        try (HeldCommit held = new HeldCommit(q.db, taskId)) {
            CompletableFuture<List<LeaseEnvelope>> acquired = onItsThread(acquire, worker);
            held.awaitReached();
            Thread.sleep(200); // time to answer, were it answered before the commit
            assertThat(acquired).as("held with its commit").isNotDone();
            held.release();
            UUID granted = acquired.get(WAIT.toSeconds(), TimeUnit.SECONDS)
                    .getFirst()
                    .task()
                    .id();
            assertThat(status(q, taskId)).isEqualTo("leased");
            return granted;
        }
    }

    private static String status(PushedGrantTest.Queue q, UUID taskId) {
        return q.rows("SELECT status, attempts FROM tasks WHERE task_id = '" + taskId + "'")
                .getFirst()
                .getFirst();
    }

    private static TaskOutcome.Succeeded ok() {
        return new TaskOutcome.Succeeded(JsonNodeFactory.instance.objectNode().put("ok", true), List.of());
    }

    private static TaskQueue.Dispatch dispatch(PushedGrantTest.Queue q, String state) {
        return q.queue.dispatch(
                new RunId(UUID.fromString("00000000-0000-4000-8000-0000000000bb")),
                new StateId(state),
                0,
                new TaskRequest(
                        "work",
                        CAPABILITY,
                        new TreeMap<>(Map.of()),
                        JsonNodeFactory.instance.objectNode(),
                        List.of(),
                        Duration.ofMinutes(5),
                        new BackoffPolicy.Fixed(Duration.ZERO),
                        "pipeline"));
    }

    @Test
    void aLocalGrantReachesItsRunnerWhileItsCommitRunsAndARemoteOneOnlyAfter() throws Exception {
        try (PushedGrantTest.Queue q = new PushedGrantTest.Queue(dir, new ManualClock())) {
            UUID local = dispatch(q, "op.local.main").taskId();
            UUID remote = dispatch(q, "op.remote.main").taskId();

            List<LeaseEnvelope> got;
            try (HeldCommit held = new HeldCommit(q.db, local)) {
                CompletableFuture<List<LeaseEnvelope>> acquired = onItsThread(q.queue::acquireLocal, "in-process");
                held.awaitReached();
                got = acquired.get(WAIT.toSeconds(), TimeUnit.SECONDS); // while the commit is held
                assertThat(status(q, local)).as("the grant is not durable yet").isEqualTo("queued");
            }
            assertThat(got).hasSize(1);
            assertThat(got.getFirst().task().id()).isEqualTo(local);
            assertThat(got.getFirst().task().attempts()).contains(1L);

            assertThat(grantedOnlyOnceCommitted(q, remote, q.queue::acquire, "remote"))
                    .as("the task a remote acquire was granted, once its grant committed")
                    .isEqualTo(remote);

            // the local lease is an ordinary one once committed: renewed, completed, its history told
            q.queue.heartbeat(new Heartbeat(LeaseRef.of(got.getFirst()), Optional.empty(), List.of()));
            q.queue.complete(new Completion(LeaseRef.of(got.getFirst()), ok()));
            assertThat(status(q, local)).isEqualTo("succeeded");
            assertThat(q.queue.history(local).stream().map(TaskEvent::name))
                    .containsExactly("task_queued", "task_leased", "task_completed");
        }
    }

    /**
     * After a restart the queue has seen no queued row commit (as with a task dispatched earlier in
     * the grant's own transaction, whose acceptance may not be durable yet): such a task reaches a
     * local runner only once its grant has committed.
     */
    @Test
    void aTaskWhoseQueuedRowTheQueueHasNotSeenCommitIsHandedOnlyOnceTheGrantCommits() throws Exception {
        try (PushedGrantTest.Queue q = new PushedGrantTest.Queue(dir, new ManualClock())) {
            UUID taskId = dispatch(q, "op.restarted.main").taskId();
            q.restart();
            assertThat(grantedOnlyOnceCommitted(q, taskId, q.queue::acquireLocal, "in-process"))
                    .as("the task a local acquire was granted, once its grant committed")
                    .isEqualTo(taskId);
        }
    }

    @Test
    void aLocalGrantWhoseCommitIsLostBurnsItsEpoch() throws Exception {
        try (PushedGrantTest.Queue q = new PushedGrantTest.Queue(dir, new ManualClock())) {
            UUID taskId = dispatch(q, "op.lost.main").taskId();
            AtomicBoolean fail = new AtomicBoolean(true);
            LeaseEnvelope lost;
            try (SqliteDatabase.Subscription failing = q.db.carry(tx -> {
                if (leases(tx, taskId) && fail.getAndSet(false)) {
                    throw new IllegalStateException("the disk is full");
                }
                return null;
            })) {
                lost = q.queue.acquireLocal(request("in-process")).getFirst();
                awaitACommit(q.db); // the lost transaction is behind us
            }
            assertThat(fail).as("the commit was refused").isFalse();
            assertThat(lost.task().id()).isEqualTo(taskId);
            assertThat(lost.task().attempts()).contains(1L);
            assertThat(q.rows("SELECT status, attempts FROM tasks WHERE task_id = '" + taskId + "'"))
                    .as("nothing of the grant is stored: the task is queued as before")
                    .containsExactly(List.of("queued", "0"));
            assertThat(q.rows("SELECT task_id FROM leases")).isEmpty();

            LeaseEnvelope next = q.queue.acquire(request("remote")).getFirst();
            assertThat(next.task().id()).isEqualTo(taskId);
            assertThat(next.task().attempts()).as("past the burnt epoch").contains(2L);
            for (Runnable call : List.<Runnable>of(
                    () -> q.queue.heartbeat(new Heartbeat(LeaseRef.of(lost), Optional.empty(), List.of())),
                    () -> q.queue.complete(new Completion(LeaseRef.of(lost), ok())))) {
                assertThatThrownBy(call::run).isInstanceOfSatisfying(LeaseException.class, e -> assertThat(e.code())
                        .isEqualTo(LeaseException.STALE_LEASE));
            }
            q.queue.complete(new Completion(LeaseRef.of(next), ok()));
            assertThat(q.rows("SELECT status, attempts, worker_id FROM tasks WHERE task_id = '" + taskId + "'"))
                    .containsExactly(List.of("succeeded", "2", "remote"));
        }
    }
}
