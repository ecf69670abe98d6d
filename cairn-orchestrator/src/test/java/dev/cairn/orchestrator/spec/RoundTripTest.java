package dev.cairn.orchestrator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.json.Canonical;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** spec → JSON (the spec format) → spec gives the same spec. */
class RoundTripTest {

    @Test
    void everyExampleRoundTripsThroughJson() {
        for (Path file : Repo.examplePipelines()) {
            PipelineSpec spec = Specs.PARSER.parse(file).spec();
            assertRoundTrips(spec, file.getFileName().toString());
        }
    }

    @Test
    void theKitchenSinkRoundTripsThroughJson() {
        PipelineSpec spec = Specs.kitchenSink().spec();
        assertRoundTrips(spec, "kitchen-sink");
        // The YAML's shorthands come back in their long form.
        JsonNode json = SpecWriter.toJson(spec);
        assertThat(json.at("/steps/1/needs").toString()).isEqualTo("[\"fetch\"]");
        assertThat(json.at("/steps/0/resources/memory").asText()).isEqualTo("2GiB");
        assertThat(json.at("/steps/2/timeout").asText()).isEqualTo("1h30m");
        assertThat(json.at("/steps/1/secrets/0").asText()).isEqualTo("NPM_TOKEN");
        assertThat(json.at("/steps/1/secrets/1/file").asText()).isEqualTo("deploy_key");
        assertThat(json.at("/settings/events").asText()).isEqualTo("custom:audit");
    }

    @Test
    void aWrittenSpecIsItsOwnFixedPoint() throws Exception {
        PipelineSpec spec = Specs.kitchenSink().spec();
        String once = SpecWriter.toJsonString(spec);
        String twice = SpecWriter.toJsonString(Specs.valid(once, "once.json").spec());
        assertThat(twice).isEqualTo(once);
        assertThat(Canonical.canonicalString(new ObjectMapper().readTree(once)))
                .isEqualTo(Canonical.canonicalString(SpecWriter.toJson(spec)));
    }

    @Test
    void aSpecBuiltInCodeRoundTripsAndHasNoProblems() {
        PipelineSpec spec = PipelineSpec.builder("built")
                .param(ParamSpec.withDefault("name", new ParamValue.StringValue("world")))
                .step(StepSpec.command("greet", new dev.cairn.executor.protocol.Run.Script("echo ${{ params.name }}"))
                        .output("out.txt")
                        .build())
                .step(StepSpec.command("after", new dev.cairn.executor.protocol.Run.Argv(java.util.List.of("true")))
                        .needs("greet")
                        .input(new InputSpec.FromStep("greet", "**", "."))
                        .build())
                .build();
        assertThat(spec.problems()).isEmpty();
        assertRoundTrips(spec, "built");
    }

    private static void assertRoundTrips(PipelineSpec spec, String name) {
        String json = SpecWriter.toJsonString(spec);
        PipelineSpec back = Specs.valid(json, name + ".json").spec();
        assertThat(back).as(name).isEqualTo(spec);
    }
}
