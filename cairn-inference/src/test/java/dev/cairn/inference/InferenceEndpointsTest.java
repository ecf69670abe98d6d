package dev.cairn.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.wire.Wire;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteOptions;
import dev.cairn.testkit.FakeChatServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cell's loopback endpoint, driven over HTTP as a cell's OpenAI client would, forwarding to a real upstream. */
class InferenceEndpointsTest {

    @TempDir
    Path dir;

    FakeChatServer upstream;
    SqliteDatabase db;
    SqliteTokenBudgets budgets;
    OpenAiCompatibleBroker broker;
    InferenceEndpoints endpoints;
    final HttpClient cell =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void setUp() throws IOException {
        upstream = new FakeChatServer();
        db = SqliteDatabase.open(SqliteOptions.builder(dir.resolve("events.db"))
                .migrationModule(SqliteTokenBudgets.MIGRATION_MODULE)
                .build());
        budgets = SqliteTokenBudgets.open(db, () -> 0L, 0);
        broker = new OpenAiCompatibleBroker(
                OpenAiOptions.builder(upstream.baseUri(), "m")
                        .backoff(Duration.ofMillis(1), Duration.ofMillis(1))
                        .maxAttempts(1)
                        .build(),
                d -> {},
                () -> 0L);
        endpoints = new InferenceEndpoints(broker, budgets, () -> 1_700_000_000_000L);
    }

    @AfterEach
    void tearDown() {
        cell.close();
        broker.close();
        db.close();
        upstream.close();
    }

    HttpResponse<String> post(InferenceEndpoint endpoint, String key, String body) throws Exception {
        return cell.send(
                HttpRequest.newBuilder(URI.create(endpoint.baseUri() + "/chat/completions"))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) {
        return Wire.read(response.body(), JsonNode.class);
    }

    @Test
    void aStepsCapRefusesLargerAsksAndIsWhatAnAskWithoutALimitReserves() throws Exception {
        budgets.define("run-c", 1000);
        try (InferenceEndpoint endpoint = endpoints.start("cell-c", "run-c", java.util.Optional.of(40L))) {
            HttpResponse<String> tooMuch = post(
                    endpoint,
                    endpoint.apiKey(),
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":41}");
            assertThat(tooMuch.statusCode()).isEqualTo(400);
            assertThat(json(tooMuch).at("/error/code").asText()).isEqualTo("request_invalid");
            assertThat(json(tooMuch).at("/error/message").asText())
                    .contains("41")
                    .contains("40");
            assertThat(upstream.requests()).isZero();

            HttpResponse<String> noLimit =
                    post(endpoint, endpoint.apiKey(), "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(noLimit.statusCode()).isEqualTo(200);
            assertThat(upstream.seen().getFirst().body().get("max_tokens").asLong())
                    .isEqualTo(40);
        }
        assertThatThrownBy(() -> endpoints.start("cell-c", "run-c", java.util.Optional.of(0L)))
                .isInstanceOfSatisfying(InferenceException.class, e -> assertThat(e.failure())
                        .isEqualTo(InferenceFailure.REQUEST_INVALID));
    }

    @Test
    void aCellsRequestIsForwardedChargedToItsRunAndAttributedToIt() throws Exception {
        budgets.define("run-1", 200);
        try (InferenceEndpoint endpoint = endpoints.start("cell-a", "run-1")) {
            assertThat(endpoint.baseUri().toString())
                    .startsWith("http://127.0.0.1:")
                    .endsWith("/v1");
            assertThat(endpoint.grant())
                    .isEqualTo("127.0.0.1:" + endpoint.baseUri().getPort());
            assertThat(endpoint.environment())
                    .containsEntry("OPENAI_BASE_URL", endpoint.baseUri().toString())
                    .containsEntry("OPENAI_API_KEY", endpoint.apiKey());
            assertThat(endpoint.toString()).doesNotContain(endpoint.apiKey());

            HttpResponse<String> response = post(
                    endpoint,
                    endpoint.apiKey(),
                    "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}],\"max_tokens\":30}");

            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = json(response);
            assertThat(body.get("object").asText()).isEqualTo("chat.completion");
            assertThat(body.get("created").asLong()).isEqualTo(1_700_000_000L);
            assertThat(body.get("model").asText()).isEqualTo("tiny-served");
            assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("echo: hello there");
            assertThat(body.at("/choices/0/message/role").asText()).isEqualTo("assistant");
            assertThat(body.get("usage").toString())
                    .isEqualTo("{\"prompt_tokens\":2,\"completion_tokens\":5,\"total_tokens\":7}");
        }
        FakeChatServer.Seen seen = upstream.seen().getFirst();
        assertThat(seen.header(OpenAiCompatibleBroker.CELL_HEADER)).isEqualTo("cell-a");
        assertThat(seen.body().get("max_tokens").asLong()).isEqualTo(30);
        assertThat(budgets.state("run-1")).contains(BudgetState.of("run-1", 200, 7, 0));
        assertThat(budgets.calls("run-1")).extracting(InferenceCall::cellId).containsExactly("cell-a");
    }

    @Test
    void severalMessagesAndTextPartsBecomeOnePromptAndTheDefaultLimitApplies() throws Exception {
        budgets.define("run-1", 5_000);
        try (InferenceEndpoint endpoint = endpoints.start("cell-a", "run-1")) {
            HttpResponse<String> response = post(
                    endpoint,
                    endpoint.apiKey(),
                    "{\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                            + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi \"},{\"type\":\"text\",\"text\":\"you\"}]}]}");
            assertThat(response.statusCode()).isEqualTo(200);
        }
        JsonNode sent = upstream.seen().getFirst().body();
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("system: be brief\n\nuser: hi you");
        assertThat(sent.get("max_tokens").asLong()).isEqualTo(InferenceEndpoints.DEFAULT_MAX_TOKENS);
        assertThat(sent.get("model").asText()).isEqualTo("m");
    }

    @Test
    void twoCellsOfOneRunShareItsBudgetOnTheirOwnEndpoints() throws Exception {
        budgets.define("run-1", 100);
        try (InferenceEndpoint a = endpoints.start("cell-a", "run-1");
                InferenceEndpoint b = endpoints.start("cell-b", "run-1")) {
            assertThat(a.baseUri().getPort()).isNotEqualTo(b.baseUri().getPort());
            assertThat(a.apiKey()).isNotEqualTo(b.apiKey());
            String ask = "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":10}";
            assertThat(post(a, a.apiKey(), ask).statusCode()).isEqualTo(200);
            assertThat(post(b, b.apiKey(), ask).statusCode()).isEqualTo(200);
            assertThat(post(b, a.apiKey(), ask).statusCode())
                    .as("a's key on b's endpoint")
                    .isEqualTo(401);
        }
        assertThat(budgets.calls("run-1")).extracting(InferenceCall::cellId).containsExactly("cell-a", "cell-b");
        assertThat(budgets.state("run-1")).contains(BudgetState.of("run-1", 100, 12, 0));
    }

    @Test
    void anExhaustedBudgetIsA429WithTheBudgetsStateAndNothingReachesUpstream() throws Exception {
        budgets.define("run-1", 10);
        try (InferenceEndpoint endpoint = endpoints.start("cell-a", "run-1")) {
            HttpResponse<String> response = post(
                    endpoint,
                    endpoint.apiKey(),
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":11}");

            assertThat(response.statusCode()).isEqualTo(429);
            JsonNode error = json(response).get("error");
            assertThat(error.get("type").asText()).isEqualTo("insufficient_quota");
            assertThat(error.get("code").asText()).isEqualTo("budget_exhausted");
            assertThat(error.at("/cairn/limit").asLong()).isEqualTo(10);
            assertThat(error.at("/cairn/remaining").asLong()).isEqualTo(10);
            assertThat(error.at("/cairn/requested").asLong()).isEqualTo(11);
        }
        assertThat(upstream.requests()).isZero();
    }

    @Test
    void badRequestsGetOpenAiShapedErrors() throws Exception {
        budgets.define("run-1", 100);
        try (InferenceEndpoint endpoint = endpoints.start("cell-a", "run-1")) {
            String key = endpoint.apiKey();
            assertThat(post(endpoint, "wrong", "{}").statusCode()).isEqualTo(401);
            for (String bad : new String[] {
                "not json",
                "[]",
                "{\"messages\":[]}",
                "{\"messages\":[{\"content\":\"x\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":5}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":true}"
            }) {
                HttpResponse<String> response = post(endpoint, key, bad);
                assertThat(response.statusCode()).as(bad).isEqualTo(400);
                assertThat(json(response).at("/error/code").asText()).isEqualTo("request_invalid");
            }
            HttpResponse<String> get = cell.send(
                    HttpRequest.newBuilder(URI.create(endpoint.baseUri() + "/chat/completions"))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(405);
            HttpResponse<String> other = cell.send(
                    HttpRequest.newBuilder(URI.create(endpoint.baseUri() + "/models"))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).isEqualTo(404);
            String huge = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(2 << 20) + "\"}]}";
            // Fifty times: before the endpoint read the rest of a too-large body, the 413 was now and
            // then lost to a connection reset while the client was still sending.
            for (int i = 0; i < 50; i++) {
                assertThat(post(endpoint, key, huge).statusCode())
                        .as("post %d", i)
                        .isEqualTo(413);
            }
        }
        assertThat(upstream.requests()).isZero();
        assertThat(budgets.calls("run-1")).isEmpty();
    }

    @Test
    void upstreamFailuresMapToGatewayStatuses() throws Exception {
        budgets.define("run-1", 100);
        upstream.thenStatus(500, 1, null).then(new FakeChatServer.Script.Raw("garbage"));
        try (InferenceEndpoint endpoint = endpoints.start("cell-a", "run-1")) {
            String ask = "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":10}";
            HttpResponse<String> unavailable = post(endpoint, endpoint.apiKey(), ask);
            assertThat(unavailable.statusCode()).isEqualTo(502);
            assertThat(json(unavailable).at("/error/code").asText()).isEqualTo("unavailable");
            HttpResponse<String> malformed = post(endpoint, endpoint.apiKey(), ask);
            assertThat(malformed.statusCode()).isEqualTo(502);
            assertThat(json(malformed).at("/error/code").asText()).isEqualTo("malformed_response");
        }
        assertThat(budgets.state("run-1")).contains(BudgetState.of("run-1", 100, 10, 0));
    }

    @Test
    void theJdkServerIsToldToSendWithoutWaitingForTheClientsAck() {
        // set when the class initialises (setUp constructed it), unless a user set it first; the
        // effect is a matter of time, measured in the probe docs/benchmarks.md describes
        assertThat(System.getProperty(InferenceEndpoints.NODELAY_PROPERTY)).isEqualTo("true");
    }

    @Test
    void aClosedEndpointNoLongerListens() throws Exception {
        InferenceEndpoint endpoint = endpoints.start("cell-a", "run-1");
        endpoint.close();
        endpoint.close();
        assertThatThrownBy(() -> post(endpoint, endpoint.apiKey(), "{}")).isInstanceOf(ConnectException.class);
    }

    @Test
    void blankIdsAreRefused() {
        assertThatThrownBy(() -> endpoints.start(" ", "run"))
                .isInstanceOfSatisfying(InferenceException.class, e -> assertThat(e.failure())
                        .isEqualTo(InferenceFailure.REQUEST_INVALID));
        assertThatThrownBy(() -> endpoints.start("cell", ""))
                .isInstanceOfSatisfying(InferenceException.class, e -> assertThat(e.failure())
                        .isEqualTo(InferenceFailure.REQUEST_INVALID));
    }
}
