package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task rows the queue keeps on the writer thread for completions and heartbeats are always what
 * the {@code tasks} table holds, on real SQLite: after a dispatch, a grant and a renewal that
 * committed, after a renewal rolled back to its savepoint, after the sweep and a cancellation changed
 * rows by themselves; and a completion's ended task is the row as the table has it.
 */
class TaskRowsTest {

    private static final String CAPABILITY = "/test/rows/v1";
    private static final RunId RUN = new RunId(UUID.fromString("00000000-0000-4000-8000-0000000000bb"));

    @TempDir
    Path home;

    private final ManualClock clock = new ManualClock();
    private SqliteDatabase db;
    private TaskQueue queue;

    @BeforeEach
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
                        .leaseTtl(Duration.ofSeconds(30))
                        .build(),
                new Signal(),
                TaskQueue.Listener.none());
    }

    @AfterEach
    void close() {
        queue.close();
        db.close();
    }

    @Test
    void aTasksCachedRowFollowsItsCommittedChangesAndLeavesWhenItEnds() {
        UUID id = dispatch("op.a.main");
        assertCachedAsStored(id);
        LeaseEnvelope lease = grant();
        assertCachedAsStored(id);
        clock.advance(Duration.ofSeconds(5));
        queue.heartbeat(
                new Heartbeat(LeaseRef.of(lease), Optional.of(JsonNodeFactory.instance.numberNode(42)), List.of()));
        assertCachedAsStored(id);
        clock.advance(Duration.ofSeconds(1));
        queue.heartbeat(new Heartbeat(LeaseRef.of(lease), Optional.empty(), List.of()));
        assertCachedAsStored(id);
        assertThat(queue.task(id).orElseThrow().progress()).contains("42");

        queue.complete(new Completion(LeaseRef.of(lease), ok()));

        assertThat(cached(id)).as("an ended task leaves the cache").isEmpty();
        assertThat(queue.task(id).orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    @Test
    void aRenewalRolledBackToItsSavepointLeavesTheCachedRowAsTheTableHasIt() {
        UUID id = dispatch("op.b.main");
        LeaseEnvelope lease = grant();
        assertCachedAsStored(id);
        // a real SQLite failure after the renewal's UPDATE of tasks: its lease row cannot be renewed
        db.write(tx -> tx.update("CREATE TRIGGER boom BEFORE UPDATE ON leases WHEN NEW.renewed_at IS NOT NULL"
                + " BEGIN SELECT RAISE(ABORT, 'boom'); END"));
        clock.advance(Duration.ofSeconds(5));

        assertThatThrownBy(() -> queue.heartbeat(new Heartbeat(
                        LeaseRef.of(lease), Optional.of(JsonNodeFactory.instance.numberNode(7)), List.of())))
                .isInstanceOf(LeaseException.class);

        assertCachedOrAbsentAsStored(id);
        assertThat(queue.task(id).orElseThrow().progress()).isEmpty();
        db.write(tx -> tx.update("DROP TRIGGER boom"));
        queue.complete(new Completion(LeaseRef.of(lease), ok()));
        assertThat(queue.task(id).orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    @Test
    void rowsTheSweepOrACancellationChangesAreReadAgain() {
        UUID expiring = dispatch("op.c.main");
        LeaseEnvelope first = grant();
        assertCachedAsStored(expiring);
        clock.advance(Duration.ofSeconds(31));
        queue.sweep(); // expired: back on the queue

        assertCachedOrAbsentAsStored(expiring);
        assertThatThrownBy(() -> queue.complete(new Completion(LeaseRef.of(first), ok())))
                .isInstanceOfSatisfying(
                        LeaseException.class, e -> assertThat(e.code()).isEqualTo(LeaseException.STALE_LEASE));
        LeaseEnvelope second = grant();
        assertThat(second.task().attempts()).contains(2L);

        TaskQueue.Moves moves = queue.moves();
        db.write(tx -> {
            queue.cancelRun(tx, RUN.toString(), clock.nowMillis(), moves);
            return null;
        });
        queue.finish(moves);
        assertCachedOrAbsentAsStored(expiring);
        assertThat(queue.heartbeat(new Heartbeat(LeaseRef.of(second), Optional.empty(), List.of()))
                        .cancel())
                .as("the heartbeat sees the cancellation, not a cached row from before it")
                .isTrue();
        assertCachedOrAbsentAsStored(expiring);
    }

    @Test
    void aGrantInTheSameTransactionAsItsTasksDispatchLeavesNoStaleRowBehind() throws Exception {
        UUID ahead = dispatch("op.ahead.main"); // queued: an acquire then asks the writer for a grant
        java.util.concurrent.CountDownLatch writerBusy = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (java.util.concurrent.ExecutorService threads =
                java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            java.util.concurrent.Future<?> blocker = threads.submit(() -> db.write(tx -> {
                writerBusy.countDown();
                while (true) {
                    try {
                        release.await();
                        InFlightRunsTest.outlastTheLateJoinWindow(); // the two queued take the next transaction
                        return null;
                    } catch (InterruptedException e) {
                        // the test decides when the writer goes on
                    }
                }
            }));
            writerBusy.await();
            java.util.concurrent.Future<UUID> dispatched = threads.submit(() -> dispatch("op.d.main"));
            while (db.queuedWrites() < 1) {
                Thread.sleep(1);
            }
            // the queued count is raised inside the dispatch's callback: this acquire's grant queues behind it
            java.util.concurrent.Future<List<LeaseEnvelope>> granted = threads.submit(() -> queue.acquire(
                    new AcquireRequest("worker-1", List.of(CAPABILITY), new TreeMap<>(), 2, Duration.ZERO)));
            while (db.queuedWrites() < 2) {
                Thread.sleep(1);
            }
            release.countDown();
            blocker.get();
            UUID id = dispatched.get();
            List<LeaseEnvelope> leases = granted.get();
            assertThat(leases)
                    .as("both granted, the new one in its dispatch's own transaction")
                    .hasSize(2);

            assertCachedOrAbsentAsStored(id);
            for (LeaseEnvelope lease : leases) {
                queue.complete(new Completion(LeaseRef.of(lease), ok()));
            }
            assertThat(queue.task(id).orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(queue.task(ahead).orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
        }
    }

    // ------------------------------------------------------------------ helpers

    private UUID dispatch(String state) {
        return queue.dispatch(RUN, new StateId(state), 0, request()).taskId();
    }

    private LeaseEnvelope grant() {
        List<LeaseEnvelope> granted =
                queue.acquire(new AcquireRequest("worker-1", List.of(CAPABILITY), new TreeMap<>(), 1, Duration.ZERO));
        assertThat(granted).hasSize(1);
        return granted.getFirst();
    }

    /** The cached row, read on the writer thread (the only thread that touches the cache). */
    private Optional<TaskQueue.TaskInfo> cached(UUID id) {
        return db.write(tx -> queue.cachedRow(id));
    }

    private void assertCachedAsStored(UUID id) {
        assertThat(cached(id)).as("task %s is cached", id).isPresent();
        assertCachedOrAbsentAsStored(id);
    }

    private void assertCachedOrAbsentAsStored(UUID id) {
        Optional<TaskQueue.TaskInfo> cached = cached(id);
        cached.ifPresent(row -> assertThat(row).isEqualTo(queue.task(id).orElseThrow()));
    }

    private static TaskRequest request() {
        return new TaskRequest(
                "work",
                CAPABILITY,
                new TreeMap<>(),
                JsonNodeFactory.instance.objectNode(),
                List.of(),
                Duration.ofMinutes(5),
                new BackoffPolicy.Fixed(Duration.ZERO),
                "pipeline");
    }

    private static TaskOutcome.Succeeded ok() {
        return new TaskOutcome.Succeeded(JsonNodeFactory.instance.objectNode().put("ok", true), List.of());
    }
}
