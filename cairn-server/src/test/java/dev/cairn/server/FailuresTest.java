package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.contracts.RunRequest;
import dev.cairn.contracts.RunStatus;
import dev.cairn.contracts.RunSummary;
import dev.cairn.contracts.SubmitRunResponse;
import dev.cairn.contracts.api.LogPage;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.contracts.api.ReplayResult;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.RunPage;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.orchestrator.api.Orchestrator;
import dev.cairn.orchestrator.api.RunQuery;
import dev.cairn.runner.api.lease.LeaseService;
import dev.cairn.server.fixture.CapturedLogs;
import dev.cairn.server.fixture.Http;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Whatever the orchestrator throws, the client gets an envelope: a bug (NPE, IllegalStateException,
 * stack overflow) is 500 {@code internal} with a generic message and an incident id, logged on the
 * server with its stack trace; a coded error keeps its code and message, retryable ones 503.
 */
class FailuresTest {

    private static final String RUN_ID = "0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30";

    /** An orchestrator whose every method throws what it is told to. */
    private static final class Broken implements Orchestrator {
        volatile Supplier<RuntimeException> failure;
        volatile boolean virtual;

        private <T> T fail() {
            virtual = Thread.currentThread().isVirtual();
            throw failure.get();
        }

        @Override
        public SubmitRunResponse submit(RunRequest request) {
            return fail();
        }

        @Override
        public SubmitRunResponse submitPipeline(PipelineRunRequest request) {
            return fail();
        }

        @Override
        public RunStatus status(String runId) {
            return fail();
        }

        @Override
        public RunSummary summary(String runId) {
            return fail();
        }

        @Override
        public RunPage runs(RunQuery query) {
            return fail();
        }

        @Override
        public RunDetail detail(String runId) {
            return fail();
        }

        @Override
        public RunStatus cancel(String runId) {
            return fail();
        }

        @Override
        public RunStatus resume(String runId) {
            return fail();
        }

        @Override
        public ReplayResult replay(String runId) {
            return fail();
        }

        @Override
        public List<EventEnvelope> events(String runId, long afterSeq, int limit, Duration wait) {
            return fail();
        }

        @Override
        public LogPage logs(String runId, Optional<String> stepId, long afterCursor, int limit, Duration wait) {
            return fail();
        }

        @Override
        public LeaseService leases() {
            return fail();
        }

        @Override
        public ArtifactStore artifacts() {
            return fail();
        }

        @Override
        public void close() {}
    }

    private static Object recurse(int depth) {
        return recurse(depth + 1);
    }

    @Test
    void bugsAreAnsweredWithAGenericInternalErrorAndLoggedOnTheServer() {
        Broken broken = new Broken();
        try (Server server = Server.start(ServerOptions.builder(broken).port(0).build());
                CapturedLogs logs = new CapturedLogs(ErrorMapping.class)) {
            Http http = new Http(server.uri());
            List<Supplier<RuntimeException>> bugs = List.of(
                    () -> new NullPointerException("secret=hunter2 in a field"),
                    () -> new IllegalStateException("the queue is in state X"),
                    () -> new IllegalArgumentException("bad"),
                    () -> {
                        try {
                            recurse(0);
                        } catch (StackOverflowError e) {
                            return new RuntimeException(e);
                        }
                        return new IllegalStateException("unreachable");
                    });
            String[][] routes = {
                {"GET", "/run/" + RUN_ID + "/status"},
                {"GET", "/v1/runs"},
                {"POST", "/v1/runs/" + RUN_ID + "/cancel"},
                {"GET", "/v1/runs/" + RUN_ID + "/events"},
                {"GET", "/v1/artifacts/" + "0".repeat(64)},
            };
            int answered = 0;
            for (Supplier<RuntimeException> bug : bugs) {
                broken.failure = bug;
                for (String[] route : routes) {
                    Http.Response response = http.call(route[0], route[1]).send();
                    assertThat(response.status()).as(route[1]).isEqualTo(500);
                    JsonNode envelope = response.json();
                    assertThat(envelope.get("code").asText()).isEqualTo("internal");
                    assertThat(envelope.get("message").asText())
                            .startsWith("the server failed to answer this request (incident ");
                    assertThat(response.text()).doesNotContain("hunter2", "Exception", "queue", "at dev.", "java.");
                    String incident = envelope.at("/details/incident").asText();
                    assertThat(incident).hasSize(8);
                    ILoggingEvent logged = logs.atLeast(Level.ERROR).getLast();
                    assertThat(logged.getFormattedMessage())
                            .contains(
                                    incident,
                                    route[1].startsWith("/v1/runs/") ? "/v1/runs/{runId}" : route[1].substring(0, 4));
                    assertThat(logged.getThrowableProxy())
                            .as("the stack trace is logged")
                            .isNotNull();
                    answered++;
                }
            }
            assertThat(logs.atLeast(Level.ERROR)).hasSize(answered);
            assertThat(broken.virtual).as("requests run on virtual threads").isTrue();
        }
    }

    @Test
    void codedErrorsKeepTheirCodeAndRetryableOnesAre503() {
        Broken broken = new Broken();
        try (Server server = Server.start(ServerOptions.builder(broken).port(0).build());
                CapturedLogs logs = new CapturedLogs(ErrorMapping.class)) {
            Http http = new Http(server.uri());
            broken.failure = () -> StorageException.unavailable("the disk is full", null);
            Http.Response busy = http.get("/v1/runs").send();
            assertThat(busy.status()).isEqualTo(503);
            assertThat(busy.code()).isEqualTo("storage_unavailable");
            assertThat(busy.json().get("retryable").asBoolean()).isTrue();
            assertThat(busy.json().get("message").asText()).isEqualTo("the disk is full");

            broken.failure = () -> new CodedFailure("run_not_resumable", false);
            assertThat(http.post("/v1/runs/" + RUN_ID + "/resume").send().status())
                    .isEqualTo(409);
            broken.failure = () -> new CodedFailure("plan_not_found", false);
            assertThat(http.get("/v1/runs/" + RUN_ID).send().status()).isEqualTo(404);
            broken.failure = () -> new CodedFailure("invalid_whatever", false);
            assertThat(http.get("/v1/runs/" + RUN_ID).send().status()).isEqualTo(400);
            broken.failure = () -> new CodedFailure("engine_wedged", false);
            Http.Response wedged = http.get("/v1/runs/" + RUN_ID).send();
            assertThat(wedged.status()).isEqualTo(500);
            assertThat(wedged.code()).isEqualTo("engine_wedged");
            assertThat(logs.atLeast(Level.WARN)).hasSize(2);
        }
    }

    private static final class CodedFailure extends RuntimeException implements dev.cairn.json.CodedError {
        private static final long serialVersionUID = 1L;
        private final String code;
        private final boolean retryable;

        CodedFailure(String code, boolean retryable) {
            super("it failed with " + code);
            this.code = code;
            this.retryable = retryable;
        }

        @Override
        public String code() {
            return code;
        }

        @Override
        public boolean retryable() {
            return retryable;
        }

        @Override
        public String hint() {
            return "";
        }
    }
}
