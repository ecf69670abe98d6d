package dev.cairn.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.json.wire.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaExamplesTest {

    private static final SchemaCatalog CATALOG = SchemaCatalog.of(Fixtures.Decision.class);

    private static final SchemaExamples.Validator NETWORKNT = (schema, document) ->
            Validation.errors(schema, document).stream().map(Object::toString).toList();

    @TempDir
    Path examples;

    @BeforeEach
    void writeExamples() throws IOException {
        write("Decision/good/hit.json", "{\"kind\":\"hit\",\"tag\":\"abc\"}");
        write("Decision/bad/unknown-kind.json", "{\"kind\":\"miss\"}");
        write("Decision/bad/bad-tag.json", "{\"kind\":\"hit\",\"tag\":\"ABC\"}");
        write(
                "Decision/expected-errors.json",
                """
                {"unknown-kind.json": {"code": "wire_format", "path": ""},
                 "bad-tag.json": {"code": "wire_format", "path": "/tag"}}""");
    }

    private void write(String path, String content) throws IOException {
        Path file = examples.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private List<SchemaExamples.Check> checks() {
        return SchemaExamples.checks(CATALOG, examples, null, NETWORKNT);
    }

    private static void runAll(List<SchemaExamples.Check> checks) {
        checks.forEach(check -> check.body().run());
    }

    @Test
    void theShippedTestSchemaIsTheGeneratedOne() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/cairn/schemas/Decision.schema.json")) {
            assertThat(Wire.read(in, com.fasterxml.jackson.databind.JsonNode.class))
                    .isEqualTo(SchemaGen.schemaFor(Fixtures.Decision.class));
        }
    }

    @Test
    void agreeingExamplesPass() {
        List<SchemaExamples.Check> checks = checks();
        assertThat(checks)
                .extracting(SchemaExamples.Check::name)
                .containsExactly(
                        "every example directory names a schema",
                        "Decision: has good and bad examples, and an expected error for each bad one",
                        "Decision good/hit.json",
                        "Decision bad/bad-tag.json",
                        "Decision bad/unknown-kind.json");
        runAll(checks);
    }

    @Test
    void aWrongExpectedErrorFails() throws IOException {
        write(
                "Decision/expected-errors.json",
                """
                {"unknown-kind.json": {"code": "missing_field", "path": "/kind"},
                 "bad-tag.json": {"code": "wire_format", "path": "/tag"}}""");
        assertThatThrownBy(() -> runAll(checks()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("unknown-kind.json: expected missing_field at `/kind`, got wire_format at ``");
    }

    @Test
    void aGoodExampleTheSchemaRefusesFails() throws IOException {
        write("Decision/good/no-tag.json", "{\"kind\":\"hit\"}");
        assertThatThrownBy(() -> runAll(checks()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("no-tag.json should be valid, but the schema reports");
    }

    @Test
    void aBadExampleTheSchemaAcceptsFails() throws IOException {
        write("Decision/bad/fine.json", "{\"kind\":\"miss_no_commit\"}");
        write(
                "Decision/expected-errors.json",
                """
                {"unknown-kind.json": {"code": "wire_format", "path": ""},
                 "bad-tag.json": {"code": "wire_format", "path": "/tag"},
                 "fine.json": {"code": "wire_format", "path": ""}}""");
        assertThatThrownBy(() -> runAll(checks()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("fine.json should be invalid, but the schema accepts it");
    }

    @Test
    void missingExamplesAndStaleDirectoriesFail() throws IOException {
        Files.delete(examples.resolve("Decision/bad/bad-tag.json"));
        Files.delete(examples.resolve("Decision/bad/unknown-kind.json"));
        Files.createDirectories(examples.resolve("Removed/good"));
        assertThatThrownBy(() -> runAll(checks()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("has examples for schemas that do not exist: [Removed]");
        assertThatThrownBy(() -> checks().get(1).body().run())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("needs at least one good/*.json and one bad/*.json");
    }
}
