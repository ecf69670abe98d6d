package dev.cairn.orchestrator.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.executor.protocol.Run;
import dev.cairn.json.wire.Wire;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader's behaviour beyond the malformed table: YAML details, formats, positions, messages. */
class SpecParserTest {

    private final SpecParser parser = new SpecParser();

    @Test
    void plainScalarsFollowYaml12() {
        PipelineSpec spec = Specs.valid(
                        "op: x\nsteps:\n  - id: a\n    run: [echo, yes, on, no, 012, 0o12, 0x1f, 1_000, 1.50, ~, 'true']\n"
                                .replace(", ~", ""),
                        "x.yaml")
                .spec();
        assertThat(spec.steps().getFirst().run())
                .contains(new Run.Argv(
                        List.of("echo", "yes", "on", "no", "012", "0o12", "0x1f", "1_000", "1.50", "true")));
        assertThat(YamlTreeReader.resolvePlain("012").intValue()).isEqualTo(12);
        assertThat(YamlTreeReader.resolvePlain("0o12").intValue()).isEqualTo(10);
        assertThat(YamlTreeReader.resolvePlain("yes").isTextual()).isTrue();
        assertThat(YamlTreeReader.resolvePlain("1_000").isTextual()).isTrue();
        assertThat(YamlTreeReader.resolvePlain("").isNull()).isTrue();
    }

    @Test
    void aNumberWhereTextIsExpectedSuggestsQuotingItAsWritten() {
        SpecError error = parser.read("op: x\nversion: 1.10\nsteps: [{id: a, run: echo}]\n", "x.yaml")
                .errors()
                .getFirst();
        assertThat(error.message()).isEqualTo("expected a string, got the number 1.10");
        assertThat(error.hint()).isEqualTo("YAML reads `1.10` as a number; quote it to make it a string: \"1.10\".");
    }

    @Test
    void yamlAndJsonFormsReadToTheSameSpec() throws Exception {
        String yaml = "op: x\nsteps:\n  - id: a\n    run: echo hi\n    timeout: 90s\n";
        String json = "{\"op\": \"x\", \"steps\": [{\"id\": \"a\", \"run\": \"echo hi\", \"timeout\": \"90s\"}]}";
        assertThat(Specs.valid(json, "x.json").spec())
                .isEqualTo(Specs.valid(yaml, "x.yaml").spec());
        // By content when the name says nothing; a leading byte order mark is ignored.
        assertThat(Specs.valid("\uFEFF  " + json, "-").spec())
                .isEqualTo(Specs.valid(yaml, "-").spec());
        assertThat(SpecFormat.detect("spec", "  {")).isEqualTo(SpecFormat.JSON);
        assertThat(SpecFormat.detect("spec.yml", "{")).isEqualTo(SpecFormat.YAML);
        assertThat(new ObjectMapper().readTree(json)).isInstanceOf(JsonNode.class);
    }

    @Test
    void errorsInAliasedContentPointAtTheAnchorAndNameTheUse() {
        String yaml =
                """
                op: x
                x-base: &base
                  run: echo
                  timeout: 5 min
                steps:
                  - <<: *base
                    id: a
                  - <<: *base
                    id: b
                """;
        assertThat(Specs.errors(yaml, "x.yaml"))
                .containsExactly("4:12 invalid_duration /steps/0/timeout", "4:12 invalid_duration /steps/1/timeout");
    }

    @Test
    void mergeKeysLetWrittenKeysWinAndAliasesExpand() {
        String yaml =
                """
                op: x
                x-base: &base {run: echo base, timeout: 5m, tags: [compute]}
                x-more: &more {timeout: 7m, cell: process}
                steps:
                  - <<: [*base, *more]
                    id: a
                    run: echo mine
                  - id: b
                    needs: &needs [a]
                    run: echo
                  - {id: c, needs: *needs, run: echo}
                """;
        PipelineSpec spec = Specs.valid(yaml, "x.yaml").spec();
        StepSpec a = spec.step("a").orElseThrow();
        assertThat(a.run()).contains(new Run.Script("echo mine"));
        assertThat(a.timeout()).hasMinutes(5);
        assertThat(a.cell()).isEqualTo(dev.cairn.executor.protocol.CellProfile.PROCESS);
        assertThat(spec.step("c").orElseThrow().needs()).containsExactly("a");
    }

    @Test
    void duplicateKeysNameBothPositions() {
        SpecError error = parser.read("op: x\nop: y\nsteps: [{id: a, run: echo}]\n", "x.yaml")
                .errors()
                .getFirst();
        assertThat(MalformedSpecsTest.show(error)).isEqualTo("2:1 duplicate_key /op");
        assertThat(error.message()).isEqualTo("duplicate key `op`: it is already defined at line 1, column 1");
    }

    @Test
    void unknownFieldsSuggestTheClosestField() {
        SpecError error = parser.read("op: x\nsteps: [{id: a, run: echo, sideeffect: pure}]\n", "x.yaml")
                .errors()
                .getFirst();
        assertThat(error.message()).isEqualTo("unknown field `sideeffect` (did you mean `side_effect`?)");
        assertThat(error.hint()).startsWith("Known fields here: id, description, capability, run,");
    }

    @Test
    void extensionKeysAreIgnoredOnlyAtTheTop() {
        assertThat(Specs.errors("op: x\nx-notes: {anything: [1, 2]}\nsteps: [{id: a, run: echo}]\n", "x.yaml"))
                .isEmpty();
        assertThat(Specs.errors("op: x\nsteps: [{id: a, run: echo, x-notes: 1}]\n", "x.yaml"))
                .containsExactly("2:28 unknown_field /steps/0/x-notes");
    }

    @Test
    void aSecretIsReportedOnceAndNeverRepeated() {
        String token = "xoxb-123456789012-abcdefABCDEF";
        List<SpecError> errors = parser.read(
                        "op: x\nsteps: [{id: a, run: echo, labels: {team: '" + token + "'}, timeout: '" + token
                                + "'}]\n",
                        "x.yaml")
                .errors();
        assertThat(errors)
                .extracting(MalformedSpecsTest::show)
                .containsExactly("2:43 inline_secret /steps/0/labels/team", "2:87 inline_secret /steps/0/timeout");
        for (SpecError error : errors) {
            assertThat(error.message() + error.hint()).doesNotContain(token).doesNotContain("xoxb");
        }
    }

    @Test
    void errorsRenderLikeACompilersAndHaveAWireForm() {
        SpecError error = parser.read("op: x\nsteps: [{id: a, run: echo, timeout: 10 min}]\n", "broken.yaml")
                .errors()
                .getFirst();
        assertThat(error.render("broken.yaml"))
                .isEqualTo(
                        "broken.yaml:2:37: invalid_duration: `timeout` `10 min` contains spaces (at /steps/0/timeout)\n"
                                + "  hint: Write durations as whole numbers with units, largest first: `90s`, `10m`, `1h30m`, `500ms`.");
        JsonNode wire = Wire.toTree(error);
        assertThat(wire.get("code").asText()).isEqualTo("invalid_duration");
        assertThat(wire.get("line").asInt()).isEqualTo(2);
        assertThat(wire.get("path").asText()).isEqualTo("/steps/0/timeout");
        assertThat(Wire.fromTree(wire, SpecError.class)).isEqualTo(error);
    }

    @Test
    void parseThrowsASpecExceptionWithEveryError() {
        assertThatThrownBy(() -> parser.parse("op: X\nsteps: []\n", "x.yaml"))
                .isInstanceOf(SpecException.class)
                .hasMessage(
                        "x.yaml has 2 errors; first: x.yaml:1:5: invalid_id: op id `X` is not 1 to 63 characters: a lowercase"
                                + " letter, then lowercase letters, digits or underscores")
                .satisfies(e -> {
                    SpecException se = (SpecException) e;
                    assertThat(se.code()).isEqualTo("invalid_spec");
                    assertThat(se.retryable()).isFalse();
                    assertThat(se.errors())
                            .extracting(MalformedSpecsTest::show)
                            .containsExactly("1:5 invalid_id /op", "2:8 no_steps /steps");
                });
        assertThat(parser.check("op: X\nsteps: []\n", "x.yaml")).hasSize(2);
        assertThat(parser.check("op: x\nsteps: [{id: a, run: echo}]\n", "x.yaml"))
                .isEmpty();
    }

    @Test
    void filesAreReadWithTheirDirectoryAndUnreadableOnesAreAnError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, "op: x\nsteps: [{id: a, run: echo}]\n");
        SpecDocument doc = parser.parse(file);
        assertThat(doc.baseDir()).contains(dir.toAbsolutePath());
        assertThat(doc.sourceName()).isEqualTo(file.toString());
        SpecResult<SpecDocument> missing = parser.read(dir.resolve("missing.yaml"));
        assertThat(missing.errors()).extracting(MalformedSpecsTest::show).containsExactly("1:1 unreadable_file");
        Files.write(dir.resolve("big.yaml"), new byte[SpecLimits.DEFAULT_MAX_BYTES + 1]);
        assertThat(parser.read(dir.resolve("big.yaml")).errors())
                .extracting(MalformedSpecsTest::show)
                .containsExactly("1:1 document_too_large");
        assertThat(parser.read(new String(new byte[SpecLimits.DEFAULT_MAX_BYTES + 1], StandardCharsets.UTF_8), "s.yaml")
                        .errors())
                .extracting(e -> e.code().code())
                .containsExactly("document_too_large");
    }

    @Test
    void limitsAreValidated() {
        assertThatThrownBy(() -> SpecLimits.builder().maxDepth(0).build()).isInstanceOf(IllegalArgumentException.class);
        assertThat(SpecLimits.builder().build()).isEqualTo(SpecLimits.DEFAULTS);
    }

    @Test
    void everyErrorCodeIsSnakeCase() {
        for (SpecCode code : SpecCode.values()) {
            assertThat(code.code()).matches("[a-z][a-z_]*");
            assertThat(code.defaultHint()).isNotBlank().endsWith(".");
        }
        assertThat(Wire.toTree(Map.of("c", SpecCode.UNKNOWN_FIELD)).get("c").asText())
                .isEqualTo("unknown_field");
    }
}
