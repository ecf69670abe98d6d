package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorCodes;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.StateError;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.events.RunStatus;
import dev.cairn.machine.ids.OpId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.orchestrator.embedded.RunProjection.RunRow;
import dev.cairn.orchestrator.embedded.RunProjection.StepRow;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteEventStore;
import dev.cairn.store.sqlite.SqliteOptions;
import dev.cairn.testkit.contract.SampleEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rows of runs in flight that the projecting store keeps on the writer thread are always what
 * the tables hold, on real SQLite: after appends that commit, after an append rolled back to its
 * savepoint after its fold had changed the rows, after a transaction lost after the append's savepoint
 * was released, and when the
 * sweep changed a row behind the projection's back.
 */
class InFlightRunsTest {

    @TempDir
    Path home;

    private Harness harness;
    private SqliteDatabase db;
    private ProjectingEventStore store;
    private final DispatchStaging staging = new DispatchStaging();
    private final Acceptances acceptances = new Acceptances(Duration.ofMillis(125));
    private final long seed = Long.getLong("cairn.seed", System.nanoTime());
    private final Random random = new Random(seed);

    @BeforeEach
    void open() {
        System.out.println("seed=" + seed);
        harness = new Harness(home);
        db = harness.orchestrator.database();
        OrchestratorOptions options =
                OrchestratorOptions.builder().home(home).clock(harness.clock).build();
        store = new ProjectingEventStore(
                new SqliteEventStore(db),
                new TaskQueue(db, options, new Signal(), TaskQueue.Listener.none()),
                harness.clock,
                new RunSignals(),
                staging,
                acceptances);
    }

    @AfterEach
    void close() throws Exception {
        acceptances.close();
        harness.close();
    }

    @Test
    void appendsThatCommitLeaveTheCacheAsTheTablesAre() {
        RunId run = SampleEvents.runId(random);
        List<EventEnvelope> log = new ArrayList<>();
        append(run, log, started(), entered("a", 0), entered("b", 0));
        assertCacheMatchesTables(run);
        append(run, log, completed("a"), failed("b", true));
        assertCacheMatchesTables(run);
        append(run, log, entered("b", 1), entered("c", 0));
        assertCacheMatchesTables(run);
        assertThat(store.inFlight().peek(run.toString()).steps()).hasSize(3);

        append(run, log, completed("b"), completed("c"), ended(RunStatus.COMPLETED));

        assertThat(store.inFlight().peek(run.toString()))
                .as("an ended run leaves the cache")
                .isNull();
        assertThat(phase(run)).isEqualTo(RunProjection.COMPLETED);
    }

    @Test
    void anAppendRolledBackToItsSavepointAfterItsFoldLeavesTheCacheAsTheTablesAre() {
        RunId run = SampleEvents.runId(random);
        List<EventEnvelope> log = new ArrayList<>();
        append(run, log, started(), entered("a", 0), entered("boom", 0));
        assertCacheMatchesTables(run);
        // a real SQLite failure after the fold changed the rows in memory: saving the step fails
        db.write(tx -> tx.update("CREATE TRIGGER boom BEFORE UPDATE ON steps"
                + " WHEN NEW.state_id = 'op.boom.main' AND NEW.status = 'completed'"
                + " BEGIN SELECT RAISE(ABORT, 'boom'); END"));

        List<EventEnvelope> next = envelopes(run, log.size() + 1, completed("a"), completed("boom"));
        assertThatThrownBy(() -> store.append(run, log.size(), next)).isInstanceOf(StorageException.class);

        assertThat(store.inFlight().peek(run.toString()))
                .as("what the rolled-back fold changed never reaches the cache")
                .isNull();
        assertThat(step(run, "a").status()).isEqualTo(RunProjection.ENTERED);
        db.write(tx -> tx.update("DROP TRIGGER boom"));
        append(run, log, completed("a"), completed("boom"));
        assertCacheMatchesTables(run);
        append(run, log, failed("a", false));
        assertCacheMatchesTables(run);
        assertThat(step(run, "a").failures()).isEqualTo(1);
    }

    @Test
    void aTransactionLostAfterTheAppendsSavepointWasReleasedLeavesTheCacheAsTheTablesAre() throws Exception {
        RunId run = SampleEvents.runId(random);
        List<EventEnvelope> log = new ArrayList<>();
        append(run, log, started(), entered("a", 0));
        assertCacheMatchesTables(run);
        List<EventEnvelope> next = envelopes(run, log.size() + 1, completed("a"), entered("b", 0));
        CountDownLatch writerBusy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> blocker = threads.submit(() -> db.write(tx -> {
                writerBusy.countDown();
                awaitUninterruptibly(release);
                outlastTheLateJoinWindow(); // what queued meanwhile takes the next transaction
                return null;
            }));
            writerBusy.await();
            Future<?> appended = threads.submit(() -> store.append(run, log.size(), next));
            awaitQueued(1);
            // the transaction is lost under the batch after the append's savepoint was released (as
            // SQLite does on an I/O error)
            Future<?> breaking = threads.submit(() -> db.write(tx -> tx.update("ROLLBACK TRANSACTION")));
            awaitQueued(2);
            release.countDown();
            blocker.get();
            for (Future<?> lost : List.of(appended, breaking)) {
                assertThatThrownBy(lost::get).isInstanceOf(ExecutionException.class);
            }
        }

        assertThat(store.inFlight().peek(run.toString()))
                .as("the append took the rows and never put them back")
                .isNull();
        assertThat(step(run, "a").status()).isEqualTo(RunProjection.ENTERED);
        append(run, log, completed("a"), entered("b", 0));
        assertCacheMatchesTables(run);
        assertThat(step(run, "a").status()).isEqualTo(RunProjection.STEP_COMPLETED);
    }

    @Test
    void aRunTheSweepTimedOutEndsTimedOutThoughItsRowsAreCached() {
        RunId run = SampleEvents.runId(random);
        List<EventEnvelope> log = new ArrayList<>();
        append(run, log, started(), entered("a", 0));
        assertThat(store.inFlight().peek(run.toString())).isNotNull();
        db.write(tx -> tx.update(
                "UPDATE runs SET timeout_requested = 1, cancel_requested = 1 WHERE run_id = ?", run.toString()));

        append(run, log, ended(RunStatus.CANCELLED));

        assertThat(phase(run)).isEqualTo(RunProjection.TIMED_OUT);
    }

    @Test
    void aDispatchOfARunAcceptedHereIsNotLookedUpFirstAndStillFindsItsTask() {
        RunId run = SampleEvents.runId(random);
        acceptances.register(pending(run, true));
        List<EventEnvelope> log = new ArrayList<>();
        append(run, log, started()); // carries the acceptance
        assertThat(store.inFlight().peek(run.toString()).acceptedHere()).isTrue();

        DispatchStaging.Staged first = staging.stage(run, state("a"), 0, request());
        append(run, log, entered("a", 0));
        TaskQueue.Dispatch made = staging.resolve(first).orElseThrow();
        // the same dispatch again (as a state run again would make it): its insert finds the task
        DispatchStaging.Staged again = staging.stage(run, state("a"), 0, request());
        append(run, log, entered("b", 0));
        TaskQueue.Dispatch found = staging.resolve(again).orElseThrow();

        assertThat(made.created()).isTrue();
        assertThat(found.created()).isFalse();
        assertThat(found.taskId()).isEqualTo(made.taskId());
        assertThat(harness.orchestrator.tasks(run.toString())).hasSize(1);
        assertCacheMatchesTables(run);
    }

    @Test
    void theLogOfARunIdDrawnHereIsTakenAsEmptyUnreadAndItsFirstAppendStillChecksIt() {
        // a log under the id already: what a collision of drawn ids (74 random bits) would meet
        RunId run = SampleEvents.runId(random);
        List<EventEnvelope> log = new ArrayList<>();
        append(run, log, started(), entered("a", 0));
        Acceptances.Pending drawn = pending(run, true);
        assertThat(acceptances.register(drawn)).isTrue();

        assertThat(store.headSeq(run))
                .as("the engine's start reads no head for an id drawn here")
                .isZero();
        StorageException refused =
                catchThrowableOfType(StorageException.class, () -> store.append(run, 0, envelopes(run, 1, started())));
        assertThat(refused.code()).isEqualTo(ErrorCodes.CODE_EVENT_STORE_CONCURRENCY);
        assertThat(new SqliteEventStore(db).headSeq(run))
                .as("the log is as it was")
                .isEqualTo(2);
        assertThat(store.headSeq(run))
                .as("once the first append claimed the acceptance, the head is read")
                .isEqualTo(2);
        acceptances.remove(drawn);

        Acceptances.Pending given = pending(run, false);
        assertThat(acceptances.register(given)).isTrue();
        assertThat(store.headSeq(run)).as("an id the submitter gave is read").isEqualTo(2);
    }

    // ------------------------------------------------------------------ helpers

    /** A pending acceptance of {@code run}, its id drawn here or given by a submitter. */
    private Acceptances.Pending pending(RunId run, boolean drawnId) {
        return AcceptancesTest.pending(run.toString(), harness.clock.nowMillis(), drawnId);
    }

    private static TaskRequest request() {
        return new TaskRequest(
                "a",
                "/test/in-flight/v1",
                new java.util.TreeMap<>(),
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
                List.of(),
                java.time.Duration.ofMinutes(1),
                new dev.cairn.machine.config.BackoffPolicy.Fixed(java.time.Duration.ZERO),
                "pipeline");
    }

    private void append(RunId run, List<EventEnvelope> log, Event... events) {
        List<EventEnvelope> batch = envelopes(run, log.size() + 1, events);
        store.append(run, log.size(), batch);
        log.addAll(batch);
    }

    private List<EventEnvelope> envelopes(RunId run, long fromSeq, Event... events) {
        List<EventEnvelope> out = new ArrayList<>();
        for (int i = 0; i < events.length; i++) {
            out.add(new EventEnvelope(run, fromSeq + i, Optional.of(1_767_225_600_000L + fromSeq + i), events[i]));
        }
        return out;
    }

    private void assertCacheMatchesTables(RunId run) {
        InFlightRuns.Entry cached = store.inFlight().peek(run.toString());
        assertThat(cached).as("run %s is cached", run).isNotNull();
        EmbeddedOrchestrator.Indexed stored = harness.orchestrator.indexed(run.toString());
        RunRow fromTables = RunIndex.row(stored.run());
        assertThat(cached.run().projected()).isEqualTo(fromTables.projected());
        assertThat(cached.run().createdAt).isEqualTo(fromTables.createdAt);
        assertThat(cached.run().priority).isEqualTo(fromTables.priority);
        assertThat(cached.steps().values().stream()
                        .map(StepRow::projected)
                        .sorted(java.util.Comparator.comparing(StepRow.Projected::stateId))
                        .toList())
                .isEqualTo(stored.steps().stream()
                        .map(s -> RunIndex.row(s).projected())
                        .sorted(java.util.Comparator.comparing(StepRow.Projected::stateId))
                        .toList());
        assertThat(cached.steps().values()).allSatisfy(s -> {
            assertThat(s.dirty).isFalse();
            assertThat(s.inserted).isFalse();
        });
    }

    private void awaitQueued(int writes) throws InterruptedException {
        while (db.queuedWrites() < writes) {
            Thread.sleep(1);
        }
    }

    /** Holds the writer past {@link SqliteOptions#DEFAULT_LATE_JOIN} from its transaction's BEGIN. */
    static void outlastTheLateJoinWindow() {
        long until = System.nanoTime() + 3 * SqliteOptions.DEFAULT_LATE_JOIN.toNanos();
        while (System.nanoTime() < until) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                // the test decides when the writer goes on
            }
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // the test decides when the writer goes on
            }
        }
    }

    private String phase(RunId run) {
        return harness.orchestrator.indexed(run.toString()).run().phase();
    }

    private RunIndex.StepInfo step(RunId run, String name) {
        return harness.orchestrator.indexed(run.toString()).steps().stream()
                .filter(s -> s.stateId().equals(state(name).value()))
                .findFirst()
                .orElseThrow();
    }

    private static StateId state(String name) {
        return StateId.of("op." + name + ".main");
    }

    private static Event started() {
        return new Event.Kernel(new KernelEvent.RunStarted(
                OpId.of("op"), SampleEvents.artifactId("manifest"), SampleEvents.artifactId("initial")));
    }

    private static Event entered(String name, int attempt) {
        return new Event.Kernel(
                new KernelEvent.StateEntered(state(name), attempt, SampleEvents.artifactId("base " + name)));
    }

    private static Event completed(String name) {
        return new Event.Kernel(new KernelEvent.StateCompleted(state(name), SampleEvents.artifactId("ctx " + name)));
    }

    private static Event failed(String name, boolean retryable) {
        return new Event.Kernel(new KernelEvent.StateFailed(
                state(name),
                new StateError(
                        Optional.of(state(name)),
                        ErrorInfo.of("step_failed", ErrorCategory.UNKNOWN, retryable, name + " failed")),
                Optional.empty()));
    }

    private static Event ended(RunStatus status) {
        return new Event.Kernel(new KernelEvent.RunCompleted(status, Optional.empty()));
    }
}
