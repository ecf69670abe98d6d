package dev.cairn.orchestrator.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.executor.protocol.Run;
import dev.cairn.machine.config.BuildProvenance;
import dev.cairn.machine.meta.Idempotency;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Params: declaration, type checks of --param values, substitution, and the manifest's input_params. */
class ParamsTest {

    // Line numbers matter: the tests below assert positions in this document.
    private static final String SPEC =
            """
            op: params
            params:
              name: {default: world}
              shards: {type: number, default: 2}
              verbose: {type: boolean, default: false}
              channel: {type: string}
              dataset: {default: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08}
              dir: {default: data}
            env:
              CHANNEL: ${{ params.channel }}
            steps:
              - id: a
                run: [echo, "${{params.name}}", "shards=${{ params.shards }}", "$${{ literal }}", "${{ params.verbose }}"]
                env: {WHO: "${{ params.name }}!", SAME: "${{ params.channel }}"}
                inputs:
                  - {path: "${{ params.dir }}/in.csv", to: "${{ params.dir }}/in.csv"}
                  - {artifact: "${{ params.dataset }}", to: data.bin}
                outputs: [out.txt]
                labels: {channel: "${{ params.channel }}", tier: gold}
              - id: b
                needs: [a]
                side_effect: apply_side_effect
                idempotency_key: "deploy-${{ params.channel }}-${{ params.shards }}"
                inputs: [{step: a}]
                run: echo deploying
            """;

    private static SpecDocument doc() {
        return Specs.valid(SPEC, "params.yaml");
    }

    @Test
    void typesAreDeclaredOrInferredFromTheDefault() {
        PipelineSpec spec = doc().spec();
        assertThat(spec.param("name").orElseThrow().type()).isEqualTo(ParamType.STRING);
        assertThat(spec.param("shards").orElseThrow().type()).isEqualTo(ParamType.NUMBER);
        assertThat(spec.param("verbose").orElseThrow().type()).isEqualTo(ParamType.BOOLEAN);
        assertThat(spec.param("channel").orElseThrow().required()).isTrue();
        assertThat(spec.param("name").orElseThrow().required()).isFalse();
    }

    @Test
    void numbersAreJsonNumbersNormalized() {
        assertThat(number("3")).isEqualTo("3");
        assertThat(number("2.50")).isEqualTo("2.5");
        assertThat(number("1e3")).isEqualTo("1000");
        assertThat(number("-0")).isEqualTo("0");
        assertThat(number("-1.25E-1")).isEqualTo("-0.125");
        for (String bad : List.of("03", "1.", ".5", "+1", "0x10", "1e1000", "NaN", "Infinity", "one", "", " 1")) {
            assertThat(ParamValue.parse(ParamType.NUMBER, bad)).as(bad).isEmpty();
        }
    }

    @Test
    void booleansAreExactlyTrueOrFalse() {
        assertThat(ParamValue.parse(ParamType.BOOLEAN, "true")).contains(new ParamValue.BooleanValue(true));
        assertThat(ParamValue.parse(ParamType.BOOLEAN, "false")).contains(new ParamValue.BooleanValue(false));
        for (String bad : List.of("True", "yes", "1", "on", "")) {
            assertThat(ParamValue.parse(ParamType.BOOLEAN, bad)).as(bad).isEmpty();
        }
    }

    private static String number(String text) {
        return ParamValue.parse(ParamType.NUMBER, text).orElseThrow().text();
    }

    @Test
    void everyTemplatedFieldIsSubstituted() {
        BoundPipeline bound = doc().bind(Map.of("channel", "beta", "shards", "4.0", "name", "Ada Lovelace"));
        CompiledStep a = bound.step("a").orElseThrow();
        assertThat(a.command().orElseThrow().run())
                .isEqualTo(new Run.Argv(List.of("echo", "Ada Lovelace", "shards=4", "${{ literal }}", "false")));
        assertThat(a.command().orElseThrow().env())
                .containsExactly(Map.entry("SAME", "beta"), Map.entry("WHO", "Ada Lovelace!"));
        assertThat(a.env()).containsEntry("CHANNEL", "beta").containsEntry("WHO", "Ada Lovelace!");
        assertThat(bound.env()).containsExactly(Map.entry("CHANNEL", "beta"));
        assertThat(a.inputs())
                .containsExactly(
                        new InputSpec.Local("data/in.csv", "data/in.csv"),
                        new InputSpec.Artifact(
                                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "data.bin"));
        assertThat(a.labels()).containsExactly(Map.entry("channel", "beta"), Map.entry("tier", "gold"));
        assertThat(bound.step("b").orElseThrow().meta().idempotency()).isEqualTo(new Idempotency.Key("deploy-beta-4"));
    }

    @Test
    void theManifestRecordsEveryParamTyped() throws Exception {
        BoundPipeline bound = doc().bind(Map.of("channel", "beta", "shards", "0.25"));
        var manifest = bound.manifest(BuildProvenance.empty());
        assertThat(manifest.opId().value()).isEqualTo("params");
        assertThat(manifest.opVersion()).isEqualTo("1");
        assertThat(manifest.inputParams())
                .isEqualTo(
                        new ObjectMapper()
                                .readTree(
                                        """
                        {"channel": "beta", "dataset": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                         "dir": "data", "name": "world", "shards": "0.25", "verbose": false}"""));
        BoundPipeline integral = doc().bind(Map.of("channel", "beta", "shards", "12"));
        assertThat(integral.params().toJson().get("shards").isInt()).isTrue();
        assertThat(new ParamValue.NumberValue(new BigDecimal("9007199254740993"))
                        .toJson()
                        .isTextual())
                .isTrue();
    }

    @Test
    void unknownMissingAndMistypedParamsAreReportedAtTheirDeclaration() {
        assertThat(Specs.bindErrors(doc(), Map.of("chanel", "beta", "shards", "many", "verbose", "yes")))
                .containsExactly(
                        "3:3 unknown_param_value /params/chanel",
                        "4:11 invalid_param_value /params/shards",
                        "5:12 invalid_param_value /params/verbose",
                        "6:12 missing_param /params/channel");
        SpecError unknown =
                doc().tryBind(Map.of("chanel", "x", "channel", "y")).errors().getFirst();
        assertThat(unknown.message()).contains("did you mean `channel`?");
    }

    @Test
    void secretLookingValuesAreRefusedWithoutBeingShown() {
        String token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
        List<SpecError> errors = doc().tryBind(Map.of("channel", token)).errors();
        assertThat(errors).extracting(MalformedSpecsTest::show).containsExactly("6:12 secret_in_param /params/channel");
        assertThat(errors.getFirst().message()).doesNotContain(token);
    }

    @Test
    void valuesMayNotHoldReferencesOrNul() {
        assertThat(Specs.bindErrors(doc(), Map.of("channel", "${{ params.name }}")))
                .containsExactly("6:12 invalid_param_value /params/channel");
        assertThat(Specs.bindErrors(doc(), Map.of("channel", "a\0b")))
                .containsExactly("6:12 invalid_param_value /params/channel");
        assertThat(Specs.bindErrors(doc(), Map.of("channel", "a\ud800b")))
                .containsExactly("6:12 invalid_param_value /params/channel");
    }

    @Test
    void substitutedValuesAreCheckedWhereTheyLand() {
        assertThat(Specs.bindErrors(doc(), Map.of("channel", "has space", "dataset", "nothex", "dir", "../up")))
                .containsExactly(
                        "16:48 invalid_path /steps/0/inputs/0/to",
                        "17:20 invalid_artifact_id /steps/0/inputs/1/artifact",
                        "19:23 invalid_label /steps/0/labels/channel");
    }

    @Test
    void bindThrowsASpecExceptionWithEveryError() {
        assertThatThrownBy(() -> doc().bind(Map.of()))
                .isInstanceOf(SpecException.class)
                .satisfies(e -> {
                    SpecException se = (SpecException) e;
                    assertThat(se.code()).isEqualTo("invalid_spec");
                    assertThat(se.source()).isEqualTo("params.yaml");
                    assertThat(se.errors())
                            .extracting(MalformedSpecsTest::show)
                            .containsExactly("6:12 missing_param /params/channel");
                    assertThat(se.report())
                            .contains("params.yaml:6:12: missing_param: param `channel` (string) is required");
                });
    }

    @Test
    void escapesAndWhitespaceInReferences() {
        ParamValues values = new ParamValues(new java.util.TreeMap<>(Map.of("x", new ParamValue.StringValue("1"))));
        assertThat(values.render("a${{params.x}}b${{ \tparams.x }}c$${{ params.x }}"))
                .isEqualTo("a1b1c${{ params.x }}");
        assertThat(values.render("$HOME ${HOME} $$ {{ }}")).isEqualTo("$HOME ${HOME} $$ {{ }}");
        assertThatThrownBy(() -> values.render("${{ params.y }}")).isInstanceOf(SpecException.class);
    }

    @Test
    void paramsOfASpecWithoutParams() {
        SpecDocument plain = Specs.valid("op: x\nsteps: [{id: a, run: echo}]\n", "plain.yaml");
        assertThat(plain.bind(Map.of()).params()).isEqualTo(ParamValues.NONE);
        assertThat(Specs.bindErrors(plain, Map.of("x", "1"))).containsExactly("1:1 unknown_param_value /params/x");
        assertThat(plain.tryBind(Map.of("x", "1")).errors().getFirst().message())
                .contains("declares no params");
        assertThat(plain.bind(Map.of())
                        .manifest(BuildProvenance.empty())
                        .inputParams()
                        .isEmpty())
                .isTrue();
        assertThat(Optional.of(plain.spec().version())).contains(PipelineSpec.DEFAULT_VERSION);
    }
}
