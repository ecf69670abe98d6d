package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.ArtifactIds;
import dev.cairn.server.fixture.FixtureServer;
import dev.cairn.server.fixture.Http;
import io.swagger.v3.oas.models.Operation;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every route of the server, on success and error paths, against {@code openapi.yaml}: status,
 * content type, body (and events, and headers) as the document says. The last check fails when an
 * operation of the document (those of {@code cairn worker} aside) was not exercised.
 */
class OpenApiConformanceTest {

    private static FixtureServer server;
    private static Http http;
    private static final OpenApiConformance CONFORMANCE = new OpenApiConformance();

    static final String HELLO_SPEC = "{\"op\":\"hello\",\"params\":{\"name\":{\"default\":\"world\"}},"
            + "\"steps\":[{\"id\":\"greet\",\"run\":\"echo hello ${{ params.name }}\"},"
            + "{\"id\":\"fanout\",\"run\":[\"true\"],\"regions\":[\"eu\",\"us\"],\"needs\":[\"greet\"]}]}";

    @BeforeAll
    static void start() {
        server = FixtureServer.builder()
                .requireAuth(true)
                .limits(ServerLimits.builder()
                        .maxBodyBytes(64 * 1024)
                        .maxArtifactBytes(1024 * 1024)
                        .sseHeartbeat(Duration.ofMillis(200))
                        .build())
                .start();
        http = new Http(server.uri());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http.Response check(String method, String template, Http.Call call) {
        return CONFORMANCE.check(method, template, call.send());
    }

    private static Http.Call client(String method, String path) {
        return http.call(method, path).bearer(server.clientToken());
    }

    private static Http.Call runner(String method, String path) {
        return http.call(method, path).bearer(server.runnerToken());
    }

    private static String submitRun() {
        return submitRun("build");
    }

    private static String submitRun(String firstRunner) {
        String body = "{\"runners\":[{\"name\":\"" + firstRunner
                + "\"},{\"name\":\"test\",\"region\":\"eu\"}],\"mode\":\"remote\"}";
        Http.Response r = check("POST", "/run", client("POST", "/run").json(body));
        assertThat(r.status()).isEqualTo(200);
        return r.json().get("runId").asText();
    }

    @TestFactory
    Stream<DynamicTest> everyOperationConformsToTheDocument() {
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("seed 003 orchestrator routes", OpenApiConformanceTest::seedRoutes));
        tests.add(DynamicTest.dynamicTest("pipelines and run listing", OpenApiConformanceTest::pipelinesAndListing));
        tests.add(DynamicTest.dynamicTest("run detail, cancel, resume, replay", OpenApiConformanceTest::runControl));
        tests.add(DynamicTest.dynamicTest("events and logs", OpenApiConformanceTest::eventsAndLogs));
        tests.add(DynamicTest.dynamicTest("artifacts", OpenApiConformanceTest::artifacts));
        tests.add(DynamicTest.dynamicTest("leases", OpenApiConformanceTest::leases));
        tests.add(DynamicTest.dynamicTest("batch completions", OpenApiConformanceTest::batchCompletions));
        tests.add(DynamicTest.dynamicTest("inline outputs", OpenApiConformanceTest::inlineOutputs));
        tests.add(DynamicTest.dynamicTest("operations", OpenApiConformanceTest::operations));
        tests.add(DynamicTest.dynamicTest(
                "every operation of openapi.yaml was exercised", OpenApiConformanceTest::everyOperationExercised));
        return tests.stream();
    }

    private static void seedRoutes() {
        String runId = submitRun();
        assertThat(check("GET", "/run/{runId}/status", client("GET", "/run/" + runId + "/status"))
                        .json()
                        .get("totalJobs")
                        .asInt())
                .isEqualTo(2);
        assertThat(check("GET", "/run/{runId}", client("GET", "/run/" + runId))
                        .json()
                        .get("jobs"))
                .hasSize(2);
        server.orchestrator().completeAll(runId, 1);
        JsonNode summary =
                check("GET", "/run/{runId}", client("GET", "/run/" + runId)).json();
        assertThat(summary.get("state").asText()).isEqualTo("completed");
        assertThat(summary.at("/summary/passed").asInt()).isEqualTo(2);

        assertThat(check("POST", "/run", client("POST", "/run").json("{\"mode\":\"local\"}"))
                        .code())
                .isEqualTo("missing_field");
        assertThat(check("POST", "/run", client("POST", "/run").json("{\"runners\":[],\"mode\":\"local\"}"))
                        .code())
                .isEqualTo("invalid_field");
        assertThat(check(
                                "POST",
                                "/run",
                                client("POST", "/run")
                                        .header("Content-Type", "text/plain")
                                        .json("{\"runners\":[{\"name\":\"a\"}],\"mode\":\"local\"}"))
                        .status())
                .isEqualTo(415);
        assertThat(check("POST", "/run", client("POST", "/run").json("{\"pad\":\"" + "x".repeat(70_000) + "\"}"))
                        .status())
                .isEqualTo(413);
        assertThat(check("POST", "/run", http.post("/run").json("{}")).status()).isEqualTo(401);
        assertThat(check("POST", "/run", runner("POST", "/run").json("{}")).status())
                .isEqualTo(403);
        assertThat(check("GET", "/run/{runId}/status", client("GET", "/run/no-such-run/status"))
                        .code())
                .isEqualTo("run_not_found");
        assertThat(check("GET", "/run/{runId}", client("GET", "/run/0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30"))
                        .code())
                .isEqualTo("run_not_found");
    }

    private static void pipelinesAndListing() {
        Http.Response accepted = check(
                "POST",
                "/v1/pipelines/run",
                client("POST", "/v1/pipelines/run")
                        .json("{\"spec\":" + HELLO_SPEC + ",\"params\":{\"name\":\"Ada\"}}"));
        assertThat(accepted.status()).isEqualTo(202);
        String runId = accepted.json().get("runId").asText();
        Http.Response invalid = check(
                "POST",
                "/v1/pipelines/run",
                client("POST", "/v1/pipelines/run")
                        .json("{\"spec\":{\"op\":\"Bad Op\",\"steps\":[{\"id\":\"x\",\"run\":7,\"bogus\":1}]}}"));
        assertThat(invalid.code()).isEqualTo("invalid_spec");
        assertThat(invalid.json().at("/details/errors").size()).isGreaterThanOrEqualTo(2);
        assertThat(invalid.json().at("/details/errors/0/line").asInt()).isPositive();
        assertThat(check(
                                "POST",
                                "/v1/pipelines/run",
                                client("POST", "/v1/pipelines/run").json("{\"params\":{}}"))
                        .code())
                .isEqualTo("missing_field");

        for (int i = 0; i < 3; i++) {
            submitRun();
        }
        JsonNode first =
                check("GET", "/v1/runs", client("GET", "/v1/runs?limit=2")).json();
        assertThat(first.get("runs")).hasSize(2);
        String cursor = first.get("next_cursor").asText();
        JsonNode second = check("GET", "/v1/runs", client("GET", "/v1/runs?limit=2&cursor=" + cursor))
                .json();
        assertThat(second.get("runs")).hasSize(2);
        assertThat(second.at("/runs/0/run_id").asText())
                .isNotEqualTo(first.at("/runs/0/run_id").asText());
        JsonNode queued = check("GET", "/v1/runs", client("GET", "/v1/runs?state=queued&limit=500"))
                .json();
        assertThat(queued.get("runs"))
                .allSatisfy(run -> assertThat(run.get("state").asText()).isEqualTo("queued"));
        assertThat(queued.toString()).contains(runId);
        assertThat(check("GET", "/v1/runs", client("GET", "/v1/runs?state=done"))
                        .code())
                .isEqualTo("invalid_parameter");
        assertThat(check("GET", "/v1/runs", client("GET", "/v1/runs?cursor=bm90LWEtY3Vyc29y"))
                        .code())
                .isEqualTo("invalid_cursor");
        assertThat(check("GET", "/v1/runs", client("GET", "/v1/runs?status=failed"))
                        .code())
                .isEqualTo("unknown_parameter");
    }

    private static void runControl() {
        String runId = submitRun();
        JsonNode detail = check("GET", "/v1/runs/{runId}", client("GET", "/v1/runs/" + runId))
                .json();
        assertThat(detail.get("steps")).hasSize(2);
        assertThat(check("GET", "/v1/runs/{runId}", client("GET", "/v1/runs/not-a-uuid"))
                        .code())
                .isEqualTo("invalid_id");
        assertThat(check("GET", "/v1/runs/{runId}", client("GET", "/v1/runs/0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30"))
                        .code())
                .isEqualTo("run_not_found");

        Http.Response cancelled =
                check("POST", "/v1/runs/{runId}/cancel", client("POST", "/v1/runs/" + runId + "/cancel"));
        assertThat(cancelled.status()).isEqualTo(202);
        assertThat(cancelled.json().get("state").asText()).isEqualTo("failed");
        assertThat(check("POST", "/v1/runs/{runId}/cancel", client("POST", "/v1/runs/not-a-uuid/cancel"))
                        .status())
                .isEqualTo(400);

        assertThat(check("POST", "/v1/runs/{runId}/resume", client("POST", "/v1/runs/" + runId + "/resume"))
                        .status())
                .isEqualTo(202);
        assertThat(check(
                                "POST",
                                "/v1/runs/{runId}/resume",
                                client("POST", "/v1/runs/0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30/resume"))
                        .status())
                .isEqualTo(404);

        JsonNode replay = check("POST", "/v1/runs/{runId}/replay", client("POST", "/v1/runs/" + runId + "/replay"))
                .json();
        assertThat(replay.get("verified").asBoolean()).isTrue();
        assertThat(check(
                                "POST",
                                "/v1/runs/{runId}/replay",
                                client("POST", "/v1/runs/0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30/replay"))
                        .code())
                .isEqualTo("run_not_found");
    }

    private static void eventsAndLogs() {
        String runId = submitRun();
        server.orchestrator().completeAll(runId, 3);
        Http.Response events = check("GET", "/v1/runs/{runId}/events", client("GET", "/v1/runs/" + runId + "/events"));
        List<OpenApiConformance.SseEvent> parsed = OpenApiConformance.SseEvent.parse(events.text());
        assertThat(parsed.getLast().data()).contains("RunCompleted");
        assertThat(parsed).extracting(OpenApiConformance.SseEvent::name).contains("kernel", "domain");
        assertThat(check(
                                "GET",
                                "/v1/runs/{runId}/events",
                                client("GET", "/v1/runs/0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30/events"))
                        .status())
                .isEqualTo(404);
        assertThat(check("GET", "/v1/runs/{runId}/events", client("GET", "/v1/runs/" + runId + "/events?after_seq=-1"))
                        .code())
                .isEqualTo("invalid_cursor");

        JsonNode page = check("GET", "/v1/runs/{runId}/logs", client("GET", "/v1/runs/" + runId + "/logs?limit=4"))
                .json();
        assertThat(page.get("lines")).hasSize(4);
        Http.Response followed = check(
                "GET", "/v1/runs/{runId}/logs", client("GET", "/v1/runs/" + runId + "/logs?step=build&follow=true"));
        List<OpenApiConformance.SseEvent> lines = OpenApiConformance.SseEvent.parse(followed.text());
        assertThat(lines).extracting(OpenApiConformance.SseEvent::name).containsExactly("log", "log", "log", "end");
        assertThat(check("GET", "/v1/runs/{runId}/logs", client("GET", "/v1/runs/" + runId + "/logs?follow=yes"))
                        .code())
                .isEqualTo("invalid_parameter");
        assertThat(check(
                                "GET",
                                "/v1/runs/{runId}/logs",
                                client("GET", "/v1/runs/" + runId + "/logs?step=nope&follow=true"))
                        .code())
                .isEqualTo("step_not_found");
    }

    private static void artifacts() {
        byte[] bytes = "a small artifact\n".getBytes(StandardCharsets.UTF_8);
        String id = ArtifactIds.ofBytes(bytes);
        Http.Response uploaded = check(
                "POST",
                "/v1/artifacts",
                client("POST", "/v1/artifacts")
                        .header("Content-Type", "application/octet-stream")
                        .body(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        assertThat(uploaded.status()).isEqualTo(201);
        assertThat(uploaded.json().get("artifact_id").asText()).isEqualTo(id);
        assertThat(check(
                                "POST",
                                "/v1/artifacts",
                                runner("POST", "/v1/artifacts")
                                        .header("Content-Type", "application/octet-stream")
                                        .header("X-Cairn-Artifact-Kind", "Other")
                                        .header("Repr-Digest", digest(id))
                                        .body(HttpRequest.BodyPublishers.ofByteArray(bytes)))
                        .status())
                .isEqualTo(201);
        assertThat(check(
                                "POST",
                                "/v1/artifacts",
                                client("POST", "/v1/artifacts")
                                        .header("Content-Type", "application/json")
                                        .body(HttpRequest.BodyPublishers.ofByteArray(bytes)))
                        .status())
                .isEqualTo(415);
        assertThat(check(
                                "POST",
                                "/v1/artifacts",
                                client("POST", "/v1/artifacts")
                                        .header("Content-Type", "application/octet-stream")
                                        .header("Repr-Digest", digest(ArtifactIds.ofBytes(new byte[0])))
                                        .body(HttpRequest.BodyPublishers.ofByteArray(bytes)))
                        .code())
                .isEqualTo("digest_mismatch");
        assertThat(check(
                                "POST",
                                "/v1/artifacts",
                                client("POST", "/v1/artifacts")
                                        .header("Content-Type", "application/octet-stream")
                                        .body(HttpRequest.BodyPublishers.ofByteArray(new byte[2 * 1024 * 1024])))
                        .status())
                .isEqualTo(413);

        Http.Response download = check("GET", "/v1/artifacts/{artifactId}", runner("GET", "/v1/artifacts/" + id));
        assertThat(download.body()).isEqualTo(bytes);
        assertThat(download.header("Repr-Digest")).contains(digest(id));
        assertThat(check(
                                "GET",
                                "/v1/artifacts/{artifactId}",
                                client("GET", "/v1/artifacts/" + id).header("If-None-Match", "\"" + id + "\""))
                        .status())
                .isEqualTo(304);
        String absent = "0".repeat(64);
        assertThat(check("GET", "/v1/artifacts/{artifactId}", client("GET", "/v1/artifacts/" + absent))
                        .code())
                .isEqualTo("artifact_not_found");
        assertThat(check("GET", "/v1/artifacts/{artifactId}", client("GET", "/v1/artifacts/ABC"))
                        .code())
                .isEqualTo("invalid_id");

        Http.Response head = check("HEAD", "/v1/artifacts/{artifactId}", client("HEAD", "/v1/artifacts/" + id));
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Length")).contains(Integer.toString(bytes.length));
        assertThat(check("HEAD", "/v1/artifacts/{artifactId}", client("HEAD", "/v1/artifacts/" + absent))
                        .status())
                .isEqualTo(404);
        assertThat(check("HEAD", "/v1/artifacts/{artifactId}", client("HEAD", "/v1/artifacts/xyz"))
                        .status())
                .isEqualTo(400);
    }

    static String digest(String id) {
        return "sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(id)) + ":";
    }

    private static void leases() {
        String runId = submitRun("package");
        String acquire = "{\"worker_id\":\"w1\",\"capabilities\":[\"package\"],\"max\":4,"
                + "\"max_wait\":{\"secs\":0,\"nanos\":0}}";
        JsonNode batch = check(
                        "POST",
                        "/v1/leases/acquire",
                        runner("POST", "/v1/leases/acquire").json(acquire))
                .json();
        assertThat(batch.get("leases")).hasSize(1);
        String taskId = batch.at("/leases/0/task/id").asText();
        long epoch = batch.at("/leases/0/task/attempts").asLong();
        assertThat(check(
                                "POST",
                                "/v1/leases/acquire",
                                runner("POST", "/v1/leases/acquire").json(acquire))
                        .json()
                        .get("leases"))
                .isEmpty();
        assertThat(check(
                                "POST",
                                "/v1/leases/acquire",
                                client("POST", "/v1/leases/acquire").json(acquire))
                        .code())
                .isEqualTo("forbidden");
        assertThat(check(
                                "POST",
                                "/v1/leases/acquire",
                                runner("POST", "/v1/leases/acquire").json("{\"worker_id\":\"w1\",\"max\":1}"))
                        .code())
                .isEqualTo("missing_field");

        String heartbeat = "{\"lease\":{\"task_id\":\"" + taskId + "\",\"epoch\":" + epoch
                + "},\"progress\":{\"done\":1},\"logs\":[{\"ts_millis\":1,\"level\":\"Info\",\"stream\":\"stdout\","
                + "\"message\":\"working\"}]}";
        JsonNode answer = check(
                        "POST",
                        "/v1/leases/{taskId}/heartbeat",
                        runner("POST", "/v1/leases/" + taskId + "/heartbeat").json(heartbeat))
                .json();
        assertThat(answer.get("cancel").asBoolean()).isFalse();
        String otherTask = "0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30";
        assertThat(check(
                                "POST",
                                "/v1/leases/{taskId}/heartbeat",
                                runner("POST", "/v1/leases/" + otherTask + "/heartbeat")
                                        .json(heartbeat))
                        .code())
                .isEqualTo("task_id_mismatch");
        assertThat(check(
                                "POST",
                                "/v1/leases/{taskId}/heartbeat",
                                runner("POST", "/v1/leases/" + otherTask + "/heartbeat")
                                        .json(heartbeat.replace(taskId, otherTask)))
                        .code())
                .isEqualTo("unknown_task");

        // The lease expires and is granted again: the first holder is fenced off.
        server.clock().advance(Duration.ofSeconds(31));
        JsonNode regranted = check(
                        "POST",
                        "/v1/leases/acquire",
                        runner("POST", "/v1/leases/acquire").json(acquire))
                .json();
        assertThat(regranted.at("/leases/0/task/attempts").asLong()).isEqualTo(epoch + 1);
        Http.Response stale = check(
                "POST",
                "/v1/leases/{taskId}/heartbeat",
                runner("POST", "/v1/leases/" + taskId + "/heartbeat").json(heartbeat));
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.code()).isEqualTo("stale_lease");

        String completion = "{\"lease\":{\"task_id\":\"" + taskId + "\",\"epoch\":%d},\"outcome\":{\"Succeeded\":"
                + "{\"result\":{\"exit_code\":0},\"outputs\":[]}}}";
        Http.Response late = check(
                "POST",
                "/v1/leases/{taskId}/complete",
                runner("POST", "/v1/leases/" + taskId + "/complete").json(completion.formatted(epoch)));
        assertThat(late.code()).isEqualTo("stale_lease");
        Http.Response done = check(
                "POST",
                "/v1/leases/{taskId}/complete",
                runner("POST", "/v1/leases/" + taskId + "/complete").json(completion.formatted(epoch + 1)));
        assertThat(done.status()).isEqualTo(204);
        assertThat(check(
                                "POST",
                                "/v1/leases/{taskId}/complete",
                                runner("POST", "/v1/leases/" + taskId + "/complete")
                                        .json("{\"lease\":{}}"))
                        .status())
                .isEqualTo(400);
        assertThat(server.orchestrator()
                        .detail(runId)
                        .steps()
                        .getFirst()
                        .state()
                        .name())
                .isEqualTo("COMPLETED");
    }

    private static JsonNode acquirePackage() {
        String acquire = "{\"worker_id\":\"w2\",\"capabilities\":[\"package\"],\"max\":4,"
                + "\"max_wait\":{\"secs\":0,\"nanos\":0}}";
        return check(
                        "POST",
                        "/v1/leases/acquire",
                        runner("POST", "/v1/leases/acquire").json(acquire))
                .json()
                .get("leases");
    }

    private static String completion(String taskId, long epoch) {
        return "{\"lease\":{\"task_id\":\"" + taskId + "\",\"epoch\":" + epoch + "},\"outcome\":{\"Succeeded\":"
                + "{\"result\":{\"exit_code\":0},\"outputs\":[]}}}";
    }

    private static Http.Response completeBatch(Http.Call call, String... completions) {
        return check(
                "POST", "/v1/leases/complete", call.json("{\"completions\":[" + String.join(",", completions) + "]}"));
    }

    /**
     * One batch holding a stale epoch, a good one, an unknown task, the current epoch of the stale
     * one's task and a repeat: each answered on its own, in order, and the good ones recorded.
     */
    private static void batchCompletions() {
        String first = submitRun("package");
        JsonNode leased = acquirePackage();
        assertThat(leased).hasSize(1);
        String a = leased.at("/0/task/id").asText();
        server.clock().advance(Duration.ofSeconds(31)); // the lease expires and the task is granted again
        JsonNode again = acquirePackage();
        assertThat(again.at("/0/task/id").asText()).isEqualTo(a);
        assertThat(again.at("/0/task/attempts").asLong()).isEqualTo(2);
        String second = submitRun("package");
        JsonNode other = acquirePackage();
        assertThat(other).hasSize(1);
        String b = other.at("/0/task/id").asText();
        String unknown = "0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30";

        Http.Response answered = completeBatch(
                runner("POST", "/v1/leases/complete"),
                completion(a, 1),
                completion(b, 1),
                completion(unknown, 1),
                completion(a, 2),
                completion(b, 1));
        assertThat(answered.status()).isEqualTo(200);
        JsonNode results = answered.json().get("results");
        assertThat(results).hasSize(5);
        List<String> statuses = new ArrayList<>();
        results.forEach(r -> statuses.add(r.get("status").asText()));
        assertThat(statuses).containsExactly("stale_lease", "done", "unknown_task", "done", "done");
        assertThat(results.at("/0/lease/task_id").asText()).isEqualTo(a);
        assertThat(results.at("/0/message").asText()).contains("epoch 1").contains("current epoch 2");
        assertThat(results.at("/2/message").asText()).contains(unknown);
        assertThat(results.at("/1/message").isMissingNode()
                        || results.at("/1/message").isNull())
                .isTrue();
        for (String runId : List.of(first, second)) {
            assertThat(server.orchestrator()
                            .detail(runId)
                            .steps()
                            .getFirst()
                            .state()
                            .name())
                    .isEqualTo("COMPLETED");
        }

        // bad input: typed errors, never a 5xx
        Http.Response empty = completeBatch(runner("POST", "/v1/leases/complete"));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.code()).isEqualTo("invalid_field");
        String[] tooMany = new String[257];
        java.util.Arrays.fill(tooMany, completion(b, 1));
        Http.Response many = completeBatch(runner("POST", "/v1/leases/complete"), tooMany);
        assertThat(many.status()).isEqualTo(400);
        assertThat(many.code()).isEqualTo("invalid_field");
        Http.Response malformed = completeBatch(
                runner("POST", "/v1/leases/complete"),
                completion(b, 1),
                "{\"lease\":{\"task_id\":\"" + b + "\",\"epoch\":1}}");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.code()).isEqualTo("missing_field");
        assertThat(malformed.json().at("/details/pointer").asText()).isEqualTo("/completions/1/outcome");
        Http.Response badEpoch = completeBatch(runner("POST", "/v1/leases/complete"), completion(b, 0));
        assertThat(badEpoch.status()).isEqualTo(400);
        assertThat(check(
                                "POST",
                                "/v1/leases/complete",
                                runner("POST", "/v1/leases/complete").json("[" + completion(b, 1) + "]"))
                        .status())
                .isEqualTo(400);
        assertThat(check(
                                "POST",
                                "/v1/leases/complete",
                                client("POST", "/v1/leases/complete").json("{}"))
                        .code())
                .isEqualTo("forbidden");
        assertThat(check(
                                "POST",
                                "/v1/leases/complete",
                                http.post("/v1/leases/complete").json("{}"))
                        .status())
                .isEqualTo(401);
    }

    private static String inlineOutput(String artifactId, byte[] content) {
        return "{\"artifact_id\":\"" + artifactId + "\",\"content\":\""
                + Base64.getEncoder().encodeToString(content) + "\"}";
    }

    private static String completionNaming(String taskId, long epoch, String artifactId, int size) {
        return "{\"lease\":{\"task_id\":\"" + taskId + "\",\"epoch\":" + epoch + "},\"outcome\":{\"Succeeded\":"
                + "{\"result\":{\"exit_code\":0},\"outputs\":[{\"key\":\"out.txt\",\"artifact_id\":\"" + artifactId
                + "\",\"mime\":\"text/plain\",\"size_bytes\":" + size + "}]}}}";
    }

    private static String stepState(String runId) {
        return server.orchestrator().detail(runId).steps().getFirst().state().name();
    }

    /**
     * Outputs inside the completion, on both routes: a mismatching one stores and records nothing;
     * good ones are readable at once, and the completion is recorded.
     */
    private static void inlineOutputs() {
        byte[] bytes = ("inline output " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        String id = ArtifactIds.ofBytes(bytes);
        String runA = submitRun("package");
        JsonNode leased = acquirePackage();
        String a = leased.at("/0/task/id").asText();
        long epochA = leased.at("/0/task/attempts").asLong();

        byte[] other = "not those bytes".getBytes(StandardCharsets.UTF_8);
        Http.Response mismatch = check(
                "POST",
                "/v1/leases/complete",
                runner("POST", "/v1/leases/complete?inline_outputs=true")
                        .json("{\"completions\":[" + completionNaming(a, epochA, id, bytes.length)
                                + "],\"inline_outputs\":[" + inlineOutput(id, other) + "]}"));
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.code()).isEqualTo("digest_mismatch");
        assertThat(mismatch.json().at("/details/pointer").asText()).isEqualTo("/inline_outputs/0");
        assertThat(check("HEAD", "/v1/artifacts/{artifactId}", client("HEAD", "/v1/artifacts/" + id))
                        .status())
                .isEqualTo(404);
        assertThat(stepState(runA)).isNotEqualTo("COMPLETED");

        Http.Response batch = check(
                "POST",
                "/v1/leases/complete",
                runner("POST", "/v1/leases/complete?inline_outputs=true")
                        .json("{\"completions\":[" + completionNaming(a, epochA, id, bytes.length)
                                + "],\"inline_outputs\":[" + inlineOutput(id, bytes) + "]}"));
        assertThat(batch.status()).isEqualTo(200);
        assertThat(batch.json().at("/results/0/status").asText()).isEqualTo("done");
        Http.Response download = check("GET", "/v1/artifacts/{artifactId}", client("GET", "/v1/artifacts/" + id));
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(bytes);
        assertThat(stepState(runA)).isEqualTo("COMPLETED");

        byte[] single = ("single route " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        String singleId = ArtifactIds.ofBytes(single);
        String runB = submitRun("package");
        JsonNode leasedB = acquirePackage();
        String b = leasedB.at("/0/task/id").asText();
        long epochB = leasedB.at("/0/task/attempts").asLong();
        String body = completionNaming(b, epochB, singleId, single.length);
        body = body.substring(0, body.length() - 1) + ",\"inline_outputs\":[" + inlineOutput(singleId, single) + "]}";
        Http.Response one = check(
                "POST",
                "/v1/leases/{taskId}/complete",
                runner("POST", "/v1/leases/" + b + "/complete?inline_outputs=true")
                        .json(body));
        assertThat(one.status()).isEqualTo(204);
        assertThat(check("GET", "/v1/artifacts/{artifactId}", client("GET", "/v1/artifacts/" + singleId))
                        .body())
                .isEqualTo(single);
        assertThat(stepState(runB)).isEqualTo("COMPLETED");
        assertThat(check(
                                "POST",
                                "/v1/leases/{taskId}/complete",
                                runner("POST", "/v1/leases/" + b + "/complete?inline_outputs=maybe")
                                        .json(body))
                        .code())
                .isEqualTo("invalid_parameter");
    }

    private static void operations() {
        assertThat(check("GET", "/healthz", http.get("/healthz"))
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("ok");
        Http.Response metrics = check("GET", "/metrics", http.get("/metrics"));
        assertThat(metrics.text()).contains("cairn_http_server_requests_seconds_count{");
        Http.Response document = check("GET", "/openapi.yaml", http.get("/openapi.yaml"));
        assertThat(document.text()).isEqualTo(OpenApiConformance.YAML_TEXT);
        Http.Response unknown = http.get("/v2/nothing").send();
        assertThat(unknown.status()).isEqualTo(404);
        OpenApiConformance.assertValid(
                OpenApiConformance.componentSchema("#/components/schemas/ErrorEnvelope"), unknown.json(), "404");
    }

    private static void everyOperationExercised() {
        TreeSet<String> expected = new TreeSet<>();
        OpenApiConformance.operations().forEach((key, operation) -> {
            if (!OpenApiConformance.servedByWorker(operation)) {
                expected.add(key);
            }
        });
        TreeSet<String> missing = new TreeSet<>(expected);
        missing.removeAll(CONFORMANCE.exercised());
        assertThat(missing).as("operations of openapi.yaml no test exercised").isEmpty();
    }

    @Test
    void theRouteTableIsTheDocument() {
        TreeSet<String> served = new TreeSet<>();
        for (Router.Route route : server.server().routes()) {
            String key = route.method().toLowerCase(Locale.ROOT) + " " + route.template();
            served.add(key);
            assertThat(route.access().kinds().stream().map(TokenKind::wireName).toList())
                    .as("token kinds of %s", key)
                    .isEqualTo(
                            OpenApiConformance.tokenKinds(route.method().toLowerCase(Locale.ROOT), route.template()));
        }
        TreeSet<String> documented = new TreeSet<>();
        for (Map.Entry<String, Operation> entry :
                OpenApiConformance.operations().entrySet()) {
            if (!OpenApiConformance.servedByWorker(entry.getValue())) {
                documented.add(entry.getKey());
            }
        }
        assertThat(served).isEqualTo(documented);
        assertThat(OpenApiConformance.operations().entrySet().stream()
                        .filter(e -> OpenApiConformance.servedByWorker(e.getValue()))
                        .map(Map.Entry::getKey)
                        .toList())
                .containsExactly("get /info", "post /execute");
    }
}
