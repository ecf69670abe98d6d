package dev.cairn.orchestrator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SpecParser#read(JsonNode, String, String)}, a request's tree read without its text: the
 * same spec as reading the text, and for an invalid spec the text's errors, positions included.
 */
class TreeReadTest {

    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private static void assertSameAsText(JsonNode tree, String name) throws Exception {
        String text = PRETTY.writeValueAsString(tree);
        SpecResult<SpecDocument> fromTree = Specs.PARSER.read(tree, text, name);
        SpecResult<SpecDocument> fromText = Specs.PARSER.read(text, name);
        int[] written = {0};
        SpecResult<SpecDocument> lazily = Specs.PARSER.read(
                tree,
                () -> {
                    written[0]++;
                    return text;
                },
                name);
        assertThat(show(lazily.errors())).as(name).isEqualTo(show(fromText.errors()));
        // the text is asked for only when the tree alone cannot give the answer: errors, mostly
        if (fromText.isValid()) {
            assertThat(lazily.orThrow().spec())
                    .as(name)
                    .isEqualTo(fromText.orThrow().spec());
        } else {
            assertThat(written[0]).as(name).isEqualTo(1);
        }
        assertThat(fromTree.isValid()).as(name).isEqualTo(fromText.isValid());
        assertThat(show(fromTree.errors())).as(name).isEqualTo(show(fromText.errors()));
        if (fromText.isValid()) {
            assertThat(fromTree.orThrow().spec())
                    .as(name)
                    .isEqualTo(fromText.orThrow().spec());
            assertThat(SpecWriter.toJsonString(fromTree.orThrow().spec()))
                    .as(name)
                    .isEqualTo(SpecWriter.toJsonString(fromText.orThrow().spec()));
        }
    }

    private static List<String> show(List<SpecError> errors) {
        List<String> out = new ArrayList<>();
        errors.forEach(e -> out.add(MalformedSpecsTest.show(e)));
        return out;
    }

    @Test
    void everyExampleReadsFromItsTreeAsFromItsText() throws Exception {
        List<Path> examples = Repo.examplePipelines();
        assertThat(examples).isNotEmpty();
        for (Path file : examples) {
            assertSameAsText(SpecWriter.toJson(Specs.PARSER.parse(file).spec()), file.getFileName() + ".json");
        }
        assertSameAsText(SpecWriter.toJson(Specs.kitchenSink().spec()), "kitchen-sink.json");
    }

    @Test
    void aValidSpecOfUsualSizeIsReadWithoutWritingItsText() {
        JsonNode tree = SpecWriter.toJson(Specs.kitchenSink().spec());
        SpecResult<SpecDocument> read = Specs.PARSER.read(
                tree,
                () -> {
                    throw new AssertionError("the text was written");
                },
                "kitchen-sink.json");
        assertThat(read.isValid()).isTrue();
    }

    @Test
    void theSizeBoundIsAtLeastThePrintedTextsLength() throws Exception {
        List<JsonNode> trees = new ArrayList<>();
        for (Path file : Repo.examplePipelines()) {
            trees.add(SpecWriter.toJson(Specs.PARSER.parse(file).spec()));
        }
        trees.add(SpecWriter.toJson(Specs.kitchenSink().spec()));
        ObjectNode awkward = SpecWriter.toJson(Specs.kitchenSink().spec()).deepCopy();
        awkward.putObject("x")
                .put("control \u0001\t\n", "\u0000\u001f\"\\ é ü € 😀 \ud800")
                .put("n", 1e-300)
                .put("big", new java.math.BigDecimal("1.0000000000000000000000000001E+400"))
                .putArray("deep")
                .addArray()
                .addArray()
                .addObject()
                .putNull("z");
        trees.add(awkward);
        for (JsonNode tree : trees) {
            long printed = PRETTY.writeValueAsString(tree).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            assertThat(JsonNodeTreeReader.printedBound(tree, SpecLimits.DEFAULTS))
                    .as(tree.path("op").asText())
                    .isGreaterThanOrEqualTo(printed);
        }
    }

    @Test
    void aSpecNearOrPastTheSizeLimitIsJudgedOnItsText() throws Exception {
        // 300,000 characters: the bound (6 bytes each) is past 1 MiB, the text is not
        ObjectNode near = SpecWriter.toJson(Specs.kitchenSink().spec()).deepCopy();
        near.put("description", "d".repeat(300_000));
        assertSameAsText(near, "near.json");
        ObjectNode past = SpecWriter.toJson(Specs.kitchenSink().spec()).deepCopy();
        past.put("description", "d".repeat(SpecLimits.DEFAULTS.maxBytes()));
        assertSameAsText(past, "past.json");
        assertThat(Specs.PARSER
                        .read(past, PRETTY.writeValueAsString(past), "past.json")
                        .errors())
                .extracting(SpecError::code)
                .containsExactly(SpecCode.DOCUMENT_TOO_LARGE);
    }

    @Test
    void anInvalidTreeGetsTheTextsErrorsWithTheirPositions() throws Exception {
        ObjectNode wrongType = SpecWriter.toJson(Specs.kitchenSink().spec()).deepCopy();
        wrongType.put("steps", 5);
        assertSameAsText(wrongType, "wrong-type.json");
        assertThat(Specs.PARSER
                        .read(wrongType, PRETTY.writeValueAsString(wrongType), "wrong-type.json")
                        .errors())
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.line()).isGreaterThan(1));

        ObjectNode unknown = SpecWriter.toJson(Specs.kitchenSink().spec()).deepCopy();
        unknown.put("no_such_key", 1.5);
        assertSameAsText(unknown, "unknown-key.json");

        ObjectNode secret = SpecWriter.toJson(Specs.kitchenSink().spec()).deepCopy();
        ((ObjectNode) secret.withArray("steps").get(0))
                .putObject("env")
                .put("TOKEN", "ghp_0123456789abcdefghijABCDEFGHIJ012345");
        assertSameAsText(secret, "inline-secret.json");

        assertSameAsText(
                new ObjectMapper().readTree("{\"op\": 3, \"steps\": [1e400, 12345678901234567890]}"), "n.json");
        assertSameAsText(new ObjectMapper().readTree("[]"), "array.json");
    }
}
