package dev.cairn.runner.node.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.cairn.contracts.api.InlineOutput;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.InputFile;
import dev.cairn.executor.protocol.StepResult;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.runner.api.examples.HelloRunner;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.OutputArtifact;
import dev.cairn.runner.api.lease.TaskOutcome;
import dev.cairn.runner.node.Backoff;
import dev.cairn.runner.node.RunnerNodeException;
import dev.cairn.runner.node.RunnerNodeOptions;
import dev.cairn.runner.node.RunnerRegistry;
import dev.cairn.runner.node.command.ProcessCommandOptions;
import dev.cairn.runner.node.testing.CairnServerFixture;
import dev.cairn.runner.node.testing.Http;
import dev.cairn.runner.node.testing.InMemoryLeaseService;
import dev.cairn.runner.node.testing.LambdaRunner;
import dev.cairn.runner.node.testing.Pids;
import dev.cairn.runner.node.testing.Tasks;
import dev.cairn.testkit.InMemoryArtifactStore;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A remote worker end to end: leases and artifacts over HTTP, and its own runner service. */
class WorkerTest {

    @TempDir
    Path dir;

    private final InMemoryLeaseService leases = new InMemoryLeaseService(Duration.ofSeconds(3));
    private final InMemoryArtifactStore store = new InMemoryArtifactStore();
    private final CairnServerFixture server = new CairnServerFixture(leases, store).runnerToken("runner-token");

    @AfterEach
    void tearDown() {
        server.close();
    }

    private WorkerOptions.Builder options() {
        return WorkerOptions.builder(server.uri())
                .token("runner-token")
                .label("region", "eu")
                .concurrency(2)
                .command(ProcessCommandOptions.defaults().withWorkRoot(dir.resolve("cmd")))
                .node(RunnerNodeOptions.builder()
                        .workerId("remote-1")
                        .acquireWait(Duration.ofMillis(500))
                        .logFlushInterval(Duration.ofMillis(50))
                        .backoff(new Backoff(Duration.ofMillis(10), Duration.ofMillis(100)))
                        .workRoot(dir.resolve("node"))
                        .build());
    }

    @Test
    void runsHelloAndCommandTasksOverHttp() throws Exception {
        try (Worker worker = Worker.start(options().build())) {
            ArtifactId input = store.put(new ArtifactKind.Output(), "over the wire".getBytes(StandardCharsets.UTF_8));
            UUID hello = leases.submit(Tasks.of(HelloRunner.CAPABILITY, null, input.value()), Map.of("region", "eu"));
            String script = store.put(
                            new ArtifactKind.Output(),
                            "#!/bin/sh\necho built > app.bin\necho done\n".getBytes(StandardCharsets.UTF_8))
                    .value();
            UUID command = leases.submit(Tasks.command(
                    CommandStep.argv("./build.sh").output("*.bin").build(), new InputFile("build.sh", script, true)));

            TaskOutcome.Succeeded helloOk =
                    (TaskOutcome.Succeeded) leases.awaitCompletion(hello).outcome();
            assertThat(helloOk.outputs()).singleElement().satisfies(o -> assertThat(o.artifactId())
                    .isEqualTo(input.value()));
            Completion done = leases.awaitCompletion(command);
            StepResult result = Wire.fromTree(((TaskOutcome.Succeeded) done.outcome()).result(), StepResult.class);
            assertThat(result.exitCode()).isZero();
            String app = ((TaskOutcome.Succeeded) done.outcome())
                    .outputs()
                    .getFirst()
                    .artifactId();
            assertThat(store.get(new ArtifactId(app))).asString().isEqualTo("built\n");
            // both outputs are small: they travelled inside the completions, not as uploads
            assertThat(server.requests("POST /v1/artifacts")).isZero();
            assertThat(server.inlineOutputCounts().stream()
                            .mapToInt(Integer::intValue)
                            .sum())
                    .isEqualTo(2);
            assertThat(Tasks.lines(leases.heartbeats(command), "stdout")).containsExactly("done");
            assertThat(leases.worker(command)).contains("remote-1");

            Http.Answer info = Http.get(worker.serviceUri().orElseThrow().resolve("info"), null);
            assertThat(info.status()).isEqualTo(200);
            assertThat(info.body().path("region").asText()).isEqualTo("eu");
            assertThat(Http.schemaErrors("RunnerInfoResponse", info.body())).isEmpty();
        }
    }

    @Test
    void cancellationOverHttpStopsTheCommand() throws Exception {
        try (Worker worker = Worker.start(options().build())) {
            Path pids = dir.resolve("pids");
            UUID task = leases.submit(Tasks.command(
                    CommandStep.script("sleep 300 & echo $! >> " + pids + "; echo $$ >> " + pids + "; wait")
                            .build()));
            List<Long> started = Pids.await(pids, 2);

            leases.cancel(task);

            assertThat(leases.awaitCompletion(task).outcome()).isEqualTo(new TaskOutcome.Cancelled());
            assertThat(started).noneMatch(Pids::alive);
            assertThat(worker.node().workerId()).isEqualTo("remote-1");
        }
    }

    /**
     * Stops the server, and brings it back on the same port a second later from another thread:
     * calls made meanwhile find the connection refused.
     */
    private void serverDownForASecond() {
        server.stop();
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
            server.restart();
        });
    }

    @Test
    void outputsUploadedWhileTheServerIsDownAreSentOnceItIsBack() throws Exception {
        long seed = Long.getLong("cairn.seed", new Random().nextLong());
        System.out.println("seed=" + seed);
        // larger than an inline output: uploaded on its own, while the server is down
        byte[] data = new byte[InlineOutput.MAX_BYTES + 1 + new Random(seed).nextInt(300_000)];
        new Random(seed).nextBytes(data);
        Path file = dir.resolve("out.bin");
        Files.write(file, data);
        LambdaRunner uploader = new LambdaRunner("upload", ctx -> {
            serverDownForASecond();
            ctx.output().putFile("out.bin", file); // streamed: each attempt re-reads the file
            ctx.output().putBytes("note.txt", "written".getBytes(StandardCharsets.UTF_8));
        });
        try (Worker worker = Worker.start(
                options().listen(null).build(),
                RunnerRegistry.builder().add(uploader).build())) {
            UUID task = leases.submit(Tasks.of("upload", null));

            Completion done = leases.awaitCompletion(task);

            assertThat(done.outcome()).isInstanceOfSatisfying(TaskOutcome.Succeeded.class, ok -> assertThat(
                            ok.outputs())
                    .extracting(OutputArtifact::key, OutputArtifact::artifactId, OutputArtifact::sizeBytes)
                    .containsExactly(
                            tuple("out.bin", ArtifactIds.ofBytes(data), (long) data.length),
                            tuple("note.txt", ArtifactIds.ofBytes("written".getBytes(StandardCharsets.UTF_8)), 7L)));
            assertThat(store.get(new ArtifactId(ArtifactIds.ofBytes(data)))).isEqualTo(data);
            assertThat(leases.completions(task)).hasSize(1);
            assertThat(worker.node().workerId()).isEqualTo("remote-1");
        }
    }

    @Test
    void aCompletionWhileTheServerIsDownIsDeliveredOnceItIsBack() {
        LambdaRunner last = new LambdaRunner("last", ctx -> {
            ctx.output().putBytes("before.txt", "up".getBytes(StandardCharsets.UTF_8));
            serverDownForASecond();
        });
        try (Worker worker = Worker.start(
                options().listen(null).build(),
                RunnerRegistry.builder().add(last).build())) {
            UUID task = leases.submit(Tasks.of("last", null));

            Completion done = leases.awaitCompletion(task);

            assertThat(done.outcome())
                    .isInstanceOfSatisfying(TaskOutcome.Succeeded.class, ok -> assertThat(ok.outputs())
                            .extracting(OutputArtifact::key)
                            .containsExactly("before.txt"));
            assertThat(leases.completions(task)).hasSize(1);
            assertThat(leases.worker(task)).contains(worker.node().workerId());
        }
    }

    @Test
    void servesOnlyTheCapabilitiesItWasGiven() {
        try (Worker worker = Worker.start(
                options().capabilities(List.of("command")).listen(null).build())) {
            assertThat(worker.node().capabilities()).containsExactly("command");
            assertThat(worker.serviceUri()).isEmpty();
        }
    }

    @Test
    void aRefusedTokenFailsTheStart() {
        assertThatThrownBy(() -> Worker.start(options().token("not-the-token").build()))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.code()).isEqualTo("unauthenticated"));
    }

    @Test
    void aServerThatIsDownDoesNotStopTheStart() {
        WorkerOptions down = WorkerOptions.builder(URI.create("http://127.0.0.1:1/"))
                .listen(null)
                .node(RunnerNodeOptions.builder()
                        .backoff(new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)))
                        .workRoot(dir.resolve("node"))
                        .build())
                .build();
        try (Worker worker = Worker.start(down)) {
            assertThat(worker.node().isClosed()).isFalse();
        }
    }

    @Test
    void servingBeyondLoopbackNeedsAServiceToken() {
        assertThatThrownBy(() ->
                        options().listen(new InetSocketAddress("0.0.0.0", 0)).build())
                .isInstanceOf(RunnerNodeException.class)
                .hasMessageContaining("needs a service token");
        WorkerOptions ok = options()
                .listen(new InetSocketAddress("0.0.0.0", 0))
                .serviceToken("a-long-enough-service-token")
                .build();
        assertThat(ok.toString()).doesNotContain("runner-token").doesNotContain("a-long-enough-service-token");
        assertThatThrownBy(() ->
                        Worker.start(options().capabilities(List.of("gpu")).build()))
                .isInstanceOfSatisfying(
                        RunnerNodeException.class, e -> assertThat(e.code()).isEqualTo("unknown_capability"));
    }
}
