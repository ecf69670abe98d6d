package dev.cairn.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.secrets.LocalSecretStore;
import dev.cairn.secrets.mask.Masker;
import dev.cairn.sinks.events.CairnEventTypes;
import dev.cairn.sinks.events.CloudEventMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's glue between runner, orchestrator, secrets and sinks, on a real home. */
class NodeWiringTest {

    @TempDir
    Path home;

    static List<EventEnvelope> allEvents(CairnNode node, String runId) {
        return node.orchestrator().events(runId, 0, 10_000, Duration.ZERO);
    }

    @Test
    void aCommandStepRunInACellLeavesCellLifecycleEventsInTheRunsLog() {
        try (CairnNode node = CairnNode.open(NodeOptions.builder().home(home).build())) {
            String runId = node.orchestrator()
                    .submitPipeline(PipelineRunRequest.of(
                            CairnNodeTest.spec(
                                    """
                                    op: cells
                                    version: "1"
                                    steps:
                                      - id: only
                                        run: [sh, -c, "echo in a cell"]
                                    """),
                            Map.of()))
                    .runId();
            assertThat(CairnNodeTest.awaitEnd(node, runId).state()).isEqualTo(RunState.COMPLETED);

            CloudEventMapper mapper = new CloudEventMapper("node-test");
            List<String> types = allEvents(node, runId).stream()
                    .map(e -> mapper.toCloudEvent(e).type())
                    .filter(t -> t.startsWith("dev.cairn.cell."))
                    .toList();
            assertThat(types)
                    .containsExactly(
                            CairnEventTypes.CELL_CREATED,
                            CairnEventTypes.CELL_STARTED,
                            CairnEventTypes.CELL_EXITED,
                            CairnEventTypes.CELL_DESTROYED);
            assertThat(allEvents(node, runId).stream()
                            .map(e -> mapper.toCloudEvent(e))
                            .filter(c -> c.type().equals(CairnEventTypes.CELL_STARTED))
                            .findFirst()
                            .orElseThrow()
                            .data()
                            .orElseThrow()
                            .path("pid")
                            .isNumber())
                    .isTrue();
        }
    }

    private static final String SECRET = "tok-9f8e7d6c5b4a3210";

    /** Every file under the home holding the secret in any form the masker knows, with the form. */
    static List<String> leaks(Path home, Masker masker) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(home)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                masker.find(Files.readAllBytes(file)).forEach(f -> found.add(file + ": " + f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    @Test
    void aSecretSetInTheHomeReachesTheCellAndNothingUnderTheHomeHoldsIt() {
        // What `cairn secrets set DEPLOY_TOKEN` does: the home's encrypted store.
        LocalSecretStore.open(home.resolve(CairnNode.SECRETS_DIR))
                .set("DEPLOY_TOKEN", SECRET.getBytes(StandardCharsets.UTF_8));
        Masker masker = Masker.builder()
                .secret("DEPLOY_TOKEN", SECRET.getBytes(StandardCharsets.UTF_8))
                .build();
        Path events = home.resolve("out").resolve("events.jsonl");
        try {
            Files.writeString(
                    home.resolve(NodeOptions.CONFIG_FILE),
                    "events:\n  sinks:\n    - name: audit\n      jsonl: {path: \"" + events + "\"}\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String runId;
        try (CairnNode node = CairnNode.open(NodeOptions.builder().home(home).build())) {
            runId = node.orchestrator()
                    .submitPipeline(PipelineRunRequest.of(
                            CairnNodeTest.spec(
                                    """
                                    op: secrets
                                    version: "1"
                                    steps:
                                      - id: leak
                                        secrets: [DEPLOY_TOKEN]
                                        run: [sh, -c, "echo token $DEPLOY_TOKEN; printf %s \\"$DEPLOY_TOKEN\\" | base64; echo $DEPLOY_TOKEN > out.txt"]
                                        outputs: [out.txt]
                                    """),
                            Map.of()))
                    .runId();
            var detail = CairnNodeTest.awaitEnd(node, runId);
            assertThat(detail.state()).isEqualTo(RunState.FAILED);
            assertThat(detail.error()).get().asString().contains("step `leak`").contains("DEPLOY_TOKEN");
            CloudEventMapper mapper = new CloudEventMapper("node-test");
            var failed = allEvents(node, runId).stream()
                    .map(mapper::toCloudEvent)
                    .filter(c -> c.type().equals(CairnEventTypes.TASK_FAILED))
                    .findFirst()
                    .orElseThrow()
                    .data()
                    .orElseThrow();
            assertThat(failed.path("code").asText()).isEqualTo("secret_in_output");
            assertThat(failed.path("step_id").asText()).isEqualTo("leak");
            var logs = node.orchestrator().logs(runId, java.util.Optional.empty(), 0, 1000, Duration.ZERO);
            assertThat(logs.toString()).contains("token ***");
            assertThat(leaks(home, masker)).isEmpty();
            CairnNodeTest.await(() -> Files.exists(events), "the event log file");
        }
        assertThat(leaks(home, masker)).isEmpty();
    }

    @Test
    void aRunsOwnSinksGetItsEventsWhenItStartsAndAfterItResumes() throws IOException {
        Path file = home.toAbsolutePath()
                .normalize()
                .resolve(CairnNode.RUN_EVENTS_DIR)
                .resolve("mine.jsonl");
        var sink = dev.cairn.sinks.config.EventsConfigs.parseSink(
                new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                        .readTree("{name: mine, jsonl: {path: \"" + file + "\"}}"),
                "");
        String pipeline =
                """
                op: sinks
                version: "1"
                steps:
                  - id: one
                    run: [sh, -c, "echo one"]
                """;
        String runId;
        try (CairnNode node =
                CairnNode.open(NodeOptions.builder().home(home).runner(false).build())) {
            runId = node.orchestrator()
                    .submitPipeline(PipelineRunRequest.of(CairnNodeTest.spec(pipeline), Map.of()), 0, List.of(sink))
                    .runId();
            CairnNodeTest.await(
                    () -> Files.exists(file) && read(file).contains(CairnEventTypes.RUN_STARTED),
                    "the run's own sink to get its first events");
        }
        // Reopened: the run resumes, its sink is subscribed again and gets the rest.
        try (CairnNode node = CairnNode.open(NodeOptions.builder().home(home).build())) {
            assertThat(CairnNodeTest.awaitEnd(node, runId).state()).isEqualTo(RunState.COMPLETED);
            CairnNodeTest.await(
                    () -> read(file).contains(CairnEventTypes.RUN_COMPLETED), "the run's own sink to see it end");
        }
        // Delivery is at least once: an event whose cursor the first node had not stored when it
        // closed is delivered again, with the same id and the same bytes (docs/events.md). So each
        // event is there, and every copy of it is identical.
        List<String> lines = Files.readAllLines(file);
        for (String type : List.of(CairnEventTypes.RUN_STARTED, CairnEventTypes.RUN_COMPLETED)) {
            List<String> copies =
                    lines.stream().filter(l -> l.contains(type)).distinct().toList();
            assertThat(copies).as(type).hasSize(1);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
