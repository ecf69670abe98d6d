package dev.cairn.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cairn.client.CairnClient;
import dev.cairn.client.CairnClientException;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepState;
import dev.cairn.json.CodedError;
import dev.cairn.orchestrator.spec.SpecParser;
import dev.cairn.orchestrator.spec.SpecWriter;
import dev.cairn.server.IssuedToken;
import dev.cairn.server.TokenKind;
import dev.cairn.sinks.config.EventsConfigs;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole node on a real home: SQLite, files, HTTP over loopback, a real subprocess. */
class CairnNodeTest {

    private static final String PIPELINE =
            """
            op: node_test
            version: "1"
            steps:
              - id: greet
                run: [sh, -c, "echo hello from the node > out.txt; cat out.txt"]
                outputs: [out.txt]
              - id: shout
                needs: [greet]
                inputs:
                  - step: greet
                run: [sh, -c, "tr a-z A-Z < out.txt"]
            """;

    @TempDir
    Path home;

    static JsonNode spec(String yaml) {
        return SpecWriter.toJson(new SpecParser().parse(yaml, "test.yaml").spec());
    }

    static RunDetail awaitEnd(CairnNode node, String runId) {
        await(() -> node.orchestrator().detail(runId).state().terminal(), "run " + runId + " to end");
        return node.orchestrator().detail(runId);
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    @Test
    void runsAPipelineInProcessAndServesItOverHttp() {
        try (CairnNode node = CairnNode.open(NodeOptions.builder()
                .home(home)
                .server(ServerSettings.loopbackAnyPort())
                .build())) {
            assertThat(node.home()).isEqualTo(home.toAbsolutePath().normalize());
            assertThat(node.runner()).isPresent();
            assertThat(node.runner().get().capabilities()).contains("command", "/examples/hello/v1");
            assertThat(Files.isRegularFile(home.resolve("cairn.db"))).isTrue();
            assertThat(Files.isDirectory(home.resolve("artifacts"))).isTrue();

            String runId = node.orchestrator()
                    .submitPipeline(PipelineRunRequest.of(spec(PIPELINE), Map.of()))
                    .runId();
            RunDetail detail = awaitEnd(node, runId);
            assertThat(detail.state()).isEqualTo(RunState.COMPLETED);
            assertThat(detail.steps()).extracting(s -> s.state()).containsOnly(StepState.COMPLETED);

            try (CairnClient client =
                    CairnClient.builder(node.serverUri().orElseThrow()).build()) {
                assertThat(client.status(runId).state()).isEqualTo(RunState.COMPLETED);
                assertThat(client.detail(runId).steps()).hasSize(2);
                assertThat(client.health()).isNotNull();
            }
        }
    }

    @Test
    void aRunInterruptedByCloseGoesOnWhenTheHomeIsOpenedAgain() {
        String runId;
        try (CairnNode node =
                CairnNode.open(NodeOptions.builder().home(home).runner(false).build())) {
            assertThat(node.runner()).isEmpty();
            assertThat(node.serverUri()).isEmpty();
            runId = node.orchestrator()
                    .submitPipeline(PipelineRunRequest.of(spec(PIPELINE), Map.of()))
                    .runId();
            // No runner: the first step's task waits in the queue.
            await(() -> node.orchestrator().detail(runId).state() == RunState.RUNNING, "the run to start");
        }
        try (CairnNode node = CairnNode.open(NodeOptions.builder().home(home).build())) {
            assertThat(awaitEnd(node, runId).state()).isEqualTo(RunState.COMPLETED);
        }
    }

    @Test
    void oneProcessOpensAHomeAtATime() {
        try (CairnNode node =
                CairnNode.open(NodeOptions.builder().home(home).runner(false).build())) {
            assertThatThrownBy(() ->
                            CairnNode.open(NodeOptions.builder().home(home).build()))
                    .isInstanceOf(CodedError.class)
                    .satisfies(e -> assertThat(((CodedError) e).code()).isEqualTo("store_locked"));
            assertThat(node.orchestrator()
                            .runs(dev.cairn.orchestrator.api.RunQuery.firstPage(10))
                            .runs())
                    .isEmpty();
        }
        // Released on close.
        CairnNode.open(NodeOptions.builder().home(home).runner(false).build()).close();
    }

    @Test
    void aServerThatRequiresTokensRefusesToStartWithoutOneAndChecksThem() throws Exception {
        NodeOptions wide = NodeOptions.builder()
                .home(home)
                .runner(false)
                .server(ServerSettings.loopbackAnyPort().withRequireAuth(true))
                .build();
        assertThatThrownBy(() -> CairnNode.open(wide))
                .isInstanceOf(CodedError.class)
                .satisfies(e -> assertThat(((CodedError) e).code()).isEqualTo("auth_required"));

        IssuedToken token;
        try (CairnNode node =
                CairnNode.open(NodeOptions.builder().home(home).runner(false).build())) {
            token = node.tokens().create(TokenKind.CLIENT, "laptop");
        }
        assertThat(token.token()).startsWith("cairn_c_");
        // The token is stored hashed: its text is in no file of the home.
        try (var files = Files.walk(home)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                        .as(f.toString())
                        .doesNotContain(token.token());
            }
        }
        try (CairnNode node = CairnNode.open(wide)) {
            URI uri = node.serverUri().orElseThrow();
            try (CairnClient anonymous = CairnClient.builder(uri).build()) {
                assertThatThrownBy(() -> anonymous.runs(java.util.Optional.empty(), 10, java.util.Optional.empty()))
                        .isInstanceOf(CairnClientException.class)
                        .satisfies(e ->
                                assertThat(((CairnClientException) e).code()).isEqualTo("unauthenticated"));
            }
            try (CairnClient client =
                    CairnClient.builder(uri).token(token.token()).build()) {
                assertThat(client.runs(java.util.Optional.empty(), 10, java.util.Optional.empty())
                                .runs())
                        .isEmpty();
            }
        }
    }

    @Test
    void theHomeConfigurationDeliversEventsToAJsonLinesFile() throws Exception {
        Path events = home.resolve("out").resolve("events.jsonl");
        Files.createDirectories(home);
        Files.writeString(
                home.resolve("cairn.yaml"),
                "events:\n  sinks:\n    - name: audit\n      jsonl: {path: \"" + events + "\"}\n");
        try (CairnNode node = CairnNode.open(NodeOptions.builder().home(home).build())) {
            String runId = node.orchestrator()
                    .submitPipeline(PipelineRunRequest.of(spec(PIPELINE), Map.of()))
                    .runId();
            awaitEnd(node, runId);
            await(
                    () -> node.relay().status().stream()
                            .filter(s -> s.sink().equals("audit"))
                            .anyMatch(s -> s.behind() == 0 && s.delivered() > 4),
                    "the sink to catch up");
        }
        String lines = Files.readString(events);
        assertThat(lines).contains("dev.cairn.run.completed.v1");
        assertThat(lines.lines().count()).isGreaterThan(4);
    }

    @Test
    void optionsOverrideTheHomeConfiguration() throws Exception {
        Files.createDirectories(home);
        Files.writeString(home.resolve("cairn.yaml"), "events:\n  sinks: [{name: x, jsonl: {}}]\n");
        // The file is wrong, but the options say what the sinks are.
        CairnNode.open(NodeOptions.builder()
                        .home(home)
                        .runner(false)
                        .events(EventsConfigs.parse(new YAMLMapper().readTree("sinks: []")))
                        .build())
                .close();
    }

    @Test
    void aWrongConfigurationIsATypedErrorNamingTheFile() throws Exception {
        Files.createDirectories(home);
        Path file = home.resolve("cairn.yaml");
        Files.writeString(file, "evnts:\n  sinks: []\n");
        assertThatThrownBy(() -> CairnNode.open(NodeOptions.builder().home(home).build()))
                .isInstanceOf(NodeException.class)
                .hasMessageContaining("cairn.yaml")
                .hasMessageContaining("unknown section `evnts`")
                .satisfies(e -> assertThat(((NodeException) e).code()).isEqualTo("invalid_config"));
        Files.writeString(file, "events:\n  sinks: [{name: x, jsonl: {}}]\n");
        assertThatThrownBy(() -> CairnNode.open(NodeOptions.builder().home(home).build()))
                .isInstanceOf(NodeException.class)
                .hasMessageContaining("/sinks/0");
        Files.writeString(file, "events: [\n");
        assertThatThrownBy(() -> NodeConfig.read(file))
                .isInstanceOf(NodeException.class)
                .hasMessageContaining("is not YAML");
        assertThat(NodeConfig.read(home.resolve("absent.yaml"))).isEqualTo(NodeConfig.EMPTY);
    }

    @Test
    void theHomeComesFromTheFlagThenTheEnvironmentThenTheUsersHome() {
        assertThat(NodeOptions.homeFrom(java.util.Optional.of(Path.of("/a")), Map.of("CAIRN_HOME", "/b")))
                .isEqualTo(Path.of("/a"));
        assertThat(NodeOptions.homeFrom(java.util.Optional.empty(), Map.of("CAIRN_HOME", "/b")))
                .isEqualTo(Path.of("/b"));
        assertThat(NodeOptions.homeFrom(java.util.Optional.empty(), Map.of("CAIRN_HOME", " ")))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".cairn"));
    }

    @Test
    void bindAddressesRead() {
        assertThat(ServerSettings.parse("0.0.0.0:9000")).isEqualTo(new ServerSettings("0.0.0.0", 9000, false));
        assertThat(ServerSettings.parse(":0")).isEqualTo(new ServerSettings("127.0.0.1", 0, false));
        assertThat(ServerSettings.parse("localhost")).isEqualTo(new ServerSettings("localhost", 8420, false));
        assertThat(ServerSettings.parse("[::1]:80")).isEqualTo(new ServerSettings("::1", 80, false));
        assertThatThrownBy(() -> ServerSettings.parse("host:http")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> ServerSettings.parse("host:70000")).hasMessageContaining("0..65535");
        assertThatThrownBy(() -> ServerSettings.parse("::1:80")).hasMessageContaining("[ADDRESS]:PORT");
    }
}
