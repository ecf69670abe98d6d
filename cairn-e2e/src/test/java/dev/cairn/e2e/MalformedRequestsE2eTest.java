package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.node.CairnNode;
import dev.cairn.node.NodeOptions;
import dev.cairn.node.ServerSettings;
import dev.cairn.server.TokenKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table of malformed specs and requests sent over real loopback HTTP to a node that requires tokens:
 * each is answered with the typed error envelope (code, message, hint) of its expected status and code,
 * and none with a 5xx.
 */
class MalformedRequestsE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Which token a row sends. */
    enum Auth {
        CLIENT,
        RUNNER,
        NONE,
        GARBAGE,
        UNKNOWN
    }

    record Row(
            String name,
            String method,
            String path,
            String contentType,
            byte[] body,
            Auth auth,
            int status,
            String code) {
        static Row json(String name, String method, String path, String body, int status, String code) {
            return new Row(
                    name,
                    method,
                    path,
                    "application/json",
                    body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                    Auth.CLIENT,
                    status,
                    code);
        }

        Row as(Auth value) {
            return new Row(name, method, path, contentType, body, value, status, code);
        }

        Row type(String value) {
            return new Row(name, method, path, value, body, auth, status, code);
        }
    }

    private static String pipeline(String spec) {
        return "{\"spec\":" + spec + ",\"params\":{}}";
    }

    private static String step(String fields) {
        return pipeline(
                "{\"op\":\"bad\",\"version\":\"1\",\"steps\":[{\"id\":\"a\",\"run\":[\"true\"]" + fields + "}]}");
    }

    static List<Row> rows(long seed) {
        Random random = new Random(seed);
        String unknownRun = new UUID(random.nextLong(), random.nextLong()).toString();
        String unknownArtifact = "%064x".formatted(random.nextLong()).replace(' ', '0');
        String unknownTask = new UUID(random.nextLong(), random.nextLong()).toString();
        String run = "/v1/pipelines/run";
        List<Row> rows = new ArrayList<>();
        // Bodies that are not JSON, or not the request's type.
        rows.add(Row.json("bad json", "POST", run, "{\"spec\":", 400, "invalid_json"));
        rows.add(Row.json("json array", "POST", run, "[]", 400, "wire_format"));
        rows.add(Row.json("empty body", "POST", run, "", 400, "missing_body"));
        rows.add(Row.json("duplicate key", "POST", run, "{\"spec\":{},\"spec\":{}}", 400, "duplicate_key"));
        rows.add(Row.json(
                "an artifact upload sent as JSON", "POST", "/v1/artifacts", "{}", 415, "unsupported_media_type"));
        rows.add(Row.json("missing spec", "POST", run, "{\"params\":{}}", 400, "missing_field"));
        rows.add(Row.json("params of the wrong type", "POST", run, "{\"spec\":{},\"params\":[1]}", 400, "wire_format"));
        rows.add(Row.json("too deep", "POST", run, "[".repeat(5000) + "]".repeat(5000), 400, "too_deep"));
        // Specs.
        rows.add(Row.json("empty spec", "POST", run, pipeline("{}"), 400, "invalid_spec"));
        rows.add(Row.json("spec not an object", "POST", run, pipeline("\"op: x\""), 400, "invalid_request"));
        rows.add(Row.json(
                "bad op id",
                "POST",
                run,
                pipeline("{\"op\":\"Bad-Op\",\"version\":\"1\",\"steps\":[{\"id\":\"a\",\"run\":[\"true\"]}]}"),
                400,
                "invalid_spec"));
        rows.add(Row.json(
                "no steps",
                "POST",
                run,
                pipeline("{\"op\":\"bad\",\"version\":\"1\",\"steps\":[]}"),
                400,
                "invalid_spec"));
        rows.add(Row.json("unknown step field", "POST", run, step(",\"runn\":1"), 400, "invalid_spec"));
        rows.add(Row.json(
                "run of the wrong type",
                "POST",
                run,
                pipeline("{\"op\":\"bad\",\"version\":\"1\",\"steps\":[{\"id\":\"a\",\"run\":42}]}"),
                400,
                "invalid_spec"));
        rows.add(Row.json("needs an unknown step", "POST", run, step(",\"needs\":[\"nowhere\"]"), 400, "invalid_spec"));
        rows.add(Row.json(
                "a cycle",
                "POST",
                run,
                pipeline(
                        "{\"op\":\"bad\",\"version\":\"1\",\"steps\":[{\"id\":\"a\",\"run\":[\"true\"],\"needs\":[\"b\"]},{\"id\":\"b\",\"run\":[\"true\"],\"needs\":[\"a\"]}]}"),
                400,
                "invalid_spec"));
        rows.add(Row.json(
                "duplicate step ids",
                "POST",
                run,
                pipeline(
                        "{\"op\":\"bad\",\"version\":\"1\",\"steps\":[{\"id\":\"a\",\"run\":[\"true\"]},{\"id\":\"a\",\"run\":[\"true\"]}]}"),
                400,
                "invalid_spec"));
        rows.add(Row.json(
                "bad artifact id in inputs",
                "POST",
                run,
                step(",\"inputs\":[{\"artifact\":\"xyz\",\"to\":\"in\"}]"),
                400,
                "invalid_spec"));
        rows.add(Row.json(
                "a local path over HTTP",
                "POST",
                run,
                step(",\"inputs\":[{\"path\":\"/etc/passwd\"}]"),
                400,
                "invalid_spec"));
        rows.add(Row.json("timeout of the wrong type", "POST", run, step(",\"timeout\":true"), 400, "invalid_spec"));
        rows.add(Row.json(
                "an undeclared param",
                "POST",
                run,
                "{\"spec\":{\"op\":\"bad\",\"version\":\"1\",\"steps\":[{\"id\":\"a\",\"run\":[\"true\"]}]},\"params\":{\"nope\":\"1\"}}",
                400,
                "invalid_spec"));
        rows.add(Row.json(
                "a param of the wrong type",
                "POST",
                run,
                "{\"spec\":{\"op\":\"bad\",\"version\":\"1\",\"params\":{\"n\":{\"type\":\"int\"}},\"steps\":[{\"id\":\"a\",\"run\":[\"true\"]}]},\"params\":{\"n\":\"many\"}}",
                400,
                "invalid_spec"));
        rows.add(Row.json(
                "dry_run of the wrong type",
                "POST",
                run,
                "{\"spec\":{\"op\":\"bad\",\"version\":\"1\",\"steps\":[{\"id\":\"a\",\"run\":[\"true\"]}]},\"dry_run\":\"yes\"}",
                400,
                "wire_format"));
        // Content types and sizes.
        rows.add(Row.json("text/plain body", "POST", run, pipeline("{}"), 415, "unsupported_media_type")
                .type("text/plain"));
        rows.add(Row.json(
                "oversized body",
                "POST",
                run,
                "{\"spec\":\"" + "x".repeat(17 * 1024 * 1024) + "\"}",
                413,
                "body_too_large"));
        // Ids, cursors, parameters.
        rows.add(Row.json("run id not a UUID", "GET", "/v1/runs/not-a-uuid", null, 400, "invalid_id"));
        rows.add(Row.json("unknown run", "GET", "/v1/runs/" + unknownRun, null, 404, "run_not_found"));
        rows.add(Row.json(
                "cancel an unknown run", "POST", "/v1/runs/" + unknownRun + "/cancel", null, 404, "run_not_found"));
        rows.add(Row.json("bad cursor", "GET", "/v1/runs?cursor=not-a-cursor!", null, 400, "invalid_cursor"));
        rows.add(Row.json("a cursor from nowhere", "GET", "/v1/runs?cursor=0", null, 400, "invalid_cursor"));
        rows.add(Row.json(
                "a log cursor that is not one",
                "GET",
                "/v1/runs/" + unknownRun + "/logs?after=x",
                null,
                400,
                "invalid_cursor"));
        rows.add(Row.json("bad limit", "GET", "/v1/runs?limit=0", null, 400, "invalid_parameter"));
        rows.add(Row.json("bad state", "GET", "/v1/runs?state=sleeping", null, 400, "invalid_parameter"));
        rows.add(Row.json("unknown query parameter", "GET", "/v1/runs?status=failed", null, 400, "unknown_parameter"));
        rows.add(Row.json("bad artifact id", "GET", "/v1/artifacts/XYZ", null, 400, "invalid_id"));
        rows.add(Row.json(
                "unknown artifact", "GET", "/v1/artifacts/" + unknownArtifact, null, 404, "artifact_not_found"));
        rows.add(Row.json("unknown route", "GET", "/v2/everything", null, 404, "not_found"));
        rows.add(Row.json("wrong method", "DELETE", "/v1/runs", null, 405, "method_not_allowed"));
        // Tokens.
        rows.add(Row.json("no token where one is required", "GET", "/v1/runs", null, 401, "unauthenticated")
                .as(Auth.NONE));
        rows.add(Row.json("a malformed Authorization header", "GET", "/v1/runs", null, 401, "unauthenticated")
                .as(Auth.GARBAGE));
        rows.add(Row.json("an unknown token", "GET", "/v1/runs", null, 401, "unauthenticated")
                .as(Auth.UNKNOWN));
        rows.add(Row.json("a runner token on a client route", "GET", "/v1/runs", null, 403, "forbidden")
                .as(Auth.RUNNER));
        rows.add(Row.json("a client token on the lease routes", "POST", "/v1/leases/acquire", "{}", 403, "forbidden"));
        rows.add(Row.json(
                        "a lease for an unknown task",
                        "POST",
                        "/v1/leases/" + unknownTask + "/complete",
                        "{\"lease\":{\"task_id\":\"" + unknownTask + "\",\"epoch\":1},\"outcome\":\"Cancelled\"}",
                        404,
                        "unknown_task")
                .as(Auth.RUNNER));
        String item = "{\"lease\":{\"task_id\":\"" + unknownTask + "\",\"epoch\":1},\"outcome\":\"Cancelled\"}";
        rows.add(Row.json(
                        "an empty batch of completions",
                        "POST",
                        "/v1/leases/complete",
                        "{\"completions\":[]}",
                        400,
                        "invalid_field")
                .as(Auth.RUNNER));
        rows.add(Row.json(
                        "more than 256 completions",
                        "POST",
                        "/v1/leases/complete",
                        "{\"completions\":[" + String.join(",", java.util.Collections.nCopies(257, item)) + "]}",
                        400,
                        "invalid_field")
                .as(Auth.RUNNER));
        rows.add(Row.json(
                        "a completion without an outcome in a batch",
                        "POST",
                        "/v1/leases/complete",
                        "{\"completions\":[" + item + ",{\"lease\":{\"task_id\":\"" + unknownTask
                                + "\",\"epoch\":1}}]}",
                        400,
                        "missing_field")
                .as(Auth.RUNNER));
        rows.add(Row.json(
                        "a batch that is a bare list",
                        "POST",
                        "/v1/leases/complete",
                        "[" + item + "]",
                        400,
                        "wire_format")
                .as(Auth.RUNNER));
        rows.add(Row.json(
                "a client token on the batch completion route", "POST", "/v1/leases/complete", "{}", 403, "forbidden"));
        rows.add(Row.json(
                        "a lease path that is not the body's task",
                        "POST",
                        "/v1/leases/" + unknownRun + "/complete",
                        "{\"lease\":{\"task_id\":\"" + unknownTask + "\",\"epoch\":1},\"outcome\":\"Cancelled\"}",
                        400,
                        "task_id_mismatch")
                .as(Auth.RUNNER));
        return rows;
    }

    @Test
    void everyMalformedRequestGetsATypedErrorAndNoneA5xx() throws Exception {
        long seed = new Random().nextLong();
        System.out.println("MalformedRequestsE2eTest seed " + seed);
        List<Row> rows = rows(seed);
        assertThat(rows).hasSizeGreaterThanOrEqualTo(30);
        String client;
        String runner;
        // Tokens first: a server that requires them refuses to start without one.
        try (CairnNode offline = CairnNode.open(
                NodeOptions.builder().home(dir.resolve("home")).runner(false).build())) {
            client = offline.tokens().create(TokenKind.CLIENT, "e2e-client").token();
            runner = offline.tokens().create(TokenKind.RUNNER, "e2e-runner").token();
        }
        try (CairnNode node = CairnNode.open(NodeOptions.builder()
                        .home(dir.resolve("home"))
                        .runner(false)
                        .server(ServerSettings.parse("127.0.0.1:0").withRequireAuth(true))
                        .build());
                HttpClient http = HttpClient.newHttpClient()) {
            URI base = node.serverUri().orElseThrow();
            List<String> wrong = new ArrayList<>();
            for (Row row : rows) {
                HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(row.path()))
                        .method(
                                row.method(),
                                row.body() == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofByteArray(row.body()));
                if (row.body() != null) {
                    request.header("Content-Type", row.contentType());
                }
                switch (row.auth()) {
                    case CLIENT -> request.header("Authorization", "Bearer " + client);
                    case RUNNER -> request.header("Authorization", "Bearer " + runner);
                    case GARBAGE -> request.header("Authorization", "Basic dXNlcjpwdw==");
                    case UNKNOWN -> request.header("Authorization", "Bearer cairn_c_" + "A".repeat(43));
                    case NONE -> {}
                }
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                String verdict = check(row, response);
                if (verdict != null) {
                    wrong.add(row.name() + ": " + verdict);
                }
            }
            assertThat(wrong).as("rows answered otherwise than expected").isEmpty();
        }
    }

    /** Null when the answer is the row's typed error; else what is wrong with it. */
    private static String check(Row row, HttpResponse<String> response) {
        String body = response.body();
        String shown = response.statusCode() + " " + (body.length() > 300 ? body.substring(0, 300) : body);
        if (response.statusCode() >= 500) {
            return "a 5xx: " + shown;
        }
        JsonNode envelope;
        try {
            envelope = JSON.readTree(body);
        } catch (Exception e) {
            return "not JSON: " + shown;
        }
        if (envelope == null
                || !envelope.path("code").isTextual()
                || envelope.path("message").asText().isBlank()
                || envelope.path("hint").asText().isBlank()) {
            return "not an envelope with code, message and hint: " + shown;
        }
        if (body.contains("\tat ") || body.contains("Exception")) {
            return "a stack trace: " + shown;
        }
        if (response.statusCode() != row.status()
                || !envelope.get("code").asText().equals(row.code())) {
            return "expected " + row.status() + " " + row.code() + ", got " + shown;
        }
        return null;
    }
}
