package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.contracts.RunMode;
import dev.cairn.contracts.RunRequest;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.RunnerConfig;
import dev.cairn.contracts.api.ArtifactUploaded;
import dev.cairn.contracts.api.HealthStatus;
import dev.cairn.contracts.api.LogEntry;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.contracts.api.RunPage;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.LogLevel;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.LogLine;
import dev.cairn.runner.api.lease.TaskOutcome;
import dev.cairn.server.fixture.CapturedLogs;
import dev.cairn.server.fixture.FixtureServer;
import dev.cairn.store.fs.FsArtifactStore;
import dev.cairn.testkit.StallingStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every method of the client against a real server over a fixture orchestrator; errors come back typed. */
@Timeout(120)
class CairnClientTest {

    @TempDir
    Path dir;

    private FsArtifactStore artifacts;
    private FixtureServer server;
    private CairnClient client;

    @BeforeEach
    void start() {
        artifacts = FsArtifactStore.open(dir.resolve("artifacts"));
        server = FixtureServer.builder().artifacts(artifacts).requireAuth(true).start();
        client = CairnClient.builder(server.uri())
                .token(server.clientToken())
                .reconnectDelay(Duration.ofMillis(50))
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        artifacts.close();
    }

    private static RunRequest twoRunners() {
        return RunRequest.of(
                RunMode.REMOTE,
                List.of(RunnerConfig.named("build"), new RunnerConfig("test", Optional.of("eu"), Optional.empty())));
    }

    @Test
    void seed003RoutesRoundTrip() {
        String runId = client.submit(twoRunners()).runId();
        assertThat(client.status(runId).totalJobs()).isEqualTo(2);
        assertThat(client.status(runId).state()).isEqualTo(RunState.QUEUED);
        server.orchestrator().completeAll(runId, 1);
        assertThat(client.status(runId).state()).isEqualTo(RunState.COMPLETED);
        assertThat(client.summary(runId).summary().passed()).isEqualTo(2);
        assertThat(client.summary(runId).jobs()).extracting(j -> j.jobId()).containsExactly("build", "test@eu");
    }

    /** A client given its own JDK HttpClient sends every call through it, with the same answers and errors. */
    @Test
    void aClientGivenItsOwnHttpClientUsesItForJsonCallsToo() {
        java.util.concurrent.atomic.AtomicInteger handled = new java.util.concurrent.atomic.AtomicInteger();
        try (java.net.http.HttpClient own = java.net.http.HttpClient.newBuilder()
                        .version(java.net.http.HttpClient.Version.HTTP_1_1)
                        .executor(task -> {
                            handled.incrementAndGet(); // the JDK client hands its work here: it was used
                            Thread.ofVirtual().start(task);
                        })
                        .build();
                CairnClient through = CairnClient.builder(server.uri())
                        .token(server.clientToken())
                        .httpClient(own)
                        .build()) {
            String runId = through.submit(twoRunners()).runId();
            assertThat(through.status(runId).totalJobs()).isEqualTo(2);
            assertThat(through.cancel(runId).state()).isEqualTo(RunState.FAILED);
            CairnClientException notFound = catchThrowableOfType(
                    CairnClientException.class, () -> through.detail("0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30"));
            assertThat(notFound.status()).isEqualTo(404);
            assertThat(notFound.code()).isEqualTo("run_not_found");
            assertThat(client.status(runId).state())
                    .as("the run the other transport submitted")
                    .isEqualTo(RunState.FAILED);
            assertThat(handled).as("the calls went through the given client").hasPositiveValue();
        }
    }

    @Test
    void runsAreListedPagedAndControlled() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(client.submit(twoRunners()).runId());
        }
        server.orchestrator().completeAll(ids.getFirst(), 0);
        TreeSet<String> listed = new TreeSet<>();
        Optional<String> cursor = Optional.empty();
        int pages = 0;
        do {
            RunPage page = client.runs(Optional.empty(), 2, cursor);
            page.runs().forEach(r -> listed.add(r.runId()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor.isPresent());
        assertThat(pages).isEqualTo(3);
        assertThat(listed).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(client.runs(Optional.of(RunState.COMPLETED), 10, Optional.empty())
                        .runs())
                .extracting(r -> r.runId())
                .containsExactly(ids.getFirst());

        String runId = ids.get(1);
        assertThat(client.detail(runId).steps()).hasSize(2);
        assertThat(client.cancel(runId).state()).isEqualTo(RunState.FAILED);
        assertThat(client.resume(runId).state()).isEqualTo(RunState.FAILED);
        assertThat(client.replay(runId).verified()).isTrue();
        assertThat(client.health().status()).isEqualTo(HealthStatus.OK);
    }

    @Test
    void pipelinesAreSubmittedAndTheirSpecErrorsComeBackTyped() {
        JsonNode spec = Wire.read(
                "{\"op\":\"hello\",\"steps\":[{\"id\":\"greet\",\"run\":\"echo hi\",\"regions\":[\"eu\",\"us\"]}]}",
                JsonNode.class);
        String runId = client.submitPipeline(PipelineRunRequest.of(spec, java.util.Map.of()))
                .runId();
        assertThat(client.detail(runId).steps()).extracting(s -> s.stepId()).containsExactly("greet@eu", "greet@us");

        JsonNode bad = Wire.read("{\"op\":\"hello\",\"steps\":[{\"id\":\"Greet\",\"runn\":\"x\"}]}", JsonNode.class);
        CairnClientException e = catchThrowableOfType(
                CairnClientException.class,
                () -> client.submitPipeline(PipelineRunRequest.of(bad, java.util.Map.of())));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("invalid_spec");
        assertThat(e.retryable()).isFalse();
        assertThat(e.hint()).isNotBlank();
        assertThat(e.details().orElseThrow().get("errors").size()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void errorsComeBackTypedWithTheirEnvelope() {
        String unknown = "0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30";
        CairnClientException notFound = catchThrowableOfType(CairnClientException.class, () -> client.detail(unknown));
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.code()).isEqualTo("run_not_found");
        assertThat(notFound.hint()).contains("runId");
        assertThat(notFound.details().orElseThrow().get("runId").asText()).isEqualTo(unknown);

        assertThat(catchThrowableOfType(CairnClientException.class, () -> client.detail("nope"))
                        .code())
                .isEqualTo("invalid_id");
        assertThat(catchThrowableOfType(
                                CairnClientException.class, () -> client.runs(Optional.empty(), 0, Optional.empty()))
                        .code())
                .isEqualTo("invalid_parameter");

        try (CairnClient anonymous = CairnClient.builder(server.uri()).build();
                CairnClient runner = CairnClient.builder(server.uri())
                        .token(server.runnerToken())
                        .build()) {
            CairnClientException unauthenticated =
                    catchThrowableOfType(CairnClientException.class, () -> anonymous.submit(twoRunners()));
            assertThat(unauthenticated.status()).isEqualTo(401);
            assertThat(unauthenticated.code()).isEqualTo("unauthenticated");
            assertThat(catchThrowableOfType(CairnClientException.class, () -> runner.submit(twoRunners()))
                            .code())
                    .isEqualTo("forbidden");
        }
    }

    @Test
    void transportFailuresAreTyped() throws Exception {
        URI nowhere;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            nowhere = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        try (CairnClient gone = CairnClient.builder(nowhere).build()) {
            CairnClientException e = catchThrowableOfType(CairnClientException.class, gone::health);
            assertThat(e.code()).isEqualTo("connection_failed");
            assertThat(e.retryable()).isTrue();
            assertThat(e.status()).isZero();
        }

        com.sun.net.httpserver.HttpServer other =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", exchange -> {
            byte[] html = "<html>Bad Gateway</html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(502, html.length);
            exchange.getResponseBody().write(html);
            exchange.close();
        });
        other.start();
        try (CairnClient proxied = CairnClient.builder(
                        URI.create("http://127.0.0.1:" + other.getAddress().getPort()))
                .build()) {
            CairnClientException e = catchThrowableOfType(CairnClientException.class, () -> proxied.status("r"));
            assertThat(e.code()).isEqualTo("unexpected_response");
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.getMessage()).contains("Bad Gateway");
        } finally {
            other.stop(0);
        }
    }

    @Test
    void logsArePagedAndFollowed() throws Exception {
        String runId = client.submit(twoRunners()).runId();
        LeaseEnvelope lease = server.orchestrator()
                .leases()
                .acquire(new AcquireRequest("w", List.of("build"), new TreeMap<>(), 1, Duration.ZERO))
                .getFirst();
        heartbeat(lease, "one", "two");
        assertThat(client.logs(runId, Optional.of("build"), 0, 10).lines())
                .extracting(l -> l.line().message())
                .containsExactly("one", "two");
        assertThat(client.logs(runId, Optional.empty(), 1, 10).lines()).hasSize(1);

        List<String> followed = new ArrayList<>();
        try (Subscription<LogEntry> logs = client.followLogs(runId, Optional.of("build"), 0)) {
            Thread feeder = Thread.ofVirtual().start(() -> {
                heartbeat(lease, "three");
                server.orchestrator()
                        .leases()
                        .complete(new Completion(
                                LeaseRef.of(lease),
                                new TaskOutcome.Succeeded(Wire.mapper().createObjectNode(), List.of())));
            });
            logs.forEachRemaining(l -> followed.add(l.line().message()));
            feeder.join();
        }
        assertThat(followed).containsExactly("one", "two", "three");
    }

    private void heartbeat(LeaseEnvelope lease, String... lines) {
        List<LogLine> logs = new ArrayList<>();
        for (String line : lines) {
            logs.add(new LogLine(0, LogLevel.INFO, "stdout", line));
        }
        server.orchestrator().leases().heartbeat(new Heartbeat(LeaseRef.of(lease), Optional.empty(), logs));
    }

    @Test
    void eventsAreFollowedToRunCompletedAndResumeAfterACutConnection() throws Exception {
        String runId = client.submit(twoRunners()).runId();
        try (CuttingProxy proxy = new CuttingProxy(server.uri());
                CairnClient viaProxy = CairnClient.builder(proxy.uri())
                        .token(server.clientToken())
                        .reconnectDelay(Duration.ofMillis(20))
                        .build();
                Subscription<EventEnvelope> events = viaProxy.events(runId, 0)) {
            List<Long> seqs = new ArrayList<>();
            assertThat(events.hasNext()).isTrue();
            seqs.add(events.next().seq());

            LeaseEnvelope build = server.orchestrator()
                    .leases()
                    .acquire(new AcquireRequest("w", List.of("build"), new TreeMap<>(), 1, Duration.ZERO))
                    .getFirst();
            seqs.add(events.next().seq());
            proxy.cut();
            server.orchestrator()
                    .leases()
                    .complete(new Completion(
                            LeaseRef.of(build),
                            new TaskOutcome.Succeeded(Wire.mapper().createObjectNode(), List.of())));
            proxy.cut();
            server.orchestrator().completeAll(runId, 0);
            EventEnvelope last = null;
            while (events.hasNext()) {
                last = events.next();
                seqs.add(last.seq());
            }
            long head = server.orchestrator().detail(runId).headSeq();
            List<Long> expected = new ArrayList<>();
            for (long s = 1; s <= head; s++) {
                expected.add(s);
            }
            assertThat(seqs).isEqualTo(expected);
            assertThat(last.event()).isInstanceOfSatisfying(Event.Kernel.class, k -> assertThat(k.event())
                    .isInstanceOf(KernelEvent.RunCompleted.class));
            assertThat(events.lastId()).isEqualTo(head);
        }
        // Following an ended run from its last event ends at once.
        long head = server.orchestrator().detail(runId).headSeq();
        try (Subscription<EventEnvelope> after = client.events(runId, head)) {
            assertThat(after.hasNext()).isFalse();
        }
        assertThatThrownBy(() ->
                        client.events("0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30", 0).hasNext())
                .isInstanceOfSatisfying(
                        CairnClientException.class, e -> assertThat(e.code()).isEqualTo("run_not_found"));
    }

    @Test
    void aRetryableErrorEventIsFollowedByAReconnectionAndAFatalOneIsThrown() {
        String runId = client.submit(twoRunners()).runId();
        try (CapturedLogs quiet = new CapturedLogs("dev.cairn.server");
                Subscription<EventEnvelope> events = client.events(runId, 0)) {
            assertThat(events.next().seq()).isEqualTo(1);
            server.orchestrator().failNextEvents(StorageException.unavailable("busy for a moment", null));
            server.orchestrator().completeAll(runId, 0);
            List<Long> seqs = new ArrayList<>();
            events.forEachRemaining(e -> seqs.add(e.seq()));
            assertThat(seqs.getFirst()).isEqualTo(2);
            assertThat(seqs.getLast())
                    .isEqualTo(server.orchestrator().detail(runId).headSeq());
        }
        String other = client.submit(twoRunners()).runId();
        try (CapturedLogs quiet = new CapturedLogs("dev.cairn.server");
                Subscription<EventEnvelope> events = client.events(other, 0)) {
            assertThat(events.next().seq()).isEqualTo(1);
            server.orchestrator().failNextEvents(new IllegalStateException("a bug"));
            CairnClientException e = catchThrowableOfType(CairnClientException.class, events::hasNext);
            assertThat(e.code()).isEqualTo("internal");
            assertThat(e.retryable()).isFalse();
        }
    }

    @Test
    void aStreamThatNeverRecoversIsReportedBroken() throws Exception {
        String runId = client.submit(twoRunners()).runId();
        CuttingProxy proxy = new CuttingProxy(server.uri());
        try (CairnClient viaProxy = CairnClient.builder(proxy.uri())
                        .token(server.clientToken())
                        .reconnectDelay(Duration.ofMillis(10))
                        .maxReconnects(2)
                        .build();
                Subscription<EventEnvelope> events = viaProxy.events(runId, 0)) {
            assertThat(events.next().seq()).isEqualTo(1);
            proxy.close(); // the server is gone for good
            assertThatThrownBy(events::hasNext)
                    .isInstanceOfSatisfying(CairnClientException.class, e -> assertThat(e.code())
                            .isEqualTo("stream_broken"));
        }
    }

    @Test
    void artifactsGoUpAndDownVerified() throws IOException {
        byte[] bytes = new byte[3 * 1024 * 1024 + 17];
        new Random(11).nextBytes(bytes);
        String id = ArtifactIds.ofBytes(bytes);

        ArtifactUploaded streamed = client.upload(new ByteArrayInputStream(bytes), Optional.of("Output"));
        assertThat(streamed.artifactId()).isEqualTo(id);
        assertThat(streamed.sizeBytes()).isEqualTo(bytes.length);

        Path file = dir.resolve("input.bin");
        Files.write(file, bytes);
        assertThat(client.upload(file, Optional.empty()).artifactId()).isEqualTo(id);

        assertThat(client.head(id)).contains(new ArtifactInfo(id, bytes.length));
        assertThat(client.head("0".repeat(64))).isEmpty();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(client.download(id, out)).isEqualTo(new ArtifactInfo(id, bytes.length));
        assertThat(out.toByteArray()).isEqualTo(bytes);
        Path target = dir.resolve("out/copy.bin");
        client.download(id, target);
        assertThat(Files.readAllBytes(target)).isEqualTo(bytes);

        assertThat(catchThrowableOfType(CairnClientException.class, () -> client.download("0".repeat(64), out))
                        .code())
                .isEqualTo("artifact_not_found");
    }

    @Test
    void anUploadWhoseStreamBlocksHoldsUpNoOtherCallOfTheClient() throws Exception {
        // more than a socket buffer holds: the client reads the rest when the socket can take it,
        // in its own threads, not the caller's
        byte[] head = new byte[1 << 20];
        new Random(5).nextBytes(head);
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // a pipe whose writer is slow: the client reads it as it sends
        InputStream stalling = StallingStream.until(head, blocked::countDown, release);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<ArtifactUploaded> upload = threads.submit(() -> client.upload(stalling, Optional.empty()));
            try {
                assertThat(blocked.await(30, TimeUnit.SECONDS))
                        .as("the upload reads its stream")
                        .isTrue();
                // while the upload waits for its stream, the same client still gets answers
                Future<HealthStatus> health =
                        threads.submit(() -> client.health().status());
                assertThat(health.get(30, TimeUnit.SECONDS)).isEqualTo(HealthStatus.OK);
                assertThat(upload.isDone()).isFalse();
            } finally {
                release.countDown(); // lets the upload, and a call stuck behind it, end
            }
            assertThat(upload.get(30, TimeUnit.SECONDS).artifactId()).isEqualTo(ArtifactIds.ofBytes(head));
        }
    }

    @Test
    void corruptBytesAreNeverAcceptedNorLeftOnDisk() throws IOException {
        byte[] bytes = new byte[200_000];
        new Random(5).nextBytes(bytes);
        ArtifactId id = artifacts.put(new ArtifactKind.Output(), bytes);
        Path stored = artifacts.pathOf(id);
        byte[] damaged = Files.readAllBytes(stored);
        damaged[100] ^= 0x40;
        Files.write(stored, damaged);

        Path target = dir.resolve("copy.bin");
        try (CapturedLogs cairn = new CapturedLogs("dev.cairn.server");
                CapturedLogs helidon = new CapturedLogs("io.helidon")) {
            CairnClientException e =
                    catchThrowableOfType(CairnClientException.class, () -> client.download(id.value(), target));
            assertThat(e.code()).isIn("connection_failed", "digest_mismatch");
        }
        assertThat(target).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
        }
    }
}
