package dev.cairn.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.LogEntry;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.contracts.api.ReplayResult;
import dev.cairn.inference.BudgetState;
import dev.cairn.inference.InferenceCall;
import dev.cairn.inference.SqliteTokenBudgets;
import dev.cairn.json.CodedError;
import dev.cairn.secrets.LocalSecretStore;
import dev.cairn.secrets.mask.Masker;
import dev.cairn.sinks.events.CairnEventTypes;
import dev.cairn.testkit.FakeChatServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inference from a pipeline step, end to end on a real home: {@code <home>/cairn.yaml} names a real
 * chat-completions server on loopback and the secret holding its key; a command step with {@code
 * inference:} calls its endpoint with curl from inside a real cell.
 */
class InferenceNodeTest {

    private static final String KEY = "sk-upstream-7f3a9c2e5b1d4086aa";

    @TempDir
    Path home;

    FakeChatServer upstream;

    @BeforeEach
    void setUp() throws IOException {
        upstream = new FakeChatServer().requireKey(KEY);
    }

    @AfterEach
    void tearDown() {
        upstream.close();
    }

    private void configure(long budget) throws IOException {
        // what `cairn secrets set OPENAI_API_KEY` does
        LocalSecretStore.open(home.resolve(CairnNode.SECRETS_DIR))
                .set("OPENAI_API_KEY", KEY.getBytes(StandardCharsets.UTF_8));
        Files.writeString(
                home.resolve(NodeOptions.CONFIG_FILE),
                "inference:\n  base_url: " + upstream.baseUri() + "\n  api_key_secret: OPENAI_API_KEY\n"
                        + "  model: tiny\n  budget_tokens: " + budget + "\n");
    }

    /** A step asking {@code max_tokens} with curl; prints the HTTP status and the body, and its token. */
    private static String asking(String op, String inference, int maxTokens) {
        return """
                op: %s
                version: "1"
                steps:
                  - id: ask
                    inference: %s
                    run:
                      - sh
                      - -c
                      - >-
                        curl -sS -o answer.json -w 'status=%%{http_code}\\n'
                        -H "Authorization: Bearer $OPENAI_API_KEY" -H 'Content-Type: application/json'
                        -d '{"messages":[{"role":"user","content":"hello there world"}],"max_tokens":%d}'
                        "$OPENAI_BASE_URL/chat/completions" && cat answer.json && echo && echo "token=$OPENAI_API_KEY"
                    outputs: [answer.json]
                """
                .formatted(op, inference, maxTokens);
    }

    private static String log(CairnNode node, String runId) {
        return node.orchestrator().logs(runId, Optional.empty(), 0, 1000, Duration.ZERO).lines().stream()
                .map(LogEntry::line)
                .map(Object::toString)
                .collect(Collectors.joining("\n"));
    }

    @Test
    void aStepReachesTheModelFromItsCellChargedToTheRunAndAReplayCostsNothing() throws IOException {
        configure(1000);
        String runId;
        try (CairnNode node = CairnNode.open(NodeOptions.builder().home(home).build())) {
            runId = node.orchestrator()
                    .submitPipeline(PipelineRunRequest.of(
                            CairnNodeTest.spec(asking("infer", "{max_tokens: 64}", 20)), Map.of()))
                    .runId();
            var detail = CairnNodeTest.awaitEnd(node, runId);
            String log = log(node, runId);
            assertThat(detail.state()).as(log).isEqualTo(RunState.COMPLETED);
            // the step ran in a bubblewrap sandbox (CI installs it), so the endpoint was reached
            // through the cell's network grant, not through the host's open network
            assertThat(log).doesNotContain("sandbox unavailable");

            // the answer reached the step
            assertThat(log).contains("status=200").contains("echo: hello there world");
            // the cell got a token for its endpoint, masked in the log; never the upstream key
            assertThat(log).contains("token=***").doesNotContain(KEY);
            // the upstream saw one request, with the real key, attributed to the step's cell
            assertThat(upstream.requests()).isEqualTo(1);
            FakeChatServer.Seen seen = upstream.seen().getFirst();
            assertThat(seen.header("Authorization")).isEqualTo("Bearer " + KEY);
            String cell = seen.header("X-Cairn-Cell");
            assertThat(cell).startsWith("step-");
            assertThat(seen.body().get("max_tokens").asLong()).isEqualTo(20);
            // charged to the run's budget: 3 prompt words + min(20, 5) completion tokens
            SqliteTokenBudgets budgets = node.inferenceBudgets().orElseThrow();
            assertThat(budgets.state(runId)).contains(BudgetState.of(runId, 1000, 8, 0));
            assertThat(budgets.calls(runId)).extracting(InferenceCall::cellId).containsExactly(cell);

            // a replay re-uses the recorded results: no request, no charge
            ReplayResult replay = node.orchestrator().replay(runId);
            assertThat(replay.verified()).as(replay.message()).isTrue();
            assertThat(upstream.requests()).isEqualTo(1);
            assertThat(budgets.state(runId)).contains(BudgetState.of(runId, 1000, 8, 0));
            assertThat(budgets.state(replay.replayRunId())).isEmpty();
        }
        // the upstream key is in no byte under the home, in any encoding (the secret store keeps it
        // encrypted)
        assertThat(NodeWiringTest.leaks(
                        home,
                        Masker.builder()
                                .secret("OPENAI_API_KEY", KEY.getBytes(StandardCharsets.UTF_8))
                                .build()))
                .isEmpty();
    }

    @Test
    void aRequestBeyondTheRunsBudgetIsRefusedWithTheBudgetsStateAndNothingIsSent() throws IOException {
        configure(100);
        try (CairnNode node = CairnNode.open(NodeOptions.builder().home(home).build())) {
            String runId = node.orchestrator()
                    .submitPipeline(PipelineRunRequest.of(CairnNodeTest.spec(asking("greedy", "true", 500)), Map.of()))
                    .runId();
            var detail = CairnNodeTest.awaitEnd(node, runId);
            String log = log(node, runId);
            assertThat(detail.state()).as(log).isEqualTo(RunState.COMPLETED);
            assertThat(log)
                    .contains("status=429")
                    .contains("budget_exhausted")
                    .contains("\"limit\":100")
                    .contains("\"remaining\":100")
                    .contains("\"requested\":500");
            assertThat(upstream.requests()).isZero();
            assertThat(node.inferenceBudgets().orElseThrow().state(runId)).contains(BudgetState.of(runId, 100, 0, 0));
        }
    }

    @Test
    void aStepAskingForInferenceIsRefusedAtSubmissionWhenTheHomeHasNone() {
        try (CairnNode node =
                CairnNode.open(NodeOptions.builder().home(home).runner(false).build())) {
            assertThat(node.inferenceBudgets()).isEmpty();
            assertThatThrownBy(() -> node.orchestrator()
                            .submitPipeline(
                                    PipelineRunRequest.of(CairnNodeTest.spec(asking("nope", "true", 5)), Map.of())))
                    .isInstanceOfSatisfying(CodedError.class, e -> {
                        assertThat(e.code()).isEqualTo("inference_unavailable");
                        assertThat(e.hint()).contains("cairn.yaml");
                    })
                    .hasMessageContaining("ask");
        }
    }

    @Test
    void badInferenceConfigurationIsATypedErrorNamingTheField() throws IOException {
        for (String[] bad : List.of(
                new String[] {"inference:\n  base_url: http://127.0.0.1:1/v1\n  model: m\n", "budget_tokens"},
                new String[] {"inference:\n  base_url: ftp://x/v1\n  model: m\n  budget_tokens: 5\n", "base_url"},
                new String[] {
                    "inference:\n  base_url: https://u:" + KEY + "@x/v1\n  model: m\n  budget_tokens: 5\n", "base_url"
                },
                new String[] {
                    "inference:\n  base_url: https://x/v1\n  model: m\n  budget_tokens: 5\n  api_key_secret: " + KEY
                            + "\n",
                    "api_key_secret"
                },
                new String[] {"inference:\n  base_url: https://x/v1\n  model: m\n  budget_tokens: 0\n", "budget_tokens"
                },
                new String[] {"inference:\n  base_url: https://x/v1\n  budget_tokens: 5\n", "model"},
                new String[] {"inference:\n  base_url: https://x/v1\n  model: m\n  budget_tokens: 5\n  key: x\n", "key"
                })) {
            Files.writeString(home.resolve(NodeOptions.CONFIG_FILE), bad[0]);
            assertThatThrownBy(() ->
                            CairnNode.open(NodeOptions.builder().home(home).build()))
                    .as(bad[0])
                    .isInstanceOfSatisfying(
                            CodedError.class, e -> assertThat(e.code()).isEqualTo("invalid_config"))
                    .hasMessageContaining("inference: ")
                    .hasMessageContaining(bad[1])
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY));
        }
    }

    @Test
    void aPipelineDeclaredJsonLinesSinkReceivesTheRunsEvents() throws IOException {
        Path file = home.toAbsolutePath()
                .normalize()
                .resolve(CairnNode.RUN_EVENTS_DIR)
                .resolve("declared.jsonl");
        String pipeline =
                """
                op: declared
                version: "1"
                events:
                  sinks:
                    - name: declared
                      types: [dev.cairn.run.*, dev.cairn.task.*]
                      jsonl: {path: "%s"}
                steps:
                  - id: one
                    run: [sh, -c, "echo one"]
                """
                        .formatted(file);
        try (CairnNode node = CairnNode.open(NodeOptions.builder().home(home).build())) {
            String runId = node.orchestrator()
                    .submitPipeline(PipelineRunRequest.of(CairnNodeTest.spec(pipeline), Map.of()))
                    .runId();
            assertThat(CairnNodeTest.awaitEnd(node, runId).state()).isEqualTo(RunState.COMPLETED);
            assertThat(node.orchestrator().runSinks(runId))
                    .extracting(s -> s.name())
                    .containsExactly("declared");
            CairnNodeTest.await(
                    () -> Files.exists(file) && NodeWiringTest.read(file).contains(CairnEventTypes.RUN_COMPLETED),
                    "the pipeline's own sink to see the run end");
            String lines = NodeWiringTest.read(file);
            assertThat(lines).contains(CairnEventTypes.RUN_STARTED).contains(CairnEventTypes.TASK_COMPLETED);
            assertThat(lines).doesNotContain(CairnEventTypes.CELL_CREATED); // filtered by `types`

            // a submission's sink of the same name is refused rather than silently replacing it
            var same = dev.cairn.sinks.config.EventsConfigs.parseSink(
                    new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                            .readTree("{name: declared, jsonl: {path: \"" + file + ".2\"}}"),
                    "");
            assertThatThrownBy(() -> node.orchestrator()
                            .submitPipeline(
                                    PipelineRunRequest.of(CairnNodeTest.spec(pipeline), Map.of()), 0, List.of(same)))
                    .isInstanceOfSatisfying(
                            CodedError.class, e -> assertThat(e.code()).isEqualTo("invalid_request"))
                    .hasMessageContaining("declared");
        }
    }

    @Test
    void aPipelineDeclaredWebhookSignsWithTheSecretItNamesFromTheHomesStore() throws Exception {
        byte[] hmac = "whsec-node-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        LocalSecretStore.open(home.resolve(CairnNode.SECRETS_DIR)).set("HOOK_SECRET", hmac);
        List<String> verified = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 16);
        receiver.createContext("/hook", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                dev.cairn.sinks.webhook.WebhookSignature.verify(
                        hmac,
                        exchange.getRequestHeaders().getFirst("Cairn-Signature"),
                        body,
                        java.time.Instant.now(),
                        Duration.ofMinutes(5));
                verified.add(new String(body, StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(204, -1);
            } catch (RuntimeException e) {
                exchange.sendResponseHeaders(401, -1);
            }
        });
        receiver.start();
        try (CairnNode node = CairnNode.open(NodeOptions.builder().home(home).build())) {
            String pipeline =
                    """
                    op: hooked
                    version: "1"
                    events:
                      sinks:
                        - name: hook
                          types: [dev.cairn.run.completed.v1]
                          webhook: {url: "http://127.0.0.1:%d/hook", secret: HOOK_SECRET}
                    steps:
                      - id: one
                        run: [sh, -c, "echo one"]
                    """
                            .formatted(receiver.getAddress().getPort());
            String runId = node.orchestrator()
                    .submitPipeline(PipelineRunRequest.of(CairnNodeTest.spec(pipeline), Map.of()))
                    .runId();
            assertThat(CairnNodeTest.awaitEnd(node, runId).state()).isEqualTo(RunState.COMPLETED);
            CairnNodeTest.await(() -> !verified.isEmpty(), "a signed delivery the receiver verified");
            assertThat(verified.getFirst())
                    .contains(CairnEventTypes.RUN_COMPLETED)
                    .contains(runId);
        } finally {
            receiver.stop(0);
        }
    }
}
