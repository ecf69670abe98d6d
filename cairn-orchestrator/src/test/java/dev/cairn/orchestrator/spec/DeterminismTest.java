package dev.cairn.orchestrator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.json.ArtifactIds;
import dev.cairn.json.Canonical;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.config.BuildProvenance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The same spec text always compiles to the same run config, command steps and manifest bytes. */
class DeterminismTest {

    @Test
    void theSameTextGivesTheSameCompilationByteForByte() {
        for (Path file : Repo.examplePipelines()) {
            String text = Repo.read(file);
            BoundPipeline first = Specs.valid(text, file.toString()).bind(Map.of());
            BoundPipeline second = new SpecParser().parse(text, file.toString()).bind(Map.of());
            assertThat(second).isEqualTo(first);
            assertThat(canonical(second)).isEqualTo(canonical(first));
            assertThat(manifestId(second)).isEqualTo(manifestId(first));
        }
    }

    @Test
    void theYamlAndItsJsonFormCompileToTheSameManifestAndSteps() {
        String yaml = Specs.resource("kitchen-sink.yaml");
        BoundPipeline fromYaml = Specs.valid(yaml, "k.yaml").bind(Map.of("channel", "c"));
        String json = SpecWriter.toJsonString(fromYaml.spec());
        BoundPipeline fromJson = Specs.valid(json, "k.json").bind(Map.of("channel", "c"));
        assertThat(manifestId(fromJson)).isEqualTo(manifestId(fromYaml));
        assertThat(canonical(fromJson)).isEqualTo(canonical(fromYaml));
    }

    @Test
    void paramsChangeTheManifestIdAndNothingElseDoes() {
        String yaml = Specs.resource("kitchen-sink.yaml");
        String a = manifestId(Specs.valid(yaml, "k.yaml").bind(Map.of("channel", "a")));
        String b = manifestId(Specs.valid(yaml, "k.yaml").bind(Map.of("channel", "b")));
        String reformatted = manifestId(Specs.valid(yaml.replace("\n\n", "\n\n# a comment\n\n"), "k.yaml")
                .bind(Map.of("channel", "a")));
        assertThat(a).isNotEqualTo(b).isEqualTo(reformatted);
    }

    private static String manifestId(BoundPipeline bound) {
        return ArtifactIds.ofJson(Wire.toTree(bound.manifest(BuildProvenance.empty())));
    }

    /** Every compiled command step and the run config, as canonical JSON. */
    private static List<String> canonical(BoundPipeline bound) {
        List<String> out = new ArrayList<>();
        out.add(Canonical.canonicalString(Wire.toTree(bound.runConfig())));
        for (CompiledStep step : bound.steps()) {
            out.add(step.id() + " "
                    + step.command()
                            .map(c -> Canonical.canonicalString(Wire.toTree(c)))
                            .orElse("-"));
            out.add(step.id() + " " + Canonical.canonicalString(Wire.toTree(step.meta())));
        }
        return out;
    }
}
