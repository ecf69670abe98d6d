package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.orchestrator.OrchestratorException;
import dev.cairn.store.sqlite.SqliteDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A submission's acceptance rides along with its run's first append ({@link Acceptances}): one
 * commit holds the runs row and the run's first events, or the submitter writes it alone when the
 * engine is late; either way the answer comes after the run is durable, and a crash anywhere on the
 * way leaves a whole run or none.
 */
class AcceptanceTest {

    static final String ONE_COMMAND =
            """
            op: acceptance
            steps:
              - id: a
                run: echo "$RUN"
            """;

    @TempDir
    Path dir;

    private static List<KernelEvent> kernelEvents(EmbeddedOrchestrator o, String runId) {
        return o.events(runId, 0, 100, Duration.ZERO).stream()
                .map(EventEnvelope::event)
                .filter(e -> e instanceof Event.Kernel)
                .map(e -> ((Event.Kernel) e).event())
                .toList();
    }

    @Test
    void theAnswerComesWithTheRunStartedInTheSameCommitAsItsAcceptance() throws Exception {
        // the engine's first append carries the acceptance, for certain
        try (Harness h = new Harness(dir, b -> b.resumeOnOpen(false).acceptanceWait(Harness.WAIT))) {
            String runId = h.submit(ONE_COMMAND, Map.of());
            // answered: the run's row and its RunStarted are both durable already
            assertThat(h.orchestrator.detail(runId).state()).isIn(RunState.RUNNING, RunState.QUEUED);
            assertThat(kernelEvents(h.orchestrator, runId).getFirst()).isInstanceOf(KernelEvent.RunStarted.class);
            Consistency.assertIndexMatchesLog(h.orchestrator, runId);
            h.commandWorker("w", Map.of());
            assertThat(h.awaitEnd(runId).state()).isEqualTo(RunState.COMPLETED);
        }
    }

    @Test
    void aCarriedAcceptanceWritesItsRowsOnceAsTheRunsFirstEventsLeaveThem() throws Exception {
        // written as accepted, then updated to running in the same commit, the run's row would touch
        // two leaves of runs_by_phase: a WAL frame more in the commit every submission waits for
        try (Harness h = new Harness(dir, b -> b.resumeOnOpen(false).acceptanceWait(Harness.WAIT))) {
            SqliteDatabase db = h.orchestrator.database();
            execute(
                    db,
                    "CREATE TABLE row_writes (run_id TEXT NOT NULL, what TEXT NOT NULL, head_seq INTEGER)",
                    "CREATE TRIGGER runs_inserted AFTER INSERT ON runs BEGIN INSERT INTO row_writes"
                            + " VALUES (NEW.run_id, 'insert ' || NEW.phase, NEW.head_seq); END",
                    "CREATE TRIGGER runs_updated AFTER UPDATE ON runs BEGIN INSERT INTO row_writes"
                            + " VALUES (NEW.run_id, 'update ' || NEW.phase, NEW.head_seq); END",
                    "CREATE TRIGGER steps_updated AFTER UPDATE ON steps BEGIN INSERT INTO row_writes"
                            + " VALUES (NEW.run_id, 'step ' || NEW.status,"
                            + " (SELECT head_seq FROM runs WHERE run_id = NEW.run_id)); END");

            String runId = h.submit(ONE_COMMAND, Map.of());

            record Write(String what, long headSeq) {}
            List<Write> writes = db.read(r -> r.query(
                    "SELECT what, head_seq FROM row_writes WHERE run_id = ? ORDER BY rowid",
                    row -> new Write(row.getString(1), row.getLong(2)),
                    runId));
            assertThat(writes).isNotEmpty();
            Write first = writes.getFirst();
            assertThat(first.what()).isEqualTo("insert running");
            assertThat(first.headSeq())
                    .as("the acceptance's commit holds the run's first events")
                    .isPositive();
            // later appends update the rows; none did within the acceptance's own transaction
            assertThat(writes.subList(1, writes.size()))
                    .allSatisfy(w -> assertThat(w.headSeq()).as(w.what()).isGreaterThan(first.headSeq()));
            Consistency.assertIndexMatchesLog(h.orchestrator, runId);
            h.commandWorker("w", Map.of());
            assertThat(h.awaitEnd(runId).state()).isEqualTo(RunState.COMPLETED);
            Consistency.assertIndexMatchesLog(h.orchestrator, runId);
        }
    }

    @Test
    void theSamePipelineSubmittedAgainDoesNotWriteItsManifestAndSpecAgain() throws Exception {
        try (Harness h = new Harness(dir, b -> b.resumeOnOpen(false).acceptanceWait(Harness.WAIT))) {
            SqliteDatabase db = h.orchestrator.database();
            execute(
                    db,
                    "CREATE TABLE blob_writes (id TEXT NOT NULL, what TEXT NOT NULL)",
                    "CREATE TRIGGER blob_inserted AFTER INSERT ON blobs BEGIN INSERT INTO blob_writes"
                            + " VALUES (NEW.id, 'insert'); END",
                    "CREATE TRIGGER blob_updated AFTER UPDATE ON blobs BEGIN INSERT INTO blob_writes"
                            + " VALUES (NEW.id, 'update'); END");
            String first = h.submit(ONE_COMMAND, Map.of());
            String manifest = h.orchestrator.indexed(first).run().manifestId().orElseThrow();
            List<String> afterFirst = blobWrites(db);
            assertThat(afterFirst).contains(manifest + " insert");

            String second = h.submit(ONE_COMMAND, Map.of());
            assertThat(h.orchestrator.indexed(second).run().manifestId()).contains(manifest);
            List<String> all = blobWrites(db);
            List<String> again = all.subList(afterFirst.size(), all.size());
            // neither the manifest nor the spec (nor any blob the first acceptance wrote) is rewritten
            List<String> firstIds =
                    afterFirst.stream().map(w -> w.split(" ")[0]).toList();
            assertThat(again).noneMatch(w -> firstIds.contains(w.split(" ")[0]));
        }
    }

    /** Runs {@code statements} in one transaction (a test's log table and the triggers that fill it). */
    private static void execute(SqliteDatabase db, String... statements) {
        db.write(tx -> {
            for (String statement : statements) {
                tx.update(statement);
            }
            return null;
        });
    }

    private static List<String> blobWrites(SqliteDatabase db) {
        return db.read(
                r -> r.query("SELECT id || ' ' || what FROM blob_writes ORDER BY rowid", row -> row.getString(1)));
    }

    @Test
    void aSubmitterThatDoesNotWaitForTheEngineAcceptsTheRunItselfAndTheRunStillStarts() throws Exception {
        // the submitter claims the acceptance before the engine's first append
        try (Harness h = new Harness(dir, b -> b.acceptanceWait(Duration.ZERO))) {
            h.commandWorker("w", Map.of());
            List<String> runs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                runs.add(h.submit(ONE_COMMAND, Map.of()));
            }
            for (String runId : runs) {
                assertThat(h.awaitEnd(runId).state()).isEqualTo(RunState.COMPLETED);
                assertThat(kernelEvents(h.orchestrator, runId).getFirst()).isInstanceOf(KernelEvent.RunStarted.class);
                Consistency.assertIndexMatchesLog(h.orchestrator, runId);
            }
        }
    }

    @Test
    void theSameRunIdSubmittedTwiceAtOnceGivesOneRun() throws Exception {
        try (Harness h = new Harness(dir)) {
            h.commandWorker("w", Map.of());
            String runId = UUID.randomUUID().toString();
            PipelineRunRequest request =
                    new PipelineRunRequest(Harness.spec(ONE_COMMAND), new TreeMap<>(), false, Optional.of(runId));
            List<String> answers = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                threads.add(Thread.ofVirtual()
                        .start(() -> answers.add(
                                h.orchestrator.submitPipeline(request).runId())));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(answers).containsExactly(runId, runId, runId, runId);
            assertThat(h.awaitEnd(runId).state()).isEqualTo(RunState.COMPLETED);
            assertThat(h.orchestrator.tasks(runId)).hasSize(1);
            Consistency.assertIndexMatchesLog(h.orchestrator, runId);
        }
    }

    @Test
    void aCrashDuringSubmissionsLeavesEveryAnsweredRunWholeAndNoHalfRun() throws Exception {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        Random random = new Random(seed);
        try (Harness h = new Harness(dir.resolve("home"))) {
            h.commandWorker("w", Map.of());
            Map<String, Boolean> answered = new ConcurrentHashMap<>();
            for (int round = 0; round < 4; round++) {
                EmbeddedOrchestrator current = h.orchestrator;
                Thread submitter = Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 200; i++) {
                        String runId = UUID.randomUUID().toString();
                        answered.put(runId, false);
                        try {
                            current.submitPipeline(new PipelineRunRequest(
                                    Harness.spec(ONE_COMMAND), new TreeMap<>(), false, Optional.of(runId)));
                            answered.put(runId, true);
                        } catch (RuntimeException e) {
                            return; // closed under it: this one may or may not exist
                        }
                    }
                });
                Thread.sleep(5 + random.nextInt(40));
                h.restart();
                submitter.join();
            }
            for (Map.Entry<String, Boolean> run : answered.entrySet()) {
                boolean exists;
                try {
                    h.orchestrator.detail(run.getKey());
                    exists = true;
                } catch (OrchestratorException e) {
                    assertThat(e.code()).isEqualTo(OrchestratorException.RUN_NOT_FOUND);
                    exists = false;
                }
                if (run.getValue()) {
                    assertThat(exists)
                            .as("answered run " + run.getKey() + " (seed " + seed + ")")
                            .isTrue();
                }
                if (exists) {
                    assertThat(h.awaitEnd(run.getKey()).state())
                            .as(run.getKey() + " (seed " + seed + ")")
                            .isEqualTo(RunState.COMPLETED);
                    Consistency.assertIndexMatchesLog(h.orchestrator, run.getKey());
                }
            }
        }
    }
}
