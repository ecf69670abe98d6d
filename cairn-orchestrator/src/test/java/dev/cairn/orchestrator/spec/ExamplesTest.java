package dev.cairn.orchestrator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pipelines in examples/ read cleanly and bind with their defaults. */
class ExamplesTest {

    private final SpecParser parser = new SpecParser();

    @Test
    void theRequiredExamplesExist() {
        assertThat(Repo.examplePipelines().stream().map(p -> p.getFileName().toString()))
                .contains("build-and-test.yaml", "dataset-stats.yaml", "hello.yaml");
    }

    @Test
    void everyExampleReadsWithoutErrorsAndBindsWithItsDefaults() {
        for (Path file : Repo.examplePipelines()) {
            SpecResult<SpecDocument> result = parser.read(file);
            assertThat(result.errors()).as(file.toString()).isEmpty();
            SpecDocument doc = result.orThrow();
            assertThat(doc.baseDir()).contains(file.toAbsolutePath().getParent());
            BoundPipeline bound = doc.bind(Map.of());
            assertThat(bound.steps()).hasSameSizeAs(doc.spec().steps());
        }
    }

    @Test
    void buildAndTestFansOutAndJoins() {
        PipelineSpec spec =
                parser.parse(Repo.examples().resolve("build-and-test.yaml")).spec();
        assertThat(spec.steps().stream().map(StepSpec::id))
                .containsExactly("compile", "strict", "unit_tests", "cli_tests_1", "cli_tests_2", "package");
        StepSpec shard2 = spec.step("cli_tests_2").orElseThrow();
        assertThat(shard2.needs()).containsExactly("compile");
        assertThat(shard2.inputs())
                .containsExactly(
                        new InputSpec.FromStep("compile", "build/hello", "."),
                        new InputSpec.Local("hello-c/tests", "tests"));
        assertThat(spec.step("package").orElseThrow().needs())
                .containsExactly("strict", "unit_tests", "cli_tests_1", "cli_tests_2");
        assertThat(List.copyOf(spec.params().stream().map(ParamSpec::name).toList()))
                .containsExactly("greeting", "opt_level", "version");
    }
}
