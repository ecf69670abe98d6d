package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.contracts.RunState;
import dev.cairn.contracts.RunnerStatus;
import dev.cairn.contracts.api.ReplayResult;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepState;
import dev.cairn.contracts.api.StepView;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.events.RunStatus;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.orchestrator.OrchestratorException;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.LeaseException;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.LeaseService;
import dev.cairn.runner.api.lease.TaskOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cancel, retries, timeouts and replay. */
class RunControlTest {

    @TempDir
    Path dir;

    static final String TWO_STEPS =
            """
            op: cancel
            steps:
              - id: work
                capability: /test/work/v1
              - id: after
                needs: [work]
                capability: /test/work/v1
            """;

    private static KernelEvent lastKernel(Harness h, String runId) {
        List<EventEnvelope> events = h.orchestrator.events(runId, 0, 1000, Duration.ZERO);
        return ((Event.Kernel) events.getLast().event()).event();
    }

    @Test
    void cancellingARunningRunReachesItsRunnerThroughTheHeartbeatAndEndsTheRunCancelled() throws Exception {
        try (Harness h = new Harness(dir)) {
            LeaseService leases = h.orchestrator.leases();
            String runId = h.submit(TWO_STEPS);
            LeaseEnvelope lease = LeaseProtocolTest.take(leases, "w", Map.of());
            LeaseRef ref = LeaseRef.of(lease);
            assertThat(leases.heartbeat(new Heartbeat(ref, Optional.empty(), List.of()))
                            .cancel())
                    .isFalse();

            h.orchestrator.cancel(runId);

            assertThat(leases.heartbeat(new Heartbeat(ref, Optional.empty(), List.of()))
                            .cancel())
                    .isTrue();
            leases.complete(new Completion(ref, new TaskOutcome.Cancelled()));
            RunDetail detail = h.awaitEnd(runId);
            assertThat(detail.state()).isEqualTo(RunState.FAILED);
            assertThat(detail.error()).contains("cancelled");
            assertThat(detail.steps())
                    .extracting(StepView::state)
                    .containsExactly(StepState.CANCELLED, StepState.CANCELLED);
            assertThat(lastKernel(h, runId))
                    .isInstanceOfSatisfying(KernelEvent.RunCompleted.class, c -> assertThat(c.status())
                            .isEqualTo(RunStatus.CANCELLED));
            assertThat(h.orchestrator.tasks(runId)).singleElement().satisfies(t -> assertThat(t.status())
                    .isEqualTo(TaskStatus.CANCELLED));
            assertThat(h.orchestrator.summary(runId).jobs().getFirst().results())
                    .extracting(r -> r.status())
                    .as("the step that never started has no outcome")
                    .containsExactly(RunnerStatus.ERROR);
            assertThat(h.orchestrator.cancel(runId).state())
                    .as("cancelling again changes nothing")
                    .isEqualTo(RunState.FAILED);
            Consistency.assertIndexMatchesLog(h.orchestrator, runId);
        }
    }

    @Test
    void cancellingARunWhoseTaskWaitsForARunnerCancelsTheTaskAtOnce() throws Exception {
        try (Harness h = new Harness(dir)) {
            String runId = h.submit(TWO_STEPS);
            Harness.await(() -> h.orchestrator.tasks(runId).size() == 1, "the task");
            h.orchestrator.cancel(runId);
            RunDetail detail = h.awaitEnd(runId);
            assertThat(detail.steps().getFirst().state()).isEqualTo(StepState.CANCELLED);
            assertThat(h.orchestrator.tasks(runId).getFirst().status()).isEqualTo(TaskStatus.CANCELLED);
            assertThat(LeaseProtocolTest.poll(h.orchestrator.leases(), "late", Map.of()))
                    .isEmpty();
        }
    }

    @Test
    void cancellingARunNobodyExecutesResumesItToCancelIt() throws Exception {
        try (Harness h = new Harness(dir, b -> b.resumeOnOpen(false))) {
            String runId = h.submit(TWO_STEPS);
            LeaseEnvelope lease = LeaseProtocolTest.take(h.orchestrator.leases(), "w", Map.of());
            h.restart(); // the run is left as its log says: nobody executes it
            h.orchestrator.cancel(runId);
            LeaseRef ref = LeaseRef.of(lease);
            assertThat(h.orchestrator
                            .leases()
                            .heartbeat(new Heartbeat(ref, Optional.empty(), List.of()))
                            .cancel())
                    .isTrue();
            h.orchestrator.leases().complete(new Completion(ref, new TaskOutcome.Cancelled()));
            assertThat(h.awaitEnd(runId).error()).contains("cancelled");
            assertThat(lastKernel(h, runId))
                    .isInstanceOfSatisfying(KernelEvent.RunCompleted.class, c -> assertThat(c.status())
                            .isEqualTo(RunStatus.CANCELLED));
        }
    }

    @Test
    void aCancelRequestIsCarriedOutEvenWhenTheOrchestratorStopsRightAfterIt() throws Exception {
        Harness first = new Harness(dir, b -> b.resumeOnOpen(false));
        String runId = first.submit(TWO_STEPS);
        LeaseEnvelope lease = LeaseProtocolTest.take(first.orchestrator.leases(), "w", Map.of());
        first.restart();
        first.orchestrator.cancel(runId); // durable; the execution it starts may or may not get far
        first.orchestrator.close();
        try (Harness h = new Harness(dir)) {
            LeaseRef ref = LeaseRef.of(lease);
            assertThat(h.orchestrator
                            .leases()
                            .heartbeat(new Heartbeat(ref, Optional.empty(), List.of()))
                            .cancel())
                    .isTrue();
            h.orchestrator.leases().complete(new Completion(ref, new TaskOutcome.Cancelled()));
            assertThat(h.awaitEnd(runId).error()).contains("cancelled");
            assertThat(lastKernel(h, runId))
                    .isInstanceOfSatisfying(KernelEvent.RunCompleted.class, c -> assertThat(c.status())
                            .isEqualTo(RunStatus.CANCELLED));
            Consistency.assertIndexMatchesLog(h.orchestrator, runId);
        }
    }

    @Test
    void aFailedAttemptIsRetriedWithANewTaskAfterTheStepsBackoff() throws Exception {
        try (Harness h = new Harness(dir)) {
            LeaseService leases = h.orchestrator.leases();
            String runId = h.submit(
                    """
                    op: retry
                    steps:
                      - id: flaky
                        capability: /test/work/v1
                        retry: {attempts: 3, backoff: fixed, delay: 5s}
                    """);
            LeaseEnvelope first = LeaseProtocolTest.take(leases, "w", Map.of());
            leases.complete(new Completion(
                    LeaseRef.of(first), new TaskOutcome.Failed("upstream_busy", "the service said 503", true)));
            Harness.await(() -> h.orchestrator.tasks(runId).size() == 2, "the retry's task");
            assertThat(LeaseProtocolTest.poll(leases, "w", Map.of()))
                    .as("not before the backoff")
                    .isEmpty();
            StepView waiting = h.orchestrator.detail(runId).steps().getFirst();
            assertThat(waiting.state()).isEqualTo(StepState.RETRYING);
            assertThat(waiting.attempt()).isEqualTo(2);

            h.clock.advance(Duration.ofSeconds(5));
            LeaseEnvelope second = LeaseProtocolTest.take(leases, "w", Map.of());
            assertThat(second.task().id()).isNotEqualTo(first.task().id());
            assertThat(second.task().attempts()).as("a new task's first grant").contains(1L);
            leases.complete(new Completion(LeaseRef.of(second), LeaseProtocolTest.ok("w")));

            RunDetail detail = h.awaitEnd(runId);
            assertThat(detail.state()).isEqualTo(RunState.COMPLETED);
            assertThat(detail.steps().getFirst().attempt()).isEqualTo(2);
            assertThat(h.orchestrator.tasks(runId))
                    .extracting(TaskQueue.TaskInfo::failures)
                    .containsExactly(0, 1);

            // each attempt's dispatch is keyed by its number, and no nonce is drawn for it
            List<String> log = h.orchestrator.events(runId, 0, 1_000, Duration.ZERO).stream()
                    .map(e -> Wire.write(e.event()))
                    .toList();
            assertThat(log)
                    .filteredOn(e -> e.contains("cairn:task|state:retry.flaky.main|dispatch:"))
                    .hasSize(2)
                    .anySatisfy(e -> assertThat(e).contains("dispatch:attempt-0\""))
                    .anySatisfy(e -> assertThat(e).contains("dispatch:attempt-1\""));
            assertThat(log).noneMatch(e -> e.contains("cairn:random_bytes"));
            // the replay reproduces the second attempt under its number, so it finds its result
            ReplayResult replay = h.orchestrator.replay(runId);
            assertThat(replay.verified()).as(replay.message()).isTrue();
            assertThat(h.orchestrator.tasks(replay.replayRunId())).isEmpty();
        }
    }

    @Test
    void aCommandThatExitsNonZeroFailsItsStepOnceItsAttemptsAreSpent() throws Exception {
        try (Harness h = new Harness(dir)) {
            h.commandWorker("w", Map.of());
            String runId = h.submit(
                    """
                    op: exits
                    steps:
                      - id: broken
                        run: echo "attempt"; exit 3
                        retry: {attempts: 2, backoff: fixed}
                      - id: never
                        needs: [broken]
                        run: echo unreachable
                    """);
            RunDetail detail = h.awaitEnd(runId);
            assertThat(detail.state()).isEqualTo(RunState.FAILED);
            StepView broken = detail.steps().getFirst();
            assertThat(broken.state()).isEqualTo(StepState.FAILED);
            assertThat(broken.attempt()).isEqualTo(2);
            assertThat(broken.exitCode()).contains(3);
            assertThat(broken.error()).contains("step `broken` exited with status 3");
            assertThat(detail.steps().get(1).state()).isEqualTo(StepState.CANCELLED);
            assertThat(h.orchestrator.tasks(runId)).hasSize(2);
            assertThat(h.orchestrator.summary(runId).jobs().getFirst().results())
                    .extracting(r -> r.status())
                    .containsExactly(RunnerStatus.FAIL);
        }
    }

    @Test
    void aSideEffectWithoutAnIdempotencyKeyIsNotRetried() throws Exception {
        try (Harness h = new Harness(dir)) {
            h.commandWorker("w", Map.of());
            String runId = h.submit(
                    """
                    op: deploys
                    steps:
                      - id: deploy
                        run: exit 1
                        side_effect: apply_side_effect
                        retry: {attempts: 3, backoff: fixed}
                    """);
            RunDetail detail = h.awaitEnd(runId);
            assertThat(detail.state()).isEqualTo(RunState.FAILED);
            assertThat(detail.steps().getFirst().attempt()).isEqualTo(1);
            assertThat(h.orchestrator.tasks(runId)).hasSize(1);
        }
    }

    @Test
    void theOrchestratorEndsATaskThatOutrunsItsTimeout() throws Exception {
        try (Harness h = new Harness(dir, b -> b.timeoutGrace(Duration.ofSeconds(5)))) {
            LeaseService leases = h.orchestrator.leases();
            String runId = h.submit(
                    """
                    op: slow
                    steps:
                      - id: slow
                        capability: /test/work/v1
                        timeout: 10s
                    """);
            LeaseEnvelope lease = LeaseProtocolTest.take(leases, "w", Map.of());
            LeaseRef ref = LeaseRef.of(lease);
            h.clock.advance(Duration.ofSeconds(10));
            leases.heartbeat(new Heartbeat(ref, Optional.empty(), List.of()));
            h.orchestrator.sweep();
            assertThat(h.orchestrator.tasks(runId).getFirst().status()).isEqualTo(TaskStatus.LEASED);
            h.clock.advance(Duration.ofSeconds(5));
            h.orchestrator.sweep();
            assertThatThrownBy(() -> leases.heartbeat(new Heartbeat(ref, Optional.empty(), List.of())))
                    .isInstanceOfSatisfying(
                            LeaseException.class, e -> assertThat(e.code()).isEqualTo("stale_lease"));
            RunDetail detail = h.awaitEnd(runId);
            assertThat(detail.state()).isEqualTo(RunState.FAILED);
            assertThat(detail.steps().getFirst().error().orElseThrow()).contains("ran longer than its timeout");
            assertThatThrownBy(() -> leases.complete(new Completion(ref, LeaseProtocolTest.ok("late"))))
                    .isInstanceOfSatisfying(
                            LeaseException.class, e -> assertThat(e.code()).isEqualTo("stale_lease"));
        }
    }

    @Test
    void replayVerifiesAFinishedRunFromItsFactsWithoutDispatchingAnyTask() throws Exception {
        try (Harness h = new Harness(dir)) {
            ArtifactId names = h.orchestrator
                    .artifacts()
                    .put(new ArtifactKind.Output(), "Ada\nGrace\n".getBytes(StandardCharsets.UTF_8));
            TestWorker worker = h.commandWorker("w", Map.of());
            String runId = h.submit(PipelineRunTest.FAN_OUT.formatted(names.value()));
            assertThat(h.awaitEnd(runId).state()).isEqualTo(RunState.COMPLETED);
            worker.close();
            int tasks = h.orchestrator.tasks(runId).size();

            assertThatThrownBy(() -> h.orchestrator.replay(h.submit(LeaseProtocolTest.ONE_STEP)))
                    .isInstanceOfSatisfying(OrchestratorException.class, e -> assertThat(e.code())
                            .isEqualTo("run_not_finished"));

            ReplayResult replay = h.orchestrator.replay(runId);
            assertThat(replay.verified()).as(replay.message()).isTrue();
            assertThat(replay.divergedState()).isEmpty();
            assertThat(replay.runId()).isEqualTo(runId);
            assertThat(replay.replayRunId()).isNotEqualTo(runId);
            assertThat(replay.message()).contains("replayed 5 states");
            assertThat(h.orchestrator.tasks(runId)).hasSize(tasks);
            assertThat(h.orchestrator.tasks(replay.replayRunId())).isEmpty();
            RunDetail replayed = h.orchestrator.detail(replay.replayRunId());
            assertThat(replayed.state()).isEqualTo(RunState.COMPLETED);
            assertThat(replayed.steps())
                    .extracting(StepView::stepId)
                    .containsExactly("split", "greet_1", "greet_2", "tool", "join");
            assertThat(replayed.steps()).allSatisfy(s -> assertThat(s.state()).isEqualTo(StepState.COMPLETED));
            assertThat(h.orchestrator
                            .runs(dev.cairn.orchestrator.api.RunQuery.firstPage(10))
                            .runs())
                    .extracting(r -> r.runId())
                    .contains(replay.replayRunId());
        }
    }
}
