package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepState;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.HeartbeatAnswer;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.TaskOutcome;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashRecoveryTest {

    @TempDir
    Path dir;

    @Test
    void aStateResumedAfterACrashReattachesToItsTaskAndTheLeaseFromBeforeStillCompletesIt() throws Exception {
        try (Harness h = new Harness(dir)) {
            String runId = h.submit(LeaseProtocolTest.ONE_STEP);
            LeaseEnvelope lease = LeaseProtocolTest.take(h.orchestrator.leases(), "survivor", Map.of());
            LeaseRef ref = LeaseRef.of(lease);

            h.restart();

            Harness.await(() -> h.orchestrator.detail(runId).steps().getFirst().attempt() == 2, "the re-run attempt");
            assertThat(h.orchestrator.detail(runId).steps().getFirst().state()).isEqualTo(StepState.RUNNING);
            HeartbeatAnswer answer = h.orchestrator.leases().heartbeat(new Heartbeat(ref, Optional.empty(), List.of()));
            assertThat(answer.cancel()).isFalse();
            h.orchestrator.leases().complete(new Completion(ref, LeaseProtocolTest.ok("survivor")));

            RunDetail detail = h.awaitEnd(runId);
            assertThat(detail.state()).isEqualTo(RunState.COMPLETED);
            assertThat(detail.steps().getFirst().attempt()).isEqualTo(2);
            List<TaskQueue.TaskInfo> tasks = h.orchestrator.tasks(runId);
            assertThat(tasks).as("one dispatch, re-attached").hasSize(1);
            assertThat(tasks.getFirst().attempts()).as("granted once").isEqualTo(1);
            assertThat(tasks.getFirst().endedEpoch()).contains(1L);
            List<Integer> entered = h.orchestrator.events(runId, 0, 100, Duration.ZERO).stream()
                    .map(EventEnvelope::event)
                    .filter(e -> e instanceof Event.Kernel k && k.event() instanceof KernelEvent.StateEntered)
                    .map(e -> ((KernelEvent.StateEntered) ((Event.Kernel) e).event()).attempt())
                    .toList();
            assertThat(entered).containsExactly(0, 1);
            Consistency.assertIndexMatchesLog(h.orchestrator, runId);
        }
    }

    @Test
    void aTaskAnOlderCairnDispatchedUnderItsHashOnlyIdIsReattachedAfterTheUpgrade() throws Exception {
        try (Harness h = new Harness(dir)) {
            String runId = h.submit(LeaseProtocolTest.ONE_STEP);
            LeaseEnvelope lease = LeaseProtocolTest.take(h.orchestrator.leases(), "survivor", Map.of());
            TaskQueue.TaskInfo task = h.orchestrator.tasks(runId).getFirst();
            UUID legacy =
                    TaskIds.legacyTask(new RunId(UUID.fromString(runId)), new StateId(task.stateId()), task.failures());
            assertThat(task.taskId())
                    .as("ids lead with the run's creation time now")
                    .isNotEqualTo(legacy);

            // the database as the Cairn before time-ordered task ids left it
            h.orchestrator.close();
            try (SqliteDatabase db = SqliteDatabase.open(
                    SqliteOptions.builder(dir.resolve("cairn.db")).build())) {
                db.write(tx -> {
                    tx.update(
                            "UPDATE tasks SET task_id = ? WHERE task_id = ?",
                            legacy.toString(),
                            task.taskId().toString());
                    return tx.update(
                            "UPDATE leases SET task_id = ? WHERE task_id = ?",
                            legacy.toString(),
                            task.taskId().toString());
                });
            }
            h.open();

            Harness.await(() -> h.orchestrator.detail(runId).steps().getFirst().attempt() == 2, "the re-run attempt");
            LeaseRef ref = new LeaseRef(legacy, LeaseRef.of(lease).epoch());
            h.orchestrator.leases().complete(new Completion(ref, LeaseProtocolTest.ok("survivor")));

            assertThat(h.awaitEnd(runId).state()).isEqualTo(RunState.COMPLETED);
            assertThat(h.orchestrator.tasks(runId))
                    .as("the old task re-attached, none dispatched again")
                    .extracting(TaskQueue.TaskInfo::taskId)
                    .containsExactly(legacy);
            Consistency.assertIndexMatchesLog(h.orchestrator, runId);
        }
    }

    @Test
    void aRunAcceptedButNotStartedBeforeACrashStartsAfterIt() throws Exception {
        Harness h = new Harness(dir, b -> b.resumeOnOpen(false));
        String runId = h.submit(LeaseProtocolTest.ONE_STEP);
        h.orchestrator.close();
        try (Harness again = new Harness(dir)) {
            LeaseEnvelope lease = LeaseProtocolTest.take(again.orchestrator.leases(), "w", Map.of());
            again.orchestrator.leases().complete(new Completion(LeaseRef.of(lease), LeaseProtocolTest.ok("w")));
            assertThat(again.awaitEnd(runId).state()).isEqualTo(RunState.COMPLETED);
        }
    }

    static final String LEDGER_PIPELINE =
            """
            op: ledger
            settings: {mode: parallel, max_concurrency: 3}
            env: {LEDGER: "%s", RUN: "%s"}
            steps:
              - id: a
                run: echo "$RUN a" >> "$LEDGER" && mkdir -p o && echo a > o/a.txt
                outputs: [o/a.txt]
              - id: b1
                needs: [a]
                inputs: [{step: a}]
                run: echo "$RUN b1" >> "$LEDGER" && cat o/a.txt > o/b1.txt
                outputs: [o/b1.txt]
              - id: b2
                needs: [a]
                run: echo "$RUN b2" >> "$LEDGER" && mkdir -p o && echo b2 > o/b2.txt
                outputs: [o/b2.txt]
              - id: b3
                needs: [a]
                run: echo "$RUN b3" >> "$LEDGER"
              - id: c
                needs: [b1, b2, b3]
                inputs: [{step: b1}, {step: b2}]
                run: echo "$RUN c" >> "$LEDGER" && cat o/b1.txt o/b2.txt
            """;

    @Test
    void theRunsIndexMatchesTheLogAfterRandomCrashesAndNoStepRunsTwice() throws Exception {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        Random random = new Random(seed);
        Path ledger = dir.resolve("ledger.txt");
        Files.createFile(ledger);
        try (Harness h = new Harness(dir.resolve("home"))) {
            h.commandWorker("w1", Map.of());
            h.commandWorker("w2", Map.of());
            List<String> runs = new ArrayList<>();
            for (int round = 0; round < 6; round++) {
                String tag = "r" + round;
                runs.add(h.submit(LEDGER_PIPELINE.formatted(ledger, tag)));
                Thread.sleep(random.nextInt(60));
                h.restart();
                for (String run : runs) {
                    Consistency.assertIndexMatchesLog(h.orchestrator, run);
                }
            }
            for (String run : runs) {
                RunDetail end = h.awaitEnd(run);
                assertThat(end.state()).as(run + " (seed " + seed + "): " + end).isEqualTo(RunState.COMPLETED);
                Consistency.assertIndexMatchesLog(h.orchestrator, run);
                assertThat(h.orchestrator.tasks(run))
                        .as("one task per step of " + run + " (seed " + seed + ")")
                        .hasSize(5)
                        .allSatisfy(t -> assertThat(t.status()).isEqualTo(TaskStatus.SUCCEEDED));
            }
            Map<String, Long> executions = Files.readAllLines(ledger, StandardCharsets.UTF_8).stream()
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(executions)
                    .as("each step of each run ran once (seed " + seed + ")")
                    .hasSize(6 * 5);
            assertThat(executions.values()).allSatisfy(n -> assertThat(n).isEqualTo(1L));
        }
    }

    @Test
    void aTaskCompletedWhileTheOrchestratorWasDownIsReadOnResume() throws Exception {
        try (Harness h = new Harness(dir)) {
            String runId = h.submit(LeaseProtocolTest.ONE_STEP);
            LeaseEnvelope lease = LeaseProtocolTest.take(h.orchestrator.leases(), "w", Map.of());
            Harness.await(() -> h.orchestrator.detail(runId).steps().getFirst().state() == StepState.RUNNING, "run");
            EmbeddedOrchestrator before = h.orchestrator;
            before.close();
            h.open();
            h.orchestrator
                    .leases()
                    .complete(new Completion(
                            LeaseRef.of(lease),
                            new TaskOutcome.Succeeded(JsonNodeFactory.instance.objectNode(), List.of())));
            assertThat(h.awaitEnd(runId).state()).isEqualTo(RunState.COMPLETED);
            assertThat(h.orchestrator.tasks(runId)).hasSize(1);
        }
    }

    @Test
    void resumeContinuesARunNobodyIsExecuting() throws Exception {
        try (Harness h = new Harness(dir, b -> b.resumeOnOpen(false))) {
            String runId = h.submit(LeaseProtocolTest.ONE_STEP);
            LeaseEnvelope lease = LeaseProtocolTest.take(h.orchestrator.leases(), "w", Map.of());
            h.restart();
            assertThat(h.orchestrator.detail(runId).steps().getFirst().attempt())
                    .isEqualTo(1);
            assertThat(h.orchestrator.resume(runId).state()).isEqualTo(RunState.RUNNING);
            Harness.await(() -> h.orchestrator.detail(runId).steps().getFirst().attempt() == 2, "the re-run");
            assertThat(h.orchestrator.resume(runId).state())
                    .as("a running run is left as is")
                    .isEqualTo(RunState.RUNNING);
            h.orchestrator.leases().complete(new Completion(LeaseRef.of(lease), LeaseProtocolTest.ok("w")));
            assertThat(h.awaitEnd(runId).state()).isEqualTo(RunState.COMPLETED);
            assertThat(h.orchestrator.resume(runId).state()).isEqualTo(RunState.COMPLETED);
            assertThat(h.orchestrator.tasks(runId)).hasSize(1);
        }
    }
}
