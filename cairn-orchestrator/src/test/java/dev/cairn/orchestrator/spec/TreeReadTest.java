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
