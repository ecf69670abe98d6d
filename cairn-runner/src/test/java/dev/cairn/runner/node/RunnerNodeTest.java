package dev.cairn.runner.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.InputFile;
import dev.cairn.executor.protocol.StepResult;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.runner.api.LogLevel;
import dev.cairn.runner.api.RunnerException;
import dev.cairn.runner.api.TaskSpec;
import dev.cairn.runner.api.examples.HelloRunner;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.HeartbeatAnswer;
import dev.cairn.runner.api.lease.LeaseException;
import dev.cairn.runner.api.lease.LeaseService;
import dev.cairn.runner.api.lease.OutputArtifact;
import dev.cairn.runner.api.lease.TaskOutcome;
import dev.cairn.runner.node.command.ProcessCommandExecutor;
import dev.cairn.runner.node.command.ProcessCommandOptions;
import dev.cairn.runner.node.testing.EchoTestRunner;
import dev.cairn.runner.node.testing.InMemoryLeaseService;
import dev.cairn.runner.node.testing.LambdaRunner;
import dev.cairn.runner.node.testing.Pids;
import dev.cairn.runner.node.testing.Tasks;
import dev.cairn.testkit.InMemoryArtifactStore;
import dev.cairn.workspace.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node taking real leases from an in-memory lease service and running real runners and processes. */
class RunnerNodeTest {

    @TempDir
    Path dir;

    private final InMemoryArtifactStore store = new InMemoryArtifactStore();
    private final InMemoryLeaseService leases = new InMemoryLeaseService(Duration.ofSeconds(3));
    private final List<RunnerNode> nodes = new ArrayList<>();

    @AfterEach
    void tearDown() {
        nodes.forEach(RunnerNode::close);
    }

    private RunnerNodeOptions.Builder options() {
        return RunnerNodeOptions.builder()
                .workerId("test-node")
                .concurrency(4)
                .acquireWait(Duration.ofMillis(200))
                .logFlushInterval(Duration.ofMillis(50))
                .shutdownGrace(Duration.ofSeconds(5))
                .backoff(new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)))
                .workRoot(dir.resolve("node"));
    }

    private RunnerRegistry.Builder registry() {
        return RunnerRegistry.builder()
                .builtIns(ProcessCommandExecutor.create(ProcessCommandOptions.defaults()
                        .withWorkRoot(dir.resolve("commands"))
                        .withTerminateGrace(Duration.ofMillis(200))));
    }

    private RunnerNode start(LeaseService service, RunnerRegistry registry, RunnerNodeOptions options) {
        RunnerNode node = RunnerNode.start(service, store, registry, options);
        nodes.add(node);
        return node;
    }

    private RunnerNode start() {
        return start(leases, registry().discover().build(), options().build());
    }

    private static StepResult stepResult(Completion completion) {
        assertThat(completion.outcome()).isInstanceOf(TaskOutcome.Succeeded.class);
        return Wire.fromTree(((TaskOutcome.Succeeded) completion.outcome()).result(), StepResult.class);
    }

    @Test
    void runsTheHelloRunnerEndToEnd() {
        start();
        ArtifactId input = store.put(new ArtifactKind.Output(), "hello, cairn".getBytes(StandardCharsets.UTF_8));
        UUID task = leases.submit(Tasks.of(HelloRunner.CAPABILITY, null, input.value()));

        Completion completion = leases.awaitCompletion(task);

        assertThat(completion.lease().epoch()).isEqualTo(1);
        TaskOutcome.Succeeded ok = (TaskOutcome.Succeeded) completion.outcome();
        assertThat(ok.outputs())
                .containsExactly(new OutputArtifact(HelloRunner.OUTPUT_KEY, input.value(), MediaTypes.DEFAULT, 12));
        assertThat(ok.result()).hasToString("{\"status\":\"finished\"}");
        assertThat(leases.worker(task)).contains("test-node");
    }

    @Test
    void runsARunnerFoundByServiceLoader() {
        start();
        UUID task = leases.submit(Tasks.of(
                EchoTestRunner.CAPABILITY, JsonNodeFactory.instance.objectNode().put("text", "discovered")));

        TaskOutcome.Succeeded ok =
                (TaskOutcome.Succeeded) leases.awaitCompletion(task).outcome();

        assertThat(ok.outputs()).singleElement().satisfies(o -> {
            assertThat(o.key()).isEqualTo("echo.txt");
            assertThat(store.get(new ArtifactId(o.artifactId()))).asString().isEqualTo("discovered");
        });
        assertThat(ok.result()).hasToString("{\"echoed\":\"discovered\"}");
    }

    @Test
    void runsACommandTaskEndToEndWithInputsOutputsLogsAndProgress() {
        start();
        String data = store.put(new ArtifactKind.Output(), "3\n1\n2\n".getBytes(StandardCharsets.UTF_8))
                .value();
        UUID task = leases.submit(Tasks.command(
                CommandStep.script("sort numbers.txt > sorted.txt; echo sorted; echo warning >&2")
                        .output("sorted.txt")
                        .build(),
                new InputFile("numbers.txt", data, false)));

        Completion completion = leases.awaitCompletion(task);

        StepResult result = stepResult(completion);
        assertThat(result.exitCode()).isZero();
        assertThat(result.artifacts()).singleElement().satisfies(a -> {
            assertThat(a.key()).isEqualTo("sorted.txt");
            assertThat(a.sizeBytes()).isEqualTo(6);
            assertThat(a.mime()).isEqualTo("text/plain");
        });
        OutputArtifact output =
                ((TaskOutcome.Succeeded) completion.outcome()).outputs().getFirst();
        assertThat(store.get(new ArtifactId(output.artifactId()))).asString().isEqualTo("1\n2\n3\n");
        List<Heartbeat> beats = leases.heartbeats(task);
        assertThat(Tasks.lines(beats, "stdout")).containsExactly("sorted");
        assertThat(Tasks.lines(beats, "stderr")).containsExactly("warning");
        assertThat(beats).allSatisfy(h -> assertThat(h.lease().epoch()).isEqualTo(1));
    }

    @Test
    void heartbeatsCarryProgressAndLogLinesWhileTheRunnerRuns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        LambdaRunner chatty = new LambdaRunner("/test/chatty/v1", ctx -> {
            ctx.ctrl()
                    .progress(
                            JsonNodeFactory.instance.objectNode().put("done", 1).put("total", 3));
            ctx.ctrl().log(LogLevel.INFO, "first");
            ctx.ctrl()
                    .logEvent(JsonNodeFactory.instance
                            .objectNode()
                            .put("level", "error")
                            .put("message", "second"));
            release.await();
            ctx.ctrl()
                    .progress(
                            JsonNodeFactory.instance.objectNode().put("done", 3).put("total", 3));
        });
        start(leases, RunnerRegistry.builder().add(chatty).build(), options().build());
        UUID task = leases.submit(Tasks.of("/test/chatty/v1", null));

        leases.awaitHeartbeat(task, hs -> Tasks.messages(hs).contains("second"), "both log lines");
        List<Heartbeat> beats = leases.heartbeats(task);
        assertThat(beats)
                .flatMap(Heartbeat::logs)
                .extracting(l -> l.level() + " " + l.stream() + " " + l.message())
                .containsExactly("INFO runner first", "ERROR runner second");
        assertThat(beats.stream().flatMap(h -> h.progress().stream())).first().hasToString("{\"done\":1,\"total\":3}");
        release.countDown();

        TaskOutcome.Succeeded ok =
                (TaskOutcome.Succeeded) leases.awaitCompletion(task).outcome();
        assertThat(ok.result()).hasToString("{\"done\":3,\"total\":3}");
    }

    @Test
    void aCancelInTheHeartbeatAnswerStopsACommandAndItsProcessTree() throws Exception {
        start();
        Path pids = dir.resolve("pids");
        UUID task = leases.submit(Tasks.command(
                CommandStep.script("sleep 300 & echo $! >> " + pids + "; echo $$ >> " + pids + "; echo running; wait")
                        .build()));
        List<Long> started = Pids.await(pids, 2);
        leases.awaitHeartbeat(task, hs -> Tasks.messages(hs).contains("running"), "the command's first line");

        leases.cancel(task);
        Completion completion = leases.awaitCompletion(task);

        assertThat(completion.outcome()).isEqualTo(new TaskOutcome.Cancelled());
        assertThat(started).noneMatch(Pids::alive);
        awaitIdle(nodes.getFirst());
        assertThat(dir.resolve("commands")).isEmptyDirectory();
    }

    @Test
    void aLostLeaseIsAbandonedWithoutCompletingAndTheCommandIsStopped() throws Exception {
        RunnerNode node = start();
        Path pids = dir.resolve("pids");
        UUID task = leases.submit(
                Tasks.command(CommandStep.script("sleep 300 & echo $! >> " + pids + "; echo $$ >> " + pids + "; wait")
                        .build()));
        List<Long> started = Pids.await(pids, 2);

        leases.revoke(task); // the lease expired and went to another worker
        awaitIdle(node);

        assertThat(leases.completions(task)).isEmpty();
        assertThat(started).noneMatch(Pids::alive);
    }

    @Test
    void aTimeoutFailsTheTaskRetryablyAndKillsTheTree() throws Exception {
        start();
        Path pids = dir.resolve("pids");
        UUID task = leases.submit(
                Tasks.command(CommandStep.script("sleep 300 & echo $! >> " + pids + "; echo $$ >> " + pids + "; wait")
                        .timeout(Duration.ofSeconds(2))
                        .build()));

        Completion completion = leases.awaitCompletion(task);

        assertThat(completion.outcome()).isInstanceOfSatisfying(TaskOutcome.Failed.class, f -> {
            assertThat(f.code()).isEqualTo("command_timeout");
            assertThat(f.retryable()).isTrue();
        });
        assertThat(Pids.await(pids, 2)).noneMatch(Pids::alive);
        assertThat(Tasks.messages(leases.heartbeats(task))).anyMatch(m -> m.contains("timeout"));
    }

    @Test
    void runnerFailuresBecomeFailedOutcomes() {
        LambdaRunner typed = new LambdaRunner("/test/typed/v1", ctx -> {
            throw RunnerException.failed("the model did not converge", true);
        });
        LambdaRunner buggy = new LambdaRunner("/test/buggy/v1", ctx -> {
            throw new IllegalStateException("oops");
        });
        start(
                leases,
                RunnerRegistry.builder().add(typed).add(buggy).build(),
                options().build());
        UUID t1 = leases.submit(Tasks.of("/test/typed/v1", null));
        UUID t2 = leases.submit(Tasks.of("/test/buggy/v1", null));
        UUID t3 = leases.submit(Tasks.command(CommandStep.argv("true").build()));

        assertThat(leases.awaitCompletion(t1).outcome())
                .isEqualTo(new TaskOutcome.Failed("runner_failed", "the model did not converge", true));
        assertThat(leases.awaitCompletion(t2).outcome()).isInstanceOfSatisfying(TaskOutcome.Failed.class, f -> {
            assertThat(f.code()).isEqualTo("runner_error");
            assertThat(f.message()).contains("IllegalStateException: oops");
            assertThat(f.retryable()).isFalse();
        });
        assertThat(leases.completions(t3)).isEmpty(); // this node does not serve `command`
    }

    @Test
    void aCommandTaskWithBadMetaFailsWithItsPointer() {
        start();
        TaskSpec spec =
                Tasks.of("command", JsonNodeFactory.instance.objectNode().put("run_id", "r"));
        UUID task = leases.submit(spec);

        assertThat(leases.awaitCompletion(task).outcome()).isInstanceOfSatisfying(TaskOutcome.Failed.class, f -> {
            assertThat(f.code()).isEqualTo("invalid_command_task");
            assertThat(f.retryable()).isFalse();
        });
    }

    @Test
    void aLeaseGrantedCancelledIsCompletedCancelledWithoutRunning() {
        AtomicInteger runs = new AtomicInteger();
        LambdaRunner counting = new LambdaRunner("/test/count/v1", ctx -> runs.incrementAndGet());
        UUID task = leases.submit(Tasks.of("/test/count/v1", null));
        leases.cancel(task);
        start(leases, RunnerRegistry.builder().add(counting).build(), options().build());

        assertThat(leases.awaitCompletion(task).outcome()).isEqualTo(new TaskOutcome.Cancelled());
        assertThat(runs).hasValue(0);
    }

    @Test
    void neverRunsMoreTasksThanItsConcurrency() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch twoIn = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        LambdaRunner blocking = new LambdaRunner("/test/block/v1", ctx -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            twoIn.countDown();
            release.await();
            running.decrementAndGet();
        });
        start(
                leases,
                RunnerRegistry.builder().add(blocking).build(),
                options().concurrency(2).build());
        List<UUID> tasks = Stream.generate(() -> leases.submit(Tasks.of("/test/block/v1", null)))
                .limit(5)
                .toList();

        assertThat(twoIn.await(1, TimeUnit.MINUTES)).isTrue();
        long leased = tasks.stream().filter(t -> leases.worker(t).isPresent()).count();
        assertThat(leased).isEqualTo(2);
        release.countDown();
        tasks.forEach(leases::awaitCompletion);
        assertThat(most).hasValue(2);
    }

    /** The test's lease service, call for call; a test overrides the calls it disturbs. */
    private class Forwarding implements LeaseService {
        @Override
        public List<dev.cairn.runner.api.LeaseEnvelope> acquire(AcquireRequest request) {
            return leases.acquire(request);
        }

        @Override
        public HeartbeatAnswer heartbeat(Heartbeat heartbeat) {
            return leases.heartbeat(heartbeat);
        }

        @Override
        public void complete(Completion completion) {
            leases.complete(completion);
        }
    }

    @Test
    void aSlotTakesItsNextTaskWhileTheLastOnesCompletionIsStillOnItsWay() throws Exception {
        CountDownLatch completing = new CountDownLatch(1);
        CountDownLatch letComplete = new CountDownLatch(1);
        LeaseService slowToComplete = new Forwarding() {
            @Override
            public void complete(Completion completion) {
                completing.countDown();
                try {
                    letComplete.await(); // the first completion, and any after it, wait here
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                leases.complete(completion);
            }
        };
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch secondRan = new CountDownLatch(1);
        LambdaRunner counting = new LambdaRunner("/test/count/v1", ctx -> {
            if (ran.incrementAndGet() == 2) {
                secondRan.countDown();
            }
        });
        start(
                slowToComplete,
                RunnerRegistry.builder().add(counting).build(),
                options().concurrency(1).build());
        UUID first = leases.submit(Tasks.of("/test/count/v1", null));
        UUID second = leases.submit(Tasks.of("/test/count/v1", null));

        assertThat(completing.await(1, TimeUnit.MINUTES)).isTrue();
        // one slot: the second task runs only because the first's runner ended, its completion pending
        assertThat(secondRan.await(1, TimeUnit.MINUTES)).isTrue();
        assertThat(leases.completions(first))
                .as("the first completion is still held")
                .isEmpty();

        letComplete.countDown();
        assertThat(leases.awaitCompletion(first).outcome()).isInstanceOf(TaskOutcome.Succeeded.class);
        assertThat(leases.awaitCompletion(second).outcome()).isInstanceOf(TaskOutcome.Succeeded.class);
        assertThat(ran).hasValue(2);
    }

    @Test
    void backsOffWhileTheLeaseServiceIsUnavailableThenWorks() {
        AtomicInteger failures = new AtomicInteger();
        LeaseService flaky = new Forwarding() {
            @Override
            public List<dev.cairn.runner.api.LeaseEnvelope> acquire(AcquireRequest request) {
                if (failures.incrementAndGet() <= 5) {
                    throw LeaseException.unavailable("down for maintenance");
                }
                return leases.acquire(request);
            }
        };
        start(flaky, registry().build(), options().build());
        ArtifactId input = store.put(new ArtifactKind.Output(), new byte[] {1});
        UUID task = leases.submit(Tasks.of(HelloRunner.CAPABILITY, null, input.value()));

        assertThat(leases.awaitCompletion(task).outcome()).isInstanceOf(TaskOutcome.Succeeded.class);
        assertThat(failures.get()).isGreaterThan(5);
    }

    @Test
    void retriesAHeartbeatThatFailedAndLosesNoLogLine() throws Exception {
        AtomicInteger heartbeats = new AtomicInteger();
        LeaseService flaky = new Forwarding() {
            @Override
            public HeartbeatAnswer heartbeat(Heartbeat heartbeat) {
                if (heartbeats.incrementAndGet() % 2 == 1) {
                    throw LeaseException.unavailable("flaky network");
                }
                return leases.heartbeat(heartbeat);
            }
        };
        LambdaRunner logging = new LambdaRunner("/test/log/v1", ctx -> {
            for (int i = 0; i < 30; i++) {
                ctx.ctrl().log(LogLevel.INFO, "line " + i);
                Thread.sleep(5);
            }
        });
        start(flaky, RunnerRegistry.builder().add(logging).build(), options().build());
        UUID task = leases.submit(Tasks.of("/test/log/v1", null));

        leases.awaitCompletion(task);
        assertThat(Tasks.messages(leases.heartbeats(task)))
                .containsExactlyElementsOf(Stream.iterate(0, i -> i + 1)
                        .limit(30)
                        .map(i -> "line " + i)
                        .toList());
    }

    @Test
    void takesOnlyTasksWhoseRequiredLabelsItCarries() {
        RunnerNode eu = start(
                leases,
                registry().build(),
                options().workerId("eu-node").label("region", "eu").build());
        ArtifactId input = store.put(new ArtifactKind.Output(), new byte[] {7});
        UUID forEu = leases.submit(Tasks.of(HelloRunner.CAPABILITY, null, input.value()), Map.of("region", "eu"));
        UUID forUs = leases.submit(Tasks.of(HelloRunner.CAPABILITY, null, input.value()), Map.of("region", "us"));

        leases.awaitCompletion(forEu);
        assertThat(eu.labels()).containsEntry("region", "eu");
        assertThat(leases.worker(forEu)).contains("eu-node");
        assertThat(leases.worker(forUs)).isEmpty();
    }

    @Test
    void closeLetsRunningTasksFinishAndComplete() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        LambdaRunner slowish = new LambdaRunner("/test/slowish/v1", ctx -> {
            started.countDown();
            Thread.sleep(300);
            ctx.output().putBytes("done.txt", new byte[] {1});
        });
        RunnerNode node = start(
                leases, RunnerRegistry.builder().add(slowish).build(), options().build());
        UUID task = leases.submit(Tasks.of("/test/slowish/v1", null));
        assertThat(started.await(1, TimeUnit.MINUTES)).isTrue();

        node.close();

        assertThat(leases.completions(task)).singleElement().satisfies(c -> assertThat(c.outcome())
                .isInstanceOf(TaskOutcome.Succeeded.class));
        assertThat(node.activeTasks()).isZero();
        assertThat(node.isClosed()).isTrue();
    }

    @Test
    void closeAbandonsTasksStillRunningAfterTheGraceAndKillsTheirProcesses() throws Exception {
        RunnerNode node = start(
                leases,
                registry().build(),
                options().shutdownGrace(Duration.ofMillis(300)).build());
        Path pids = dir.resolve("pids");
        UUID task = leases.submit(
                Tasks.command(CommandStep.script("sleep 300 & echo $! >> " + pids + "; echo $$ >> " + pids + "; wait")
                        .build()));
        List<Long> started = Pids.await(pids, 2);

        node.close();

        assertThat(leases.completions(task)).isEmpty(); // released: the lease expires and the task is re-queued
        assertThat(started).noneMatch(Pids::alive);
        assertThat(node.activeTasks()).isZero();
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> options().concurrency(0).build())
                .extracting(e -> ((RunnerNodeException) e).code())
                .isEqualTo("invalid_option");
        assertThatThrownBy(() -> options().label("region name", "eu").build()).hasMessageContaining("region name");
        assertThatThrownBy(() -> start(
                        leases,
                        registry().build(),
                        options().capabilities(List.of("gpu")).build()))
                .extracting(e -> ((RunnerNodeException) e).code())
                .isEqualTo("unknown_capability");
        assertThat(RunnerNodeOptions.parseLabel("region=eu")).isEqualTo(Map.entry("region", "eu"));
        assertThatThrownBy(() -> RunnerNodeOptions.parseLabel("region")).hasMessageContaining("name=value");
    }

    private static void awaitIdle(RunnerNode node) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (node.activeTasks() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the node never became idle");
            }
            Thread.sleep(10);
        }
    }
}
