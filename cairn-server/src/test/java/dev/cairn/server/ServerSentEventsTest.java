package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.LogLevel;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.LogLine;
import dev.cairn.runner.api.lease.TaskOutcome;
import dev.cairn.server.OpenApiConformance.SseEvent;
import dev.cairn.server.fixture.CapturedLogs;
import dev.cairn.server.fixture.FixtureServer;
import dev.cairn.server.fixture.Http;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Events and logs as server-sent events: resumption from a seq, keepalives, and the end of a stream. */
class ServerSentEventsTest {

    private FixtureServer server;
    private Http http;

    @BeforeEach
    void start() {
        server = FixtureServer.builder()
                .limits(ServerLimits.builder()
                        .sseHeartbeat(Duration.ofMillis(50))
                        .build())
                .start();
        http = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String submit(String... runners) {
        StringBuilder body = new StringBuilder("{\"mode\":\"remote\",\"runners\":[");
        for (int i = 0; i < runners.length; i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"name\":\"")
                    .append(runners[i])
                    .append("\"}");
        }
        body.append("]}");
        return http.post("/run")
                .json(body.toString())
                .send()
                .json()
                .get("runId")
                .asText();
    }

    private List<SseEvent> events(String runId, Map<String, String> headers, String query) {
        Http.Call call = http.get("/v1/runs/" + runId + "/events" + query);
        headers.forEach(call::header);
        Http.Response response = call.send();
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return SseEvent.parse(response.text());
    }

    @Test
    void aResumedStreamGetsExactlyTheEventsAfterTheLastId() {
        String runId = submit("build", "test", "lint");
        server.orchestrator().completeAll(runId, 2);
        List<SseEvent> all = events(runId, Map.of(), "");
        assertThat(all.size()).isGreaterThan(8);
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).id()).isEqualTo(Long.toString(i + 1));
        }
        assertThat(all.getLast().data()).contains("RunCompleted");

        for (int k : new int[] {0, 1, 5, all.size() - 1}) {
            List<SseEvent> resumed = events(runId, Map.of("Last-Event-ID", Integer.toString(k)), "");
            assertThat(resumed).as("after %d", k).isEqualTo(all.subList(k, all.size()));
            assertThat(events(runId, Map.of(), "?after_seq=" + k)).isEqualTo(resumed);
        }
        // A reconnecting EventSource sends Last-Event-ID and keeps the URL it started with.
        assertThat(events(runId, Map.of("Last-Event-ID", "3"), "?after_seq=1")).isEqualTo(all.subList(3, all.size()));
        // Resuming after the last event of an ended run: nothing more, the stream just ends.
        assertThat(events(runId, Map.of("Last-Event-ID", Integer.toString(all.size())), ""))
                .isEmpty();
    }

    /** Reads a live stream line by line on a thread of its own. */
    private static final class LiveStream implements AutoCloseable {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Thread reader;
        volatile boolean ended;
        private volatile Stream<String> body;

        LiveStream(Http.Call call) {
            reader = Thread.ofVirtual().start(() -> {
                HttpResponse<Stream<String>> response = call.send(HttpResponse.BodyHandlers.ofLines());
                body = response.body();
                try {
                    body.forEach(lines::add);
                } catch (RuntimeException e) {
                    // closed by the test
                }
                ended = true;
            });
        }

        /** Lines up to (and without) the next one that satisfies {@code until}; that one last. */
        List<String> readUntil(java.util.function.Predicate<String> until) throws InterruptedException {
            List<String> read = new ArrayList<>();
            while (true) {
                String line = lines.poll(30, TimeUnit.SECONDS);
                assertThat(line).as("a line arrives; read so far: %s", read).isNotNull();
                read.add(line);
                if (until.test(line)) {
                    return read;
                }
            }
        }

        List<SseEvent> rest() throws InterruptedException {
            reader.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(ended).as("the stream ended").isTrue();
            List<String> all = new ArrayList<>();
            lines.drainTo(all);
            return SseEvent.parse(String.join("\n", all));
        }

        @Override
        public void close() {
            if (body != null) {
                body.close();
            }
            reader.interrupt();
        }
    }

    private LeaseEnvelope lease(String capability) {
        List<LeaseEnvelope> leases = server.orchestrator()
                .leases()
                .acquire(new AcquireRequest("w", List.of(capability), new java.util.TreeMap<>(), 1, Duration.ZERO));
        assertThat(leases).hasSize(1);
        return leases.getFirst();
    }

    private void heartbeat(LeaseEnvelope lease, String... lines) {
        List<LogLine> logs = new ArrayList<>();
        for (String line : lines) {
            logs.add(new LogLine(1, LogLevel.INFO, "stdout", line));
        }
        server.orchestrator().leases().heartbeat(new Heartbeat(LeaseRef.of(lease), Optional.empty(), logs));
    }

    private void succeed(LeaseEnvelope lease) {
        server.orchestrator()
                .leases()
                .complete(new Completion(
                        LeaseRef.of(lease),
                        new TaskOutcome.Succeeded(Wire.mapper().createObjectNode(), List.of())));
    }

    @Test
    void aLiveStreamKeepsTheConnectionAliveAndEndsAfterRunCompleted() throws Exception {
        String runId = submit("build", "test");
        try (LiveStream stream = new LiveStream(http.get("/v1/runs/" + runId + "/events"))) {
            List<String> first = stream.readUntil(line -> line.equals(": keepalive"));
            assertThat(first).contains("id: 1", "event: kernel");

            LeaseEnvelope build = lease("build");
            stream.readUntil(line -> line.contains("\"StateEntered\""));
            succeed(build);
            stream.readUntil(line -> line.contains("\"StateCompleted\""));
            stream.readUntil(line -> line.equals(": keepalive"));
            server.orchestrator().completeAll(runId, 0);

            List<SseEvent> rest = stream.rest();
            assertThat(rest.getLast().name()).isEqualTo("kernel");
            assertThat(rest.getLast().data()).contains("RunCompleted");
        }
        // Everything the live stream saw is what the log holds.
        List<SseEvent> all = events(runId, Map.of(), "");
        assertThat(all.getLast().id())
                .isEqualTo(Long.toString(server.orchestrator().detail(runId).headSeq()));
    }

    @Test
    void aClientThatReconnectsMidRunMissesNothingAndSeesNothingTwice() throws Exception {
        String runId = submit("build", "test");
        List<String> seen = new ArrayList<>();
        try (LiveStream stream = new LiveStream(http.get("/v1/runs/" + runId + "/events"))) {
            LeaseEnvelope build = lease("build");
            succeed(build);
            for (String line : stream.readUntil(line -> line.contains("\"StateCompleted\""))) {
                if (line.startsWith("id: ")) {
                    seen.add(line.substring(4));
                }
            }
        }
        server.orchestrator().completeAll(runId, 0); // happens while the client is away
        List<SseEvent> after = events(runId, Map.of("Last-Event-ID", seen.getLast()), "");
        List<String> ids = new ArrayList<>(seen);
        after.forEach(e -> ids.add(e.id()));
        long head = server.orchestrator().detail(runId).headSeq();
        assertThat(ids).hasSize((int) head);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(ids.get(i)).isEqualTo(Long.toString(i + 1));
        }
        assertThat(after.getLast().data()).contains("RunCompleted");
    }

    @Test
    void followedLogsStreamUntilTheStepEndsAndResumeFromTheirCursor() throws Exception {
        String runId = submit("build", "test");
        LeaseEnvelope build = lease("build");
        List<SseEvent> lines;
        try (LiveStream stream = new LiveStream(http.get("/v1/runs/" + runId + "/logs?step=build&follow=true"))) {
            stream.readUntil(line -> line.equals(": keepalive"));
            heartbeat(build, "compiling", "linking");
            stream.readUntil(line -> line.contains("linking"));
            heartbeat(build, "done");
            succeed(build);
            lines = stream.rest();
        }
        // The run goes on (test is queued), but the step ended: the stream says so and stops.
        assertThat(lines).extracting(SseEvent::name).containsExactly("log", "end");
        assertThat(lines.getFirst().data()).contains("\"done\"");
        Http.Response page = http.get("/v1/runs/" + runId + "/logs?step=build").send();
        JsonNode logs = page.json().get("lines");
        assertThat(logs).hasSize(3);
        assertThat(logs.get(2).at("/line/message").asText()).isEqualTo("done");

        String cursor = logs.get(0).get("cursor").asText();
        Http.Response resumed = http.get("/v1/runs/" + runId + "/logs?step=build&follow=true")
                .header("Last-Event-ID", cursor)
                .send();
        List<SseEvent> rest = SseEvent.parse(resumed.text());
        assertThat(rest).extracting(SseEvent::name).containsExactly("log", "log", "end");
        assertThat(rest.get(0).data()).contains("linking");
        assertThat(rest.get(1).id()).isEqualTo(logs.get(2).get("cursor").asText());
    }

    @Test
    void aFailureAfterTheStreamBeganIsSentAsAnErrorEvent() throws Exception {
        String runId = submit("build");
        try (CapturedLogs logs = new CapturedLogs(ErrorMapping.class);
                LiveStream stream = new LiveStream(http.get("/v1/runs/" + runId + "/events"))) {
            stream.readUntil(line -> line.equals(": keepalive"));
            server.orchestrator().failNextEvents(StorageException.unavailable("the store is busy", null));
            List<SseEvent> rest = stream.rest();
            assertThat(logs.atLeast(ch.qos.logback.classic.Level.WARN)).hasSize(1);
            assertThat(rest).extracting(SseEvent::name).containsExactly("error");
            JsonNode envelope = Wire.read(rest.getFirst().data(), JsonNode.class);
            OpenApiConformance.assertValid(
                    OpenApiConformance.componentSchema("#/components/schemas/ErrorEnvelope"), envelope, "error event");
            assertThat(envelope.get("code").asText()).isEqualTo("storage_unavailable");
            assertThat(envelope.get("retryable").asBoolean()).isTrue();
        }
    }

    @Test
    void followingTheWholeRunEndsWhenTheRunEnds() {
        String runId = submit("build", "test");
        server.orchestrator().completeAll(runId, 2);
        List<SseEvent> lines = SseEvent.parse(
                http.get("/v1/runs/" + runId + "/logs?follow=true").send().text());
        assertThat(lines).extracting(SseEvent::name).containsExactly("log", "log", "log", "log", "end");
    }
}
