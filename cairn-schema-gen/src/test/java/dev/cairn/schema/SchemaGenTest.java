package dev.cairn.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaGenTest {

    private static JsonNode json(String text) {
        return Wire.read(text, JsonNode.class);
    }

    private static JsonNode resource(String name) {
        try (InputStream in = SchemaGenTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return Wire.read(in, JsonNode.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void serdeRecordsMatchTheirGoldenSchema() {
        assertThat(SchemaGen.schemaFor(Fixtures.Everything.class))
                .isEqualTo(resource("/golden/Everything.schema.json"));
    }

    @Test
    void typeScriptRecordsMatchTheirGoldenSchema() {
        assertThat(SchemaGen.schemaFor(Fixtures.CamelCase.class)).isEqualTo(resource("/golden/CamelCase.schema.json"));
    }

    @Test
    void requiredIsEverythingButOptionalAndDefaultedComponents() {
        ObjectNode schema = SchemaGen.schemaFor(Fixtures.Everything.class);
        assertThat(schema.get("required").toString()).doesNotContain("\"parent\"", "\"git_commit\"", "\"allowlist\"");
        assertThat(schema.get("required")).hasSize(11);
        assertThat(schema.at("/properties/git_commit/type")).isEqualTo(json("[\"string\",\"null\"]"));
        assertThat(schema.at("/properties/parent/anyOf/1")).isEqualTo(json("{\"type\":\"null\"}"));
    }

    @Test
    void urisAreReferencesUnlessAFormatNarrowsThem() {
        ObjectNode schema = SchemaGen.schemaFor(Fixtures.Link.class);
        assertThat(schema.at("/properties/href")).isEqualTo(json("{\"type\":\"string\",\"format\":\"uri-reference\"}"));
        assertThat(schema.at("/properties/absolute/format").textValue()).isEqualTo("uri");
        new Case("{\"href\":\"../a?b\",\"absolute\":\"https://example.com/x\"}", true)
                .check(schema, Fixtures.Link.class);
        new Case("{\"href\":\"a b\"}", false).check(schema, Fixtures.Link.class);
    }

    @Test
    void unknownFieldsAreAllowedUnlessDenied() {
        assertThat(SchemaGen.schemaFor(Fixtures.Everything.class).get("additionalProperties"))
                .isEqualTo(json("false"));
        assertThat(SchemaGen.schemaFor(Fixtures.Lenient.class).has("additionalProperties"))
                .isFalse();
    }

    @Test
    void aVariantAloneKeepsItsFraming() {
        ObjectNode hit = SchemaGen.schemaFor(Fixtures.Decision.Hit.class);
        assertThat(hit.get("title").textValue()).isEqualTo("Hit");
        assertThat(hit.at("/properties/kind")).isEqualTo(json("{\"const\":\"hit\"}"));
        assertThat(Validation.errors(hit, json("{\"kind\":\"hit\",\"tag\":\"abc\"}")))
                .isEmpty();
        assertThat(Validation.errors(hit, json("{\"kind\":\"miss_build_as\",\"tag\":\"abc\"}")))
                .isNotEmpty();
    }

    private static final String EVERYTHING =
            """
            {"io_mode":"ReadOnlyIo","status":"in-flight","profile":{"FanOutJoin":{"max_concurrency":4}},
             "decision":{"kind":"miss_build_as","tag":"abc"},"delay":{"secs":2,"nanos":500},
             "run":"0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30","parent":null,"git_commit":"abc",
             "env":{"HOME":"/root"},"seq":9,"at":"2026-11-23T06:00:00Z","anything":[1,{"a":null}],
             "payload":"aGk="}""";

    /** Document variants on which the schema and the codec must give the same verdict. */
    private static final List<Case> EVERYTHING_CASES = List.of(
            new Case(EVERYTHING, true),
            new Case(EVERYTHING.replace("\"parent\":null,", "\"parent\":\"xyz\","), true),
            new Case(EVERYTHING.replace("\"parent\":null,\"git_commit\":\"abc\",", ""), true),
            new Case(EVERYTHING.replace("\"env\"", "\"allowlist\":[\"a\"],\"env\""), true),
            new Case(EVERYTHING.replace("{\"FanOutJoin\":{\"max_concurrency\":4}}", "\"Minimal\""), true),
            new Case(EVERYTHING.replace("{\"FanOutJoin\":{\"max_concurrency\":4}}", "{\"Custom\":[\"x\"]}"), true),
            new Case(
                    EVERYTHING.replace("{\"kind\":\"miss_build_as\",\"tag\":\"abc\"}", "{\"kind\":\"miss_no_commit\"}"),
                    true),
            new Case(EVERYTHING.replace("\"seq\":9", "\"seq\":9,\"extra\":1"), false),
            new Case(EVERYTHING.replace("\"seq\":9,", ""), false),
            new Case(EVERYTHING.replace("\"seq\":9", "\"seq\":\"9\""), false),
            new Case(EVERYTHING.replace("\"seq\":9", "\"seq\":9.5"), false),
            new Case(EVERYTHING.replace("ReadOnlyIo", "READ_ONLY_IO"), false),
            new Case(EVERYTHING.replace("in-flight", "running"), false),
            new Case(EVERYTHING.replace("{\"FanOutJoin\":{\"max_concurrency\":4}}", "\"FanOutJoin\""), false),
            new Case(
                    EVERYTHING.replace(
                            "{\"FanOutJoin\":{\"max_concurrency\":4}}", "{\"Minimal\":null,\"Custom\":[\"x\"]}"),
                    false),
            new Case(EVERYTHING.replace("\"max_concurrency\":4", "\"max_concurrency\":4,\"x\":1"), false),
            new Case(EVERYTHING.replace("\"kind\":\"miss_build_as\"", "\"kind\":\"miss\""), false),
            new Case(EVERYTHING.replace("\"kind\":\"miss_build_as\",", ""), false),
            new Case(EVERYTHING.replace("\"nanos\":500", "\"nanos\":1000000000"), false),
            new Case(EVERYTHING.replace(",\"nanos\":500", ""), false),
            new Case(EVERYTHING.replace("\"nanos\":500", "\"nanos\":500,\"millis\":1"), false),
            new Case(EVERYTHING.replace("0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30", "not-a-uuid"), false),
            new Case(EVERYTHING.replace("2026-11-23T06:00:00Z", "yesterday"), false),
            new Case(EVERYTHING.replace("\"git_commit\":\"abc\"", "\"git_commit\":7"), false),
            new Case(EVERYTHING.replace("\"payload\":\"aGk=\"", "\"payload\":42"), false));

    @Test
    void schemaAndCodecAgreeOnSerdeDocuments() {
        ObjectNode schema = SchemaGen.schemaFor(Fixtures.Everything.class);
        for (Case c : EVERYTHING_CASES) {
            c.check(schema, Fixtures.Everything.class);
        }
    }

    @Test
    void schemaAndCodecAgreeOnTypeScriptDocuments() {
        ObjectNode schema = SchemaGen.schemaFor(Fixtures.CamelCase.class);
        String good = "{\"runId\":\"r1\",\"homepage\":\"https://example.com/x\",\"maxRetries\":2,"
                + "\"details\":{\"a\":[1]},\"counts\":{\"a\":1}}";
        new Case(good, true).check(schema, Fixtures.CamelCase.class);
        new Case("{\"runId\":\"r1\",\"counts\":{}}", true).check(schema, Fixtures.CamelCase.class);
        new Case(good.replace("\"runId\":\"r1\",", ""), false).check(schema, Fixtures.CamelCase.class);
        new Case(good.replace("{\"a\":[1]}", "[1]"), false).check(schema, Fixtures.CamelCase.class);
        new Case(good.replace("\"counts\":{\"a\":1}", "\"counts\":{\"a\":\"1\"}"), false)
                .check(schema, Fixtures.CamelCase.class);
        // Zod's .optional() does not admit null; the codec is lenient and reads null as absent.
        assertThat(Validation.errors(schema, json(good.replace("\"maxRetries\":2", "\"maxRetries\":null"))))
                .isNotEmpty();
        assertThat(Wire.read(good.replace("\"maxRetries\":2", "\"maxRetries\":null"), Fixtures.CamelCase.class)
                        .maxRetries())
                .isEmpty();
    }

    @Test
    void typeScriptRecordsLeaveEmptyOptionalsOut() {
        var value = Wire.read("{\"runId\":\"r1\",\"counts\":{}}", Fixtures.CamelCase.class);
        assertThat(Wire.toTree(value)).isEqualTo(json("{\"runId\":\"r1\",\"counts\":{}}"));
    }

    @Test
    void constraintsBecomeKeywords() {
        ObjectNode schema = SchemaGen.schemaFor(Fixtures.Everything.class);
        assertThat(schema.at("/$defs/Tag"))
                .isEqualTo(json("{\"type\":\"string\",\"minLength\":1,\"pattern\":\"^[a-z]+$\"}"));
        assertThat(schema.at("/properties/env/propertyNames/pattern").textValue())
                .isEqualTo("^[A-Z_]+$");
        assertThat(schema.at("/properties/seq/minimum").intValue()).isZero();
        assertThat(Validation.errors(schema, json(EVERYTHING.replace("\"seq\":9", "\"seq\":-1"))))
                .isNotEmpty();
        assertThat(Validation.errors(schema, json(EVERYTHING.replace("\"HOME\"", "\"home\""))))
                .isNotEmpty();
        String custom = EVERYTHING.replace("{\"FanOutJoin\":{\"max_concurrency\":4}}", "{\"Custom\":[]}");
        assertThat(Validation.errors(schema, json(custom))).isNotEmpty();
    }

    @Test
    void delegatingCreatorsMakeAUnion() {
        ObjectNode schema = SchemaGen.schemaFor(Fixtures.NameOrConfig.class);
        assertThat(schema.at("/oneOf/0")).isEqualTo(json("{\"type\":\"string\"}"));
        assertThat(schema.at("/oneOf/1/required")).isEqualTo(json("[\"name\"]"));
        new Case("\"lint\"", true).check(schema, Fixtures.NameOrConfig.class);
        new Case("{\"name\":\"lint\",\"input\":{\"url\":\"x\"}}", true).check(schema, Fixtures.NameOrConfig.class);
        new Case("{\"input\":{}}", false).check(schema, Fixtures.NameOrConfig.class);
        new Case("7", false).check(schema, Fixtures.NameOrConfig.class);
        assertThat(Wire.toTree(Wire.read("\"lint\"", Fixtures.NameOrConfig.class)))
                .isEqualTo(json("{\"name\":\"lint\"}"));
    }

    @Test
    void typesWithoutAWireFormAreRefused() {
        assertThatThrownBy(() -> SchemaGen.schemaFor(Fixtures.Unsupported.class))
                .isInstanceOf(SchemaGenException.class)
                .hasMessageContaining("Unsupported.thread has type java.lang.Thread")
                .extracting(e -> ((SchemaGenException) e).code())
                .isEqualTo("unsupported_wire_type");
        assertThatThrownBy(() -> SchemaGen.schemaFor(Fixtures.UsesUnannotatedFamily.class))
                .hasMessageContaining("sealed interface without @WireEnum");
        assertThatThrownBy(() -> SchemaGen.schemaFor(Fixtures.IntMap.class))
                .hasMessageContaining("map keys must be strings");
        assertThatThrownBy(() -> SchemaGen.schemaFor(Fixtures.Recursive.class))
                .extracting(e -> ((SchemaGenException) e).code())
                .isEqualTo("recursive_wire_type");
    }

    @Test
    void constraintsThatCannotApplyAreRefused() {
        assertThatThrownBy(() -> SchemaGen.schemaFor(Fixtures.Misplaced.class))
                .isInstanceOf(SchemaGenException.class)
                .hasMessage("@WirePattern on Misplaced.number cannot apply to int")
                .extracting(e -> ((SchemaGenException) e).code())
                .isEqualTo("misplaced_constraint");
        assertThatThrownBy(() -> SchemaGen.schemaFor(Fixtures.MisplacedOnReference.class))
                .hasMessage("@WireSize on MisplacedOnReference.run cannot apply to RunRef");
    }

    @Test
    void renderingIsStableTwoSpaceJson() {
        String rendered = SchemaGen.render(json("{\"b\":[1,2],\"a\":{\"c\":true}}"));
        assertThat(rendered).isEqualTo("{\n  \"b\": [\n    1,\n    2\n  ],\n  \"a\": {\n    \"c\": true\n  }\n}\n");
    }

    /** A document and whether it is valid; {@link #check} asserts that schema and codec both agree. */
    record Case(String document, boolean valid) {
        void check(JsonNode schema, Class<?> type) {
            var errors = Validation.errors(schema, json(document));
            boolean codecAccepts;
            try {
                Wire.read(document, type);
                codecAccepts = true;
            } catch (JsonException e) {
                codecAccepts = false;
            }
            assertThat(errors.isEmpty())
                    .as("schema verdict on %s: %s", document, errors)
                    .isEqualTo(valid);
            assertThat(codecAccepts).as("codec verdict on %s", document).isEqualTo(valid);
        }
    }
}
