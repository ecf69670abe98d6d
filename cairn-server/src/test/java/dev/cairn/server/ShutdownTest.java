package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cairn.contracts.RunRequest;
import dev.cairn.contracts.RunStatus;
import dev.cairn.contracts.RunSummary;
import dev.cairn.contracts.SubmitRunResponse;
import dev.cairn.contracts.api.LogPage;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.contracts.api.ReplayResult;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.RunPage;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.orchestrator.api.Orchestrator;
import dev.cairn.orchestrator.api.RunQuery;
import dev.cairn.runner.api.lease.LeaseService;
import dev.cairn.server.fixture.FixtureOrchestrator;
import dev.cairn.server.fixture.Http;
import dev.cairn.testkit.InMemoryArtifactStore;
import dev.cairn.testkit.ManualClock;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A closing server finishes what is in progress, answers new requests 503 {@code shutting_down}
 * (health included; metrics still served), ends streams and long polls at once, then stops
 * listening.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShutdownTest {

    /** The fixture, except that {@link #runs} waits for the test to let it go. */
    private static final class Holding implements Orchestrator {
        final FixtureOrchestrator fixture = new FixtureOrchestrator(new InMemoryArtifactStore(), new ManualClock(), 3);
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public RunPage runs(RunQuery query) {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError("a request in progress is not interrupted", e);
            }
            return fixture.runs(query);
        }

        @Override
        public SubmitRunResponse submit(RunRequest request) {
            return fixture.submit(request);
        }

        @Override
        public SubmitRunResponse submitPipeline(PipelineRunRequest request) {
            return fixture.submitPipeline(request);
        }

        @Override
        public RunStatus status(String runId) {
            return fixture.status(runId);
        }

        @Override
        public RunSummary summary(String runId) {
            return fixture.summary(runId);
        }

        @Override
        public RunDetail detail(String runId) {
            return fixture.detail(runId);
        }

        @Override
        public RunStatus cancel(String runId) {
            return fixture.cancel(runId);
        }

        @Override
        public RunStatus resume(String runId) {
            return fixture.resume(runId);
        }

        @Override
        public ReplayResult replay(String runId) {
            return fixture.replay(runId);
        }

        @Override
        public List<EventEnvelope> events(String runId, long afterSeq, int limit, Duration wait) {
            return fixture.events(runId, afterSeq, limit, wait);
        }

        @Override
        public LogPage logs(String runId, Optional<String> stepId, long afterCursor, int limit, Duration wait) {
            return fixture.logs(runId, stepId, afterCursor, limit, wait);
        }

        @Override
        public LeaseService leases() {
            return fixture.leases();
        }

        @Override
        public ArtifactStore artifacts() {
            return fixture.artifacts();
        }

        @Override
        public void close() {
            fixture.close();
        }
    }

    @Test
    void aClosingServerFinishesWhatIsInProgressAndRefusesTheRest() throws Exception {
        Holding orchestrator = new Holding();
        Server server = Server.start(ServerOptions.builder(orchestrator)
                .port(0)
                .limits(ServerLimits.builder()
                        .sseHeartbeat(Duration.ofSeconds(30))
                        .shutdownGrace(Duration.ofSeconds(30))
                        .build())
                .build());
        Http http = new Http(server.uri());
        String runId = http.post("/run")
                .json("{\"runners\":[{\"name\":\"a\"}],\"mode\":\"local\"}")
                .send()
                .json()
                .get("runId")
                .asText();

        // A stream that waits for news, a long poll that waits for work, and a request in progress.
        HttpResponse<InputStream> stream =
                http.get("/v1/runs/" + runId + "/events").send(HttpResponse.BodyHandlers.ofInputStream());
        InputStream events = stream.body();
        assertThat(new String(events.readNBytes(7))).isEqualTo("retry: ");
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        CompletableFuture<Http.Response> poll = CompletableFuture.supplyAsync(
                () -> http.post("/v1/leases/acquire")
                        .json("{\"worker_id\":\"w\",\"capabilities\":[\"nothing\"],\"max\":1,"
                                + "\"max_wait\":{\"secs\":60,\"nanos\":0}}")
                        .send(),
                threads);
        CompletableFuture<Http.Response> listing =
                CompletableFuture.supplyAsync(() -> http.get("/v1/runs").send(), threads);
        assertThat(orchestrator.entered.await(30, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close, threads);

        // The long poll is cut short and the stream ends, without waiting for their timeouts.
        Http.Response polled = poll.get(30, TimeUnit.SECONDS);
        assertThat(polled.status()).isEqualTo(503);
        assertThat(polled.code()).isEqualTo("shutting_down");
        assertThat(polled.json().get("retryable").asBoolean()).isTrue();
        assertThat(events.readAllBytes()).asString().contains("\n\n");

        // While the listing is held, the server still listens: new requests are refused.
        Http.Response health = http.get("/healthz").send();
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.code()).isEqualTo("shutting_down");
        assertThat(http.get("/v1/runs/" + runId).send().code()).isEqualTo("shutting_down");
        assertThat(http.get("/metrics").send().status()).isEqualTo(200);
        assertThat(closing).isNotDone();

        // The request in progress completes normally, then the server stops.
        orchestrator.release.countDown();
        assertThat(listing.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        closing.get(30, TimeUnit.SECONDS);
        Throwable refused = catchThrowable(() -> http.get("/healthz").send());
        assertThat(refused).isInstanceOf(UncheckedIOException.class);
        server.close(); // a second close does nothing
        server.awaitClosed();
        orchestrator.close();
        threads.close();
    }
}
