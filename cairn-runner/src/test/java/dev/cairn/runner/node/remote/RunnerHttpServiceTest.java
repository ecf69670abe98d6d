package dev.cairn.runner.node.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.contracts.RunRunnersResponse;
import dev.cairn.contracts.RunnerInfoResponse;
import dev.cairn.contracts.RunnerStatus;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.CommandTask;
import dev.cairn.executor.protocol.InputFile;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.runner.api.examples.HelloRunner;
import dev.cairn.runner.node.DirectExecution;
import dev.cairn.runner.node.RunnerNodeException;
import dev.cairn.runner.node.RunnerRegistry;
import dev.cairn.runner.node.command.ProcessCommandExecutor;
import dev.cairn.runner.node.command.ProcessCommandOptions;
import dev.cairn.runner.node.testing.Http;
import dev.cairn.testkit.InMemoryArtifactStore;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed 003's runner contract as a node serves it: POST /execute and GET /info over real HTTP. */
class RunnerHttpServiceTest {

    private static final String TOKEN = "service-token-0123456789";

    @TempDir
    Path dir;

    private final InMemoryArtifactStore store = new InMemoryArtifactStore();
    private RunnerHttpService service;
    private URI base;

    @BeforeEach
    void setUp() {
        RunnerRegistry registry = RunnerRegistry.builder()
                .builtIns(ProcessCommandExecutor.create(
                        ProcessCommandOptions.defaults().withWorkRoot(dir.resolve("cmd"))))
                .discover()
                .build();
        service = RunnerHttpService.start(
                new DirectExecution(registry, store, dir.resolve("node"), Clock.systemUTC(), Optional.of("eu")),
                new InetSocketAddress("127.0.0.1", 0),
                Optional.of(TOKEN));
        base = service.uri();
    }

    @AfterEach
    void tearDown() {
        service.close();
    }

    @Test
    void connectionsHaveNaglesAlgorithmOffAsOnCairnsServer() {
        // the effect (no answer held for the client's delayed ACK) is measured by cairn bench tasks
        assertThat(service.connectionOptions().tcpNoDelay()).isTrue();
    }

    @Test
    void infoListsTheRunnersAsTheContractSays() {
        Http.Answer answer = Http.get(base.resolve("info"), TOKEN);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(Http.schemaErrors("RunnerInfoResponse", answer.body())).isEmpty();
        RunnerInfoResponse info = Wire.fromTree(answer.body(), RunnerInfoResponse.class);
        assertThat(info.runners()).containsExactly(HelloRunner.CAPABILITY, "/test/echo/v1", "command");
        assertThat(info.count()).isEqualTo(3);
        assertThat(info.region()).contains("eu");
        assertThat(info.usage()).get().satisfies(u -> {
            assertThat(u.method()).isEqualTo("POST");
            assertThat(u.endpoint()).isEqualTo("/execute");
            assertThat(u.example().runners()).containsExactly(HelloRunner.CAPABILITY);
        });
    }

    @Test
    void executeRunsTheNamedRunnersAndAnswersOneResultEach() {
        ArtifactId input = store.put(new ArtifactKind.Output(), "hi".getBytes(StandardCharsets.UTF_8));
        String data = store.put(new ArtifactKind.Output(), "data".getBytes(StandardCharsets.UTF_8))
                .value();
        CommandTask ok = new CommandTask(
                "r",
                "s",
                CommandStep.script("cat in.txt; echo; cp in.txt out.txt")
                        .output("out.txt")
                        .build(),
                List.of(new InputFile("in.txt", data, false)));
        CommandTask failing = new CommandTask(
                "r", "s", CommandStep.script("echo nope >&2; exit 4").build(), List.of());
        String body =
                """
                {"runId": "run-42", "url": "https://example.com",
                 "runners": [
                   {"name": "/examples/hello/v1", "input": {"inputsCids": ["%s"]}},
                   {"name": "command", "input": %s},
                   {"name": "command", "input": %s},
                   "/test/echo/v1",
                   {"name": "/examples/hello/v1"}
                 ]}
                """
                        .formatted(input.value(), Wire.write(ok), Wire.write(failing));

        Http.Answer answer = Http.post(base.resolve("execute"), TOKEN, body);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(Http.schemaErrors("RunRunnersResponse", answer.body())).isEmpty();
        RunRunnersResponse response = Wire.fromTree(answer.body(), RunRunnersResponse.class);
        assertThat(response.runId()).contains("run-42");
        assertThat(response.region()).contains("eu");
        assertThat(response.results())
                .extracting(r -> r.name() + " " + r.status())
                .containsExactly(
                        "/examples/hello/v1 PASS",
                        "command PASS",
                        "command FAIL",
                        "/test/echo/v1 PASS",
                        "/examples/hello/v1 ERROR");
        JsonNode hello = answer.body().path("results").get(0).path("details");
        assertThat(hello.path("outputs").get(0).path("artifact_id").asText()).isEqualTo(input.value());
        JsonNode command = answer.body().path("results").get(1).path("details");
        assertThat(command.path("result").path("exit_code").asInt()).isZero();
        assertThat(command.path("result").path("artifacts").get(0).path("key").asText())
                .isEqualTo("out.txt");
        assertThat(command.path("logs"))
                .extracting(JsonNode::asText)
                .contains("stdout: data")
                .anyMatch(line -> line.startsWith("runner: this node runs commands as plain host processes"));
        assertThat(response.results().get(2).errorMessage()).contains("the command exited with 4");
        assertThat(answer.body()
                        .path("results")
                        .get(3)
                        .path("details")
                        .path("result")
                        .path("echoed")
                        .asText())
                .isEqualTo("");
        assertThat(response.results().get(4).errorMessage()).get().asString().startsWith("missing_input:");
        assertThat(response.results())
                .allSatisfy(r -> assertThat(r.durationMs()).get().matches(d -> d >= 0));
        assertThat(response.results().get(0).status()).isEqualTo(RunnerStatus.PASS);
    }

    @Test
    void unknownRunnersAreRefusedBeforeAnythingRuns() {
        Http.Answer answer =
                Http.post(base.resolve("execute"), TOKEN, "{\"runners\": [\"lint\", \"command\", \"fmt\"]}");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(Http.schemaErrors("ErrorEnvelope", answer.body())).isEmpty();
        assertThat(answer.body().path("code").asText()).isEqualTo("runner_not_found");
        assertThat(answer.body().path("details").path("missingRunners").toString())
                .isEqualTo("[\"lint\",\"fmt\"]");
        assertThat(answer.body().path("details").path("availableRunners").size())
                .isEqualTo(3);
    }

    @Test
    void badRequestsGetTypedEnvelopes() {
        Http.Answer empty = Http.post(base.resolve("execute"), TOKEN, "{\"runners\": []}");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.body().path("code").asText()).isEqualTo("invalid_field");
        assertThat(empty.body().path("message").asText()).contains("runners");

        Http.Answer missing = Http.post(base.resolve("execute"), TOKEN, "{\"runId\": \"r\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().path("code").asText()).isEqualTo("missing_field");
        assertThat(missing.body().path("details").path("pointer").asText()).isEqualTo("/runners");

        Http.Answer notJson = Http.post(base.resolve("execute"), TOKEN, "{runners");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body().path("code").asText()).isEqualTo("invalid_json");

        Http.Answer noToken = Http.post(base.resolve("execute"), null, "{\"runners\": [\"command\"]}");
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.body().path("code").asText()).isEqualTo("unauthenticated");
        assertThat(Http.get(base.resolve("info"), "wrong").status()).isEqualTo(401);

        Http.Answer unknownRoute = Http.get(base.resolve("run/abc"), TOKEN);
        assertThat(unknownRoute.status()).isEqualTo(404);
        assertThat(unknownRoute.body().path("code").asText()).isEqualTo("not_found");

        byte[] huge = new byte[(int) RunnerHttpService.MAX_BODY_BYTES + 10];
        java.util.Arrays.fill(huge, (byte) ' ');
        Http.Answer tooLarge = Http.post(base.resolve("execute"), TOKEN, huge);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.body().path("code").asText()).isEqualTo("body_too_large");

        for (Http.Answer a : List.of(empty, missing, notJson, noToken, unknownRoute, tooLarge)) {
            assertThat(Http.schemaErrors("ErrorEnvelope", a.body())).isEmpty();
        }
    }

    @Test
    void aPortInUseIsATypedError() {
        DirectExecution execution = new DirectExecution(
                RunnerRegistry.builder().builtIns().build(), store, dir, Clock.systemUTC(), Optional.empty());
        InetSocketAddress taken = new InetSocketAddress("127.0.0.1", service.port());

        assertThatThrownBy(() -> RunnerHttpService.start(execution, taken, Optional.empty()))
                .isInstanceOfSatisfying(
                        RunnerNodeException.class, e -> assertThat(e.code()).isEqualTo("listen_failed"));
    }
}
