package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepState;
import dev.cairn.contracts.api.StepView;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.orchestrator.spec.LocalInputs;
import dev.cairn.orchestrator.spec.SpecDocument;
import dev.cairn.orchestrator.spec.SpecException;
import dev.cairn.orchestrator.spec.SpecParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository's example pipelines, uploaded and run end to end on the orchestrator. */
class ExamplesOnTheOrchestratorTest {

    @TempDir
    Path dir;

    static Path examples() {
        Path here = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p.resolve("examples");
            }
        }
        throw new IllegalStateException("no examples/ above " + here);
    }

    private static String run(Harness h, String example, Map<String, String> params) {
        SpecDocument doc = new SpecParser().parse(examples().resolve(example));
        ObjectNode spec = LocalInputs.upload(doc, params, h.orchestrator.artifacts());
        for (JsonNode step : spec.get("steps")) {
            for (JsonNode input : step.path("inputs")) {
                assertThat(input.has("path")).as("no local input is left").isFalse();
            }
        }
        return h.orchestrator
                .submitPipeline(PipelineRunRequest.of(spec, params))
                .runId();
    }

    private static String output(Harness h, String runId, String step, String key) {
        for (var job : h.orchestrator.summary(runId).jobs()) {
            for (var result : job.results()) {
                if (result.name().equals(step)) {
                    for (JsonNode out : result.details().orElseThrow().get("outputs")) {
                        if (out.get("key").asText().equals(key)) {
                            return new String(
                                    h.orchestrator
                                            .artifacts()
                                            .get(new ArtifactId(
                                                    out.get("artifact_id").asText())),
                                    StandardCharsets.UTF_8);
                        }
                    }
                }
            }
        }
        throw new AssertionError("no output " + key + " of " + step);
    }

    @Test
    void datasetStatsFansOutPerRegionAndJoinsAReport() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/awk")), "awk is not installed");
        try (Harness h = new Harness(dir)) {
            h.commandWorker("w1", Map.of());
            h.commandWorker("w2", Map.of());
            String runId = run(h, "dataset-stats.yaml", Map.of("currency", "USD"));
            RunDetail detail = h.awaitEnd(runId);
            assertThat(detail.state()).as(detail.toString()).isEqualTo(RunState.COMPLETED);
            assertThat(detail.steps()).extracting(StepView::state).containsOnly(StepState.COMPLETED);
            String report = output(h, runId, "report", "report/report.md");
            assertThat(report).startsWith("| region | sales | units | revenue (USD) | top product |\n");
            assertThat(report).contains("| north |", "| south |", "| east |", "| west |", "| **all** |");
        }
    }

    @Test
    void buildAndTestCompilesTestsAndPackagesWithTheCompiledProgramStillExecutable() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc is not installed");
        try (Harness h = new Harness(dir)) {
            h.commandWorker("w1", Map.of());
            h.commandWorker("w2", Map.of());
            String runId = run(h, "build-and-test.yaml", Map.of("version", "9.9.9"));
            RunDetail detail = h.awaitEnd(runId);
            assertThat(detail.state()).as(detail.toString()).isEqualTo(RunState.COMPLETED);
            assertThat(output(h, runId, "package", "dist/hello-9.9.9.tar.gz.sha256"))
                    .matches("[0-9a-f]{64}  hello-9\\.9\\.9\\.tar\\.gz\\n");
            StepView shard = detail.steps().stream()
                    .filter(s -> s.stepId().equals("cli_tests_1"))
                    .findFirst()
                    .orElseThrow();
            assertThat(shard.logTail()).extracting(l -> l.message()).anySatisfy(line -> assertThat(line)
                    .contains("0 failure(s)"));
        }
    }

    @Test
    void aLocalInputThatCannotBeReadIsAPositionedSpecError() throws Exception {
        Path spec = dir.resolve("missing.yaml");
        Files.writeString(
                spec,
                """
                op: missing
                steps:
                  - id: build
                    inputs: [{path: nowhere/src, to: src}]
                    run: ls src
                """);
        try (Harness h = new Harness(dir.resolve("home"))) {
            SpecDocument doc = new SpecParser().parse(spec);
            assertThatThrownBy(() -> LocalInputs.upload(doc, Map.of(), h.orchestrator.artifacts()))
                    .isInstanceOfSatisfying(SpecException.class, e -> {
                        assertThat(e.errors()).singleElement().satisfies(err -> {
                            assertThat(err.code().code()).isEqualTo("unreadable_file");
                            assertThat(err.path()).isEqualTo("/steps/0/inputs/0/path");
                            assertThat(err.line()).isEqualTo(4);
                        });
                    });
        }
    }
}
