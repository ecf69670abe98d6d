package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.server.fixture.FixtureServer;
import dev.cairn.server.fixture.Http;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed requests, each answered with its typed error (status, code, and where the problem is)
 * and never a 5xx; every answer is a valid error envelope.
 */
class MalformedRequestsTest {

    private static final String OTHER_UUID = "0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30";
    private static final String RUN_REQUEST = "{\"runners\":[{\"name\":\"a\"}],\"mode\":\"local\"}";

    private static FixtureServer server;
    private static Http http;
    private static String runId;
    private static String revokedToken;

    @BeforeAll
    static void start() {
        server = FixtureServer.builder()
                .requireAuth(true)
                .limits(ServerLimits.builder()
                        .maxBodyBytes(64 * 1024)
                        .sseHeartbeat(Duration.ofMillis(200))
                        .build())
                .start();
        http = new Http(server.uri());
        runId = http.post("/run")
                .bearer(server.clientToken())
                .json(RUN_REQUEST)
                .send()
                .json()
                .get("runId")
                .asText();
        Tokens tokens = new Tokens(server.tokenStore());
        revokedToken = tokens.create(TokenKind.CLIENT, "soon-revoked").token();
        assertThat(tokens.revoke("soon-revoked")).isTrue();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Who sends the request. */
    enum As {
        CLIENT,
        RUNNER,
        NOBODY
    }

    /**
     * One malformed request and the answer it must get.
     *
     * @param pointer the expected {@code details.pointer}, or {@code null} when not checked
     */
    record Case(
            String name,
            String method,
            String path,
            As as,
            Map<String, String> headers,
            String body,
            int status,
            String code,
            String pointer) {

        @Override
        public String toString() {
            return name;
        }
    }

    private static final class Cases {
        private final List<Case> cases = new ArrayList<>();

        Cases add(String name, String method, String path, As as, String body, int status, String code) {
            return add(name, method, path, as, Map.of(), body, status, code, null);
        }

        Cases add(
                String name,
                String method,
                String path,
                As as,
                Map<String, String> headers,
                String body,
                int status,
                String code,
                String pointer) {
            Map<String, String> all = new LinkedHashMap<>();
            if (body != null && !headers.containsKey("Content-Type")) {
                all.put("Content-Type", path.equals("/v1/artifacts") ? "application/octet-stream" : "application/json");
            }
            all.putAll(headers);
            all.values().removeIf(v -> v == null);
            cases.add(new Case(name, method, path, as, all, body, status, code, pointer));
            return this;
        }

        Cases json(String name, String method, String path, As as, String body, String code, String pointer) {
            return add(name, method, path, as, Map.of(), body, 400, code, pointer);
        }
    }

    /** The SHA-256 of {@code hello\n} ({@code aGVsbG8K} in base64). */
    private static final String HELLO_ID = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

    private static String inline(String artifactId, String base64) {
        return "{\"artifact_id\":\"" + artifactId + "\",\"content\":\"" + base64 + "\"}";
    }

    private static String batchWith(String inlineOutputs) {
        return "{\"completions\":[{\"lease\":{\"task_id\":\"" + OTHER_UUID
                + "\",\"epoch\":1},\"outcome\":\"Cancelled\"}],\"inline_outputs\":[" + inlineOutputs + "]}";
    }

    static Stream<Case> cases() {
        String lease = "{\"lease\":{\"task_id\":\"" + OTHER_UUID + "\",\"epoch\":1},\"outcome\":\"Cancelled\"}";
        String nested = "{\"runners\":" + "[".repeat(200) + "]".repeat(200) + ",\"mode\":\"local\"}";
        Map<String, String> noContentType = new LinkedHashMap<>();
        noContentType.put("Content-Type", null);
        return new Cases()
                        // Bodies that are not JSON, or not the type.
                        .json("truncated JSON", "POST", "/run", As.CLIENT, "{\"runners\": [", "invalid_json", null)
                        .json("trailing data", "POST", "/run", As.CLIENT, RUN_REQUEST + " x", "invalid_json", null)
                        .json(
                                "duplicate key",
                                "POST",
                                "/run",
                                As.CLIENT,
                                "{\"mode\":\"local\",\"mode\":\"remote\",\"runners\":[{\"name\":\"a\"}]}",
                                "duplicate_key",
                                null)
                        .json(
                                "runners is not a list",
                                "POST",
                                "/run",
                                As.CLIENT,
                                "{\"runners\":\"a\",\"mode\":\"local\"}",
                                "wire_format",
                                "/runners")
                        .json(
                                "mode missing",
                                "POST",
                                "/run",
                                As.CLIENT,
                                "{\"runners\":[{\"name\":\"a\"}]}",
                                "missing_field",
                                "/mode")
                        .json(
                                "unknown mode",
                                "POST",
                                "/run",
                                As.CLIENT,
                                "{\"runners\":[{\"name\":\"a\"}],\"mode\":\"cloud\"}",
                                "wire_format",
                                "/mode")
                        .json(
                                "concurrency zero",
                                "POST",
                                "/run",
                                As.CLIENT,
                                "{\"runners\":[{\"name\":\"a\"}],\"mode\":\"local\",\"concurrency\":0}",
                                "invalid_field",
                                null)
                        .json(
                                "concurrency as a string",
                                "POST",
                                "/run",
                                As.CLIENT,
                                "{\"runners\":[{\"name\":\"a\"}],\"mode\":\"local\",\"concurrency\":\"2\"}",
                                "wire_format",
                                "/concurrency")
                        .json(
                                "empty runner name",
                                "POST",
                                "/run",
                                As.CLIENT,
                                "{\"runners\":[{\"name\":\"\"}],\"mode\":\"local\"}",
                                "invalid_field",
                                null)
                        .json("nesting too deep", "POST", "/run", As.CLIENT, nested, "too_deep", null)
                        .add("empty body", "POST", "/run", As.CLIENT, "", 400, "missing_body")
                        .add(
                                "text/plain body",
                                "POST",
                                "/run",
                                As.CLIENT,
                                Map.of("Content-Type", "text/plain"),
                                RUN_REQUEST,
                                415,
                                "unsupported_media_type",
                                null)
                        .add(
                                "no content type",
                                "POST",
                                "/run",
                                As.CLIENT,
                                noContentType,
                                RUN_REQUEST,
                                415,
                                "unsupported_media_type",
                                null)
                        .add(
                                "body over the limit",
                                "POST",
                                "/run",
                                As.CLIENT,
                                "{\"pad\":\"" + "x".repeat(70_000) + "\"}",
                                413,
                                "body_too_large")
                        // Pipeline specs: every error at once, each placed.
                        .json(
                                "spec with an unknown field",
                                "POST",
                                "/v1/pipelines/run",
                                As.CLIENT,
                                "{\"spec\":{\"op\":\"x\",\"steps\":[{\"id\":\"a\",\"run\":\"true\"}],\"stepz\":[]}}",
                                "invalid_spec",
                                null)
                        .json(
                                "spec without steps",
                                "POST",
                                "/v1/pipelines/run",
                                As.CLIENT,
                                "{\"spec\":{\"op\":\"x\"}}",
                                "invalid_spec",
                                null)
                        .json(
                                "param that is not a string",
                                "POST",
                                "/v1/pipelines/run",
                                As.CLIENT,
                                "{\"spec\":{\"op\":\"x\",\"steps\":[]},\"params\":{\"n\":3}}",
                                "wire_format",
                                "/params/n")
                        .json(
                                "undeclared param",
                                "POST",
                                "/v1/pipelines/run",
                                As.CLIENT,
                                "{\"spec\":{\"op\":\"x\",\"steps\":[{\"id\":\"a\",\"run\":\"true\"}]},\"params\":{\"n\":\"3\"}}",
                                "invalid_spec",
                                null)
                        // Parameters.
                        .json("limit zero", "GET", "/v1/runs?limit=0", As.CLIENT, null, "invalid_parameter", null)
                        .json(
                                "limit not a number",
                                "GET",
                                "/v1/runs?limit=abc",
                                As.CLIENT,
                                null,
                                "invalid_parameter",
                                null)
                        .json(
                                "limit too large",
                                "GET",
                                "/v1/runs?limit=501",
                                As.CLIENT,
                                null,
                                "invalid_parameter",
                                null)
                        .json(
                                "state in capitals",
                                "GET",
                                "/v1/runs?state=FAILED",
                                As.CLIENT,
                                null,
                                "invalid_parameter",
                                null)
                        .json(
                                "cursor from nowhere",
                                "GET",
                                "/v1/runs?cursor=garbage",
                                As.CLIENT,
                                null,
                                "invalid_cursor",
                                null)
                        .json(
                                "limit given twice",
                                "GET",
                                "/v1/runs?limit=1&limit=2",
                                As.CLIENT,
                                null,
                                "invalid_parameter",
                                null)
                        .json(
                                "unknown parameter",
                                "GET",
                                "/v1/runs?status=failed",
                                As.CLIENT,
                                null,
                                "unknown_parameter",
                                null)
                        .json(
                                "parameter on a route without",
                                "POST",
                                "/v1/runs/{run}/cancel?now=1",
                                As.CLIENT,
                                null,
                                "unknown_parameter",
                                null)
                        .json("run id not a UUID", "GET", "/v1/runs/not-a-uuid", As.CLIENT, null, "invalid_id", null)
                        .json(
                                "after_seq not a number",
                                "GET",
                                "/v1/runs/{run}/events?after_seq=abc",
                                As.CLIENT,
                                null,
                                "invalid_cursor",
                                null)
                        .add(
                                "Last-Event-ID not a seq",
                                "GET",
                                "/v1/runs/{run}/events",
                                As.CLIENT,
                                Map.of("Last-Event-ID", "xyz"),
                                null,
                                400,
                                "invalid_cursor",
                                null)
                        .json(
                                "negative log cursor",
                                "GET",
                                "/v1/runs/{run}/logs?after=-5",
                                As.CLIENT,
                                null,
                                "invalid_cursor",
                                null)
                        .json(
                                "log cursor not a number",
                                "GET",
                                "/v1/runs/{run}/logs?after=abc",
                                As.CLIENT,
                                null,
                                "invalid_cursor",
                                null)
                        .add(
                                "followed logs resumed from a Last-Event-ID that is not a cursor",
                                "GET",
                                "/v1/runs/{run}/logs?follow=true",
                                As.CLIENT,
                                Map.of("Last-Event-ID", "12abc"),
                                null,
                                400,
                                "invalid_cursor",
                                null)
                        .json(
                                "log limit too large",
                                "GET",
                                "/v1/runs/{run}/logs?limit=9999",
                                As.CLIENT,
                                null,
                                "invalid_parameter",
                                null)
                        .add(
                                "unknown step, followed",
                                "GET",
                                "/v1/runs/{run}/logs?step=nope&follow=true",
                                As.CLIENT,
                                null,
                                404,
                                "step_not_found")
                        .add("unknown run", "GET", "/v1/runs/" + OTHER_UUID, As.CLIENT, null, 404, "run_not_found")
                        // Artifacts.
                        .json(
                                "artifact id not hex",
                                "GET",
                                "/v1/artifacts/not-hex",
                                As.CLIENT,
                                null,
                                "invalid_id",
                                null)
                        .json(
                                "artifact id in capitals",
                                "GET",
                                "/v1/artifacts/" + "AB".repeat(32),
                                As.RUNNER,
                                null,
                                "invalid_id",
                                null)
                        .add(
                                "artifact kind with a space",
                                "POST",
                                "/v1/artifacts",
                                As.CLIENT,
                                Map.of("X-Cairn-Artifact-Kind", "bad kind"),
                                "bytes",
                                400,
                                "invalid_header",
                                null)
                        .add(
                                "digest of another algorithm",
                                "POST",
                                "/v1/artifacts",
                                As.RUNNER,
                                Map.of("Repr-Digest", "md5=:AAAAAAAAAAAAAAAAAAAAAA==:"),
                                "bytes",
                                400,
                                "invalid_header",
                                null)
                        .add(
                                "artifact as JSON",
                                "POST",
                                "/v1/artifacts",
                                As.CLIENT,
                                Map.of("Content-Type", "application/json"),
                                "{}",
                                415,
                                "unsupported_media_type",
                                null)
                        // Leases.
                        .json(
                                "wait beyond a minute",
                                "POST",
                                "/v1/leases/acquire",
                                As.RUNNER,
                                "{\"worker_id\":\"w\",\"capabilities\":[\"a\"],\"max\":1,\"max_wait\":{\"secs\":120,\"nanos\":0}}",
                                "wire_format",
                                null)
                        .json(
                                "no capability",
                                "POST",
                                "/v1/leases/acquire",
                                As.RUNNER,
                                "{\"worker_id\":\"w\",\"capabilities\":[],\"max\":1,\"max_wait\":{\"secs\":1,\"nanos\":0}}",
                                "wire_format",
                                null)
                        .json(
                                "task id not a UUID",
                                "POST",
                                "/v1/leases/task-7/heartbeat",
                                As.RUNNER,
                                "{\"lease\":{\"task_id\":\"" + OTHER_UUID + "\",\"epoch\":1}}",
                                "invalid_parameter",
                                null)
                        .json(
                                "task of the path is not the body's",
                                "POST",
                                "/v1/leases/" + "1b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30" + "/complete",
                                As.RUNNER,
                                lease,
                                "task_id_mismatch",
                                null)
                        .json(
                                "epoch zero",
                                "POST",
                                "/v1/leases/" + OTHER_UUID + "/complete",
                                As.RUNNER,
                                lease.replace("\"epoch\":1", "\"epoch\":0"),
                                "wire_format",
                                "/lease")
                        .json(
                                "unknown outcome",
                                "POST",
                                "/v1/leases/" + OTHER_UUID + "/complete",
                                As.RUNNER,
                                lease.replace("\"Cancelled\"", "\"Done\""),
                                "wire_format",
                                "/outcome")
                        .json(
                                "an empty batch of completions",
                                "POST",
                                "/v1/leases/complete",
                                As.RUNNER,
                                "{\"completions\":[]}",
                                "invalid_field",
                                null)
                        .json(
                                "a batch item with epoch zero",
                                "POST",
                                "/v1/leases/complete",
                                As.RUNNER,
                                "{\"completions\":[" + lease + "," + lease.replace("\"epoch\":1", "\"epoch\":0") + "]}",
                                "wire_format",
                                "/completions/1/lease")
                        .json(
                                "a batch item with an unknown outcome",
                                "POST",
                                "/v1/leases/complete",
                                As.RUNNER,
                                "{\"completions\":[" + lease.replace("\"Cancelled\"", "\"Done\"") + "]}",
                                "wire_format",
                                "/completions/0/outcome")
                        // Inline outputs.
                        .json(
                                "inline output not base64",
                                "POST",
                                "/v1/leases/complete?inline_outputs=true",
                                As.RUNNER,
                                batchWith(inline(HELLO_ID, "aGVsbG8K!!")),
                                "wire_format",
                                "/inline_outputs/0/content")
                        .json(
                                "inline output whose bytes are not its id",
                                "POST",
                                "/v1/leases/complete?inline_outputs=true",
                                As.RUNNER,
                                batchWith(inline(HELLO_ID, "aGVsbG8gd29ybGQK")),
                                "digest_mismatch",
                                "/inline_outputs/0")
                        .json(
                                "inline output id not a SHA-256",
                                "POST",
                                "/v1/leases/" + OTHER_UUID + "/complete?inline_outputs=true",
                                As.RUNNER,
                                lease.substring(0, lease.length() - 1) + ",\"inline_outputs\":["
                                        + inline("XYZ", "aGVsbG8K") + "]}",
                                "invalid_field",
                                null)
                        .json(
                                "too many inline outputs",
                                "POST",
                                "/v1/leases/complete?inline_outputs=true",
                                As.RUNNER,
                                batchWith(String.join(
                                        ",", java.util.Collections.nCopies(257, inline(HELLO_ID, "aGVsbG8K")))),
                                "invalid_field",
                                null)
                        .json(
                                "inline_outputs not a boolean",
                                "POST",
                                "/v1/leases/complete?inline_outputs=yes",
                                As.RUNNER,
                                batchWith(inline(HELLO_ID, "aGVsbG8K")),
                                "invalid_parameter",
                                null)
                        .add(
                                "unknown task",
                                "POST",
                                "/v1/leases/" + OTHER_UUID + "/complete",
                                As.RUNNER,
                                lease,
                                404,
                                "unknown_task")
                        // Tokens.
                        .add("no token", "POST", "/run", As.NOBODY, RUN_REQUEST, 401, "unauthenticated")
                        .add(
                                "basic credentials",
                                "POST",
                                "/run",
                                As.NOBODY,
                                Map.of("Authorization", "Basic dXNlcjpwYXNz"),
                                RUN_REQUEST,
                                401,
                                "unauthenticated",
                                null)
                        .add(
                                "unknown token",
                                "GET",
                                "/v1/runs",
                                As.NOBODY,
                                Map.of("Authorization", "Bearer cairn_c_" + "A".repeat(43)),
                                null,
                                401,
                                "unauthenticated",
                                null)
                        .add(
                                "revoked token",
                                "GET",
                                "/v1/runs",
                                As.NOBODY,
                                Map.of("Authorization", "Bearer {revoked}"),
                                null,
                                401,
                                "unauthenticated",
                                null)
                        .add("runner token on a run route", "POST", "/run", As.RUNNER, RUN_REQUEST, 403, "forbidden")
                        .add(
                                "client token on the lease API",
                                "POST",
                                "/v1/leases/" + OTHER_UUID + "/complete",
                                As.CLIENT,
                                lease,
                                403,
                                "forbidden")
                        // Routes and methods.
                        .add("unknown route", "GET", "/v1/nothing", As.CLIENT, null, 404, "not_found")
                        .add("trailing slash", "GET", "/v1/runs/", As.CLIENT, null, 404, "not_found")
                        .add(
                                "wrong method on a seed route",
                                "DELETE",
                                "/run",
                                As.CLIENT,
                                null,
                                405,
                                "method_not_allowed")
                        .add("wrong method on a listing", "PUT", "/v1/runs", As.CLIENT, "{}", 405, "method_not_allowed")
                        .cases
                        .stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isAnsweredWithItsTypedError(Case c) {
        Http.Call call = http.call(c.method(), c.path().replace("{run}", runId));
        switch (c.as()) {
            case CLIENT -> call.bearer(server.clientToken());
            case RUNNER -> call.bearer(server.runnerToken());
            case NOBODY -> {}
        }
        c.headers().forEach((name, value) -> call.header(name, value.replace("{revoked}", revokedToken)));
        if (c.body() != null) {
            call.body(HttpRequest.BodyPublishers.ofString(c.body()));
        }
        Http.Response response = call.send();

        assertThat(response.status()).as(response.text()).isLessThan(500).isEqualTo(c.status());
        assertThat(response.mediaType()).isEqualTo("application/json");
        JsonNode envelope = response.json();
        OpenApiConformance.assertValid(
                OpenApiConformance.componentSchema("#/components/schemas/ErrorEnvelope"), envelope, c.name());
        assertThat(envelope.get("code").asText()).as(response.text()).isEqualTo(c.code());
        assertThat(envelope.get("retryable").asBoolean()).isFalse();
        assertThat(envelope.get("message").asText()).isNotBlank().doesNotContain("Exception", "\tat ");
        if (c.pointer() != null) {
            assertThat(envelope.at("/details/pointer").asText()).isEqualTo(c.pointer());
        }
        if (c.code().equals("invalid_spec")) {
            assertThat(envelope.at("/details/errors").size()).isPositive();
            envelope.at("/details/errors").forEach(error -> assertThat(error.fieldNames())
                    .toIterable()
                    .contains("line", "column", "path", "code", "message", "hint"));
        }
        if (c.status() == 401) {
            assertThat(response.header("WWW-Authenticate")).contains("Bearer realm=\"cairn\"");
        }
        if (c.status() == 405) {
            assertThat(response.header("Allow")).isPresent();
        }
    }

    @Test
    void thereAreAtLeastThirtyCases() {
        assertThat(cases().count()).isGreaterThanOrEqualTo(30);
    }

    @Test
    void aRequestHelidonRefusesBeforeRoutingGetsTheEnvelopeToo() throws Exception {
        try (Socket socket = new Socket(server.uri().getHost(), server.uri().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /v1/runs/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400");
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            JsonNode envelope = dev.cairn.json.wire.Wire.read(body, JsonNode.class);
            OpenApiConformance.assertValid(
                    OpenApiConformance.componentSchema("#/components/schemas/ErrorEnvelope"), envelope, "raw 400");
            assertThat(envelope.get("code").asText()).isEqualTo("bad_request");
        }
    }
}
