package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepState;
import dev.cairn.contracts.api.StepView;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.LogLevel;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.CompletionResult;
import dev.cairn.runner.api.lease.CompletionStatus;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.HeartbeatAnswer;
import dev.cairn.runner.api.lease.LeaseException;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.LeaseService;
import dev.cairn.runner.api.lease.LogLine;
import dev.cairn.runner.api.lease.TaskOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lease protocol, driven by hand with a manual clock: grants, heartbeats, expiry, fencing. */
class LeaseProtocolTest {

    static final String CAPABILITY = "/test/work/v1";

    static final String ONE_STEP =
            """
            op: leases
            steps:
              - id: work
                capability: /test/work/v1
            """;

    @TempDir
    Path dir;

    static LeaseEnvelope take(LeaseService leases, String worker, Map<String, String> labels) {
        List<LeaseEnvelope> got = leases.acquire(
                new AcquireRequest(worker, List.of(CAPABILITY), new TreeMap<>(labels), 1, Duration.ofSeconds(30)));
        assertThat(got).as("a lease for " + worker).hasSize(1);
        return got.getFirst();
    }

    static List<LeaseEnvelope> poll(LeaseService leases, String worker, Map<String, String> labels) {
        return leases.acquire(new AcquireRequest(worker, List.of(CAPABILITY), new TreeMap<>(labels), 8, Duration.ZERO));
    }

    static TaskOutcome.Succeeded ok(String by) {
        return new TaskOutcome.Succeeded(JsonNodeFactory.instance.objectNode().put("by", by), List.of());
    }

    @Test
    void anExpiredLeaseGoesBackToTheQueueAndTheFirstHoldersLateCallsAreRefused() throws Exception {
        try (Harness h = new Harness(dir)) {
            LeaseService leases = h.orchestrator.leases();
            String runId = h.submit(ONE_STEP);

            LeaseEnvelope first = take(leases, "a", Map.of());
            assertThat(first.task().attempts()).contains(1L);
            assertThat(first.task().maxAttempts()).contains(3L);
            assertThat(first.task().capability()).isEqualTo(CAPABILITY);
            assertThat(first.task().jobId()).contains(UUID.fromString(runId));
            assertThat(first.task().label()).contains("work");
            assertThat(first.leaseExpiresAt()).contains(java.time.Instant.ofEpochMilli(h.clock.nowMillis() + 30_000));
            LeaseRef a = LeaseRef.of(first);

            h.clock.advance(Duration.ofSeconds(20));
            HeartbeatAnswer renewed = leases.heartbeat(new Heartbeat(
                    a,
                    Optional.of(
                            JsonNodeFactory.instance.objectNode().put("done", 1).put("total", 4)),
                    List.of(new LogLine(1, LogLevel.INFO, "stdout", "working"))));
            assertThat(renewed.cancel()).isFalse();
            assertThat(renewed.leaseExpiresAt())
                    .isEqualTo(java.time.Instant.ofEpochMilli(h.clock.nowMillis() + 30_000));
            h.clock.advance(Duration.ofSeconds(20));
            h.orchestrator.sweep(); // renewed: 10 s left
            assertThat(poll(leases, "b", Map.of())).isEmpty();
            StepView running = h.orchestrator.detail(runId).steps().getFirst();
            assertThat(running.state()).isEqualTo(StepState.RUNNING);
            assertThat(running.progress().orElseThrow().get("done").asInt()).isEqualTo(1);
            assertThat(running.total()).contains(4L);
            assertThat(running.logTail()).extracting(LogLine::message).containsExactly("working");

            h.clock.advance(Duration.ofSeconds(11));
            h.orchestrator.sweep();
            assertThat(h.orchestrator.detail(runId).steps().getFirst().state()).isEqualTo(StepState.QUEUED);
            assertThatThrownBy(() -> leases.heartbeat(new Heartbeat(a, Optional.empty(), List.of())))
                    .isInstanceOfSatisfying(
                            LeaseException.class, e -> assertThat(e.code()).isEqualTo("stale_lease"));

            LeaseEnvelope second = take(leases, "b", Map.of());
            assertThat(second.task().id()).isEqualTo(first.task().id());
            assertThat(second.task().attempts()).contains(2L);
            LeaseRef b = LeaseRef.of(second);
            leases.complete(new Completion(b, ok("b")));
            leases.complete(new Completion(b, ok("b again"))); // the same epoch again: harmless
            assertThatThrownBy(() -> leases.complete(new Completion(a, ok("a"))))
                    .isInstanceOfSatisfying(LeaseException.class, e -> {
                        assertThat(e.code()).isEqualTo("stale_lease");
                        assertThat(e.retryable()).isFalse();
                    });
            assertThatThrownBy(() -> leases.heartbeat(new Heartbeat(a, Optional.empty(), List.of())))
                    .isInstanceOfSatisfying(
                            LeaseException.class, e -> assertThat(e.code()).isEqualTo("stale_lease"));
            HeartbeatAnswer late = leases.heartbeat(new Heartbeat(b, Optional.empty(), List.of()));
            assertThat(late.cancel()).isTrue();

            RunDetail detail = h.awaitEnd(runId);
            assertThat(detail.state()).isEqualTo(RunState.COMPLETED);
            List<TaskQueue.TaskInfo> tasks = h.orchestrator.tasks(runId);
            assertThat(tasks).hasSize(1);
            assertThat(tasks.getFirst().status()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(tasks.getFirst().endedEpoch()).contains(2L);
            assertThat(tasks.getFirst().workerId()).contains("b");
            assertThat(Views.outcome(tasks.getFirst()).orElseThrow()).isEqualTo(ok("b"));
            assertThat(h.orchestrator.summary(runId).jobs().getFirst().results())
                    .hasSize(1);
        }
    }

    /**
     * A batch holding a stale epoch, a good completion, an unknown task, the current epoch of the
     * stale one's task and a repeat: recorded together, each answered as a single completion would
     * have been, in order; the stale one's refusal is in its task's history.
     */
    @Test
    void aBatchOfCompletionsIsAnsweredOneByOne() throws Exception {
        try (Harness h = new Harness(dir)) {
            LeaseService leases = h.orchestrator.leases();
            String first = h.submit(ONE_STEP);
            LeaseRef a1 = LeaseRef.of(take(leases, "a", Map.of()));
            h.clock.advance(Duration.ofSeconds(31));
            h.orchestrator.sweep();
            LeaseRef a2 = LeaseRef.of(take(leases, "b", Map.of()));
            assertThat(a2.taskId()).isEqualTo(a1.taskId());
            String second = h.submit(ONE_STEP);
            LeaseRef b1 = LeaseRef.of(take(leases, "b", Map.of()));
            LeaseRef unknown = new LeaseRef(UUID.randomUUID(), 1);

            List<CompletionResult> results = leases.complete(List.of(
                    new Completion(a1, ok("a")),
                    new Completion(b1, ok("b")),
                    new Completion(unknown, ok("nobody")),
                    new Completion(a2, ok("b")),
                    new Completion(b1, ok("b again"))));

            assertThat(results).extracting(CompletionResult::lease).containsExactly(a1, b1, unknown, a2, b1);
            assertThat(results)
                    .extracting(CompletionResult::status)
                    .containsExactly(
                            CompletionStatus.STALE_LEASE,
                            CompletionStatus.DONE,
                            CompletionStatus.UNKNOWN_TASK,
                            CompletionStatus.DONE,
                            CompletionStatus.DONE);
            assertThat(results.getFirst().refusal().orElseThrow().getMessage())
                    .contains("epoch 1")
                    .contains("current epoch 2");
            assertThat(results.get(2).refusal().orElseThrow().code()).isEqualTo(LeaseException.UNKNOWN_TASK);
            assertThat(results.get(1).refusal()).isEmpty();
            for (String runId : List.of(first, second)) {
                assertThat(h.awaitEnd(runId).state()).isEqualTo(RunState.COMPLETED);
                TaskQueue.TaskInfo task = h.orchestrator.tasks(runId).getFirst();
                assertThat(Views.outcome(task).orElseThrow()).isEqualTo(ok("b"));
            }
            assertThat(h.orchestrator.tasks(first).getFirst().endedEpoch()).contains(2L);
            assertThat(h.orchestrator.events(first, 0, 1000, Duration.ZERO).stream()
                            .map(e -> e.event())
                            .filter(e -> e instanceof dev.cairn.machine.events.Event.Domain)
                            .map(e -> ((dev.cairn.machine.events.Event.Domain) e)
                                    .event()
                                    .name())
                            .toList())
                    .containsSubsequence(
                            "task_leased",
                            "task_lease_expired",
                            "task_leased",
                            "task_completion_refused",
                            "task_completed");
            assertThat(leases.complete(List.of())).isEmpty();
        }
    }

    @Test
    void aTaskWhoseLeasesExpireMaxAttemptsTimesFailsItsStep() throws Exception {
        try (Harness h = new Harness(dir, b -> b.maxLeaseAttempts(2))) {
            LeaseService leases = h.orchestrator.leases();
            String runId = h.submit(ONE_STEP);
            for (int epoch = 1; epoch <= 2; epoch++) {
                LeaseEnvelope lease = take(leases, "w" + epoch, Map.of());
                assertThat(lease.task().attempts()).contains((long) epoch);
                h.clock.advance(Duration.ofSeconds(31));
                h.orchestrator.sweep();
            }
            assertThat(poll(leases, "w3", Map.of())).isEmpty();
            RunDetail detail = h.awaitEnd(runId);
            assertThat(detail.state()).isEqualTo(RunState.FAILED);
            StepView step = detail.steps().getFirst();
            assertThat(step.state()).isEqualTo(StepState.FAILED);
            assertThat(step.error().orElseThrow()).contains("expired 2 times");
            assertThat(detail.error().orElseThrow()).contains("step `work` failed");
            assertThat(h.orchestrator.tasks(runId).getFirst().status()).isEqualTo(TaskStatus.FAILED);
        }
    }

    @Test
    void higherPriorityFirstThenFirstInFirstOut() throws Exception {
        try (Harness h = new Harness(dir)) {
            LeaseService leases = h.orchestrator.leases();
            String low = submit(h, 0);
            String high = submit(h, 5);
            String low2 = submit(h, 0);
            for (String run : List.of(low, high, low2)) {
                Harness.await(() -> h.orchestrator.tasks(run).size() == 1, "the task of " + run);
            }
            List<String> order = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                LeaseEnvelope lease = take(leases, "w", Map.of());
                order.add(lease.task().jobId().orElseThrow().toString());
                assertThat(lease.task().priority()).contains(order.getLast().equals(high) ? 5L : 0L);
            }
            assertThat(order).containsExactly(high, low, low2);
        }
    }

    private static String submit(Harness h, long priority) {
        return submit(h, ONE_STEP, priority);
    }

    private static String submit(Harness h, String spec, long priority) {
        return h.orchestrator
                .submitPipeline(dev.cairn.contracts.api.PipelineRunRequest.of(Harness.spec(spec), Map.of()), priority)
                .runId();
    }

    @Test
    void aGrantReadsEachCapabilityInTheReadyIndexsOrderWithoutSortingTheQueue() throws Exception {
        try (Harness h = new Harness(dir)) {
            for (boolean labelled : new boolean[] {false, true}) {
                for (int capabilities = 1; capabilities <= 3; capabilities++) {
                    String sql = TaskQueue.ready(capabilities, labelled);
                    List<String> plan = h.orchestrator
                            .database()
                            .read(r -> r.query("EXPLAIN QUERY PLAN " + sql, row -> row.getString(4)));
                    assertThat(plan.stream().filter(step -> step.contains("USING INDEX tasks_ready")))
                            .as("each capability read through the index: %s", plan)
                            .hasSize(capabilities);
                    assertThat(plan.stream().filter(step -> step.contains("TEMP B-TREE")))
                            .as("a sort of the few rows read only, when there are several capabilities: %s", plan)
                            .hasSize(capabilities == 1 ? 0 : 1);
                }
            }
        }
    }

    @Test
    void aNodeServingSeveralCapabilitiesTakesTheBestOfAllOfThemFirst() throws Exception {
        String other =
                """
                op: other
                steps:
                  - id: work
                    capability: /test/other/v1
                """;
        try (Harness h = new Harness(dir)) {
            LeaseService leases = h.orchestrator.leases();
            String workLow = submit(h, ONE_STEP, 0);
            String otherHigh = submit(h, other, 5);
            String workHigh = submit(h, ONE_STEP, 5);
            String otherLow = submit(h, other, 0);
            for (String run : List.of(workLow, otherHigh, workHigh, otherLow)) {
                Harness.await(() -> h.orchestrator.tasks(run).size() == 1, "the task of " + run);
            }
            List<String> both = List.of(CAPABILITY, "/test/other/v1");

            List<LeaseEnvelope> three =
                    leases.acquire(new AcquireRequest("w", both, new TreeMap<>(), 3, Duration.ZERO));
            // a labelled node takes tasks that require no label too (another form of the same query)
            List<LeaseEnvelope> rest = leases.acquire(
                    new AcquireRequest("w", both, new TreeMap<>(Map.of("pool", "batch")), 3, Duration.ZERO));

            assertThat(three.stream().map(l -> l.task().jobId().orElseThrow().toString()))
                    .as("priority first, across capabilities; first in, first out within one; at most 3")
                    .containsExactly(otherHigh, workHigh, workLow);
            assertThat(rest.stream().map(l -> l.task().jobId().orElseThrow().toString()))
                    .containsExactly(otherLow);
        }
    }

    @Test
    void aTaskGoesOnlyToARunnerCarryingEveryLabelItRequires() throws Exception {
        try (Harness h = new Harness(dir)) {
            LeaseService leases = h.orchestrator.leases();
            String runId = h.submit(
                    """
                    op: labels
                    steps:
                      - id: train
                        capability: /test/work/v1
                        labels: {gpu: a100, pool: batch}
                    """);
            Harness.await(() -> h.orchestrator.tasks(runId).size() == 1, "the task");
            assertThat(poll(leases, "plain", Map.of())).isEmpty();
            assertThat(poll(leases, "other-gpu", Map.of("gpu", "t4", "pool", "batch")))
                    .isEmpty();
            assertThat(poll(leases, "half", Map.of("gpu", "a100"))).isEmpty();
            assertThat(leases.acquire(new AcquireRequest(
                            "wrong-capability",
                            List.of("command"),
                            new TreeMap<>(Map.of("gpu", "a100", "pool", "batch")),
                            1,
                            Duration.ZERO)))
                    .isEmpty();
            List<LeaseEnvelope> got = poll(leases, "right", Map.of("gpu", "a100", "pool", "batch", "zone", "x"));
            assertThat(got).hasSize(1);
            assertThat(got.getFirst()
                            .task()
                            .capabilityFilters()
                            .get("labels")
                            .get("gpu")
                            .asText())
                    .isEqualTo("a100");
        }
    }

    @Test
    void acquireWaitsForWorkAndWakesWhenATaskIsQueued() throws Exception {
        try (Harness h = new Harness(dir)) {
            LeaseService leases = h.orchestrator.leases();
            var waiting = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()
                    .submit(() -> leases.acquire(new AcquireRequest(
                            "patient", List.of(CAPABILITY), new TreeMap<>(), 1, Duration.ofSeconds(60))));
            h.submit(ONE_STEP);
            assertThat(waiting.get()).hasSize(1);
        }
    }

    @Test
    void unknownTasksAndStaleEpochsAreRefusedWithTheirCodes() throws Exception {
        try (Harness h = new Harness(dir)) {
            LeaseService leases = h.orchestrator.leases();
            LeaseRef nobody = new LeaseRef(UUID.randomUUID(), 1);
            assertThatThrownBy(() -> leases.heartbeat(new Heartbeat(nobody, Optional.empty(), List.of())))
                    .isInstanceOfSatisfying(
                            LeaseException.class, e -> assertThat(e.code()).isEqualTo("unknown_task"));
            assertThatThrownBy(() -> leases.complete(new Completion(nobody, ok("x"))))
                    .isInstanceOfSatisfying(
                            LeaseException.class, e -> assertThat(e.code()).isEqualTo("unknown_task"));
            h.submit(ONE_STEP);
            LeaseEnvelope lease = take(leases, "w", Map.of());
            LeaseRef future = new LeaseRef(lease.task().id(), 7);
            assertThatThrownBy(() -> leases.complete(new Completion(future, ok("x"))))
                    .isInstanceOfSatisfying(LeaseException.class, e -> {
                        assertThat(e.code()).isEqualTo("stale_lease");
                        assertThat(e.getMessage()).contains("current epoch 1");
                    });
        }
    }

    @Test
    void aStepShowsItsTaskEndedBeforeTheSlowerStepsOfItsWaveJoin() throws Exception {
        try (Harness h = new Harness(dir)) {
            LeaseService leases = h.orchestrator.leases();
            String runId = h.submit(
                    """
                    op: wave
                    steps:
                      - id: fast
                        capability: /test/work/v1
                      - id: slow
                        capability: /test/work/v1
                    """);
            LeaseEnvelope one = take(leases, "w1", Map.of());
            LeaseEnvelope two = take(leases, "w2", Map.of());
            LeaseEnvelope fast = one.task().label().orElseThrow().equals("fast") ? one : two;
            LeaseEnvelope slow = fast == one ? two : one;
            leases.complete(new Completion(LeaseRef.of(fast), ok("w")));
            var steps = h.orchestrator.detail(runId).steps();
            assertThat(steps).extracting(StepView::state).containsExactly(StepState.COMPLETED, StepState.RUNNING);
            assertThat(steps.getFirst().endedAt()).isPresent();
            assertThat(steps.get(1).endedAt()).isEmpty();
            leases.complete(new Completion(LeaseRef.of(slow), ok("w")));
            assertThat(h.awaitEnd(runId).state()).isEqualTo(RunState.COMPLETED);
        }
    }
}
