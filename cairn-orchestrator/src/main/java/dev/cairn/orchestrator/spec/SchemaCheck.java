package dev.cairn.orchestrator.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates a spec's tree against the checked-in JSON Schema ({@value #RESOURCE}) with networknt's
 * validator, and turns each violation into a problem at its instance pointer.
 */
final class SchemaCheck {

    /** The classpath resource of the spec's JSON Schema. */
    static final String RESOURCE = "META-INF/cairn/schemas/PipelineSpec.schema.json";

    private static final JsonNode SCHEMA_JSON = load();
    private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(SCHEMA_JSON);

    private SchemaCheck() {}

    /** The schema document. */
    static JsonNode schema() {
        return SCHEMA_JSON.deepCopy();
    }

    /** Every violation of the schema by {@code root}. */
    static List<Problems.Problem> validate(JsonNode root) {
        List<Problems.Problem> out = new ArrayList<>();
        for (Error error : SCHEMA.validate(root)) {
            out.add(translate(error));
        }
        return out;
    }

    private static Problems.Problem translate(Error error) {
        String pointer = pointer(error.getInstanceLocation());
        String keyword = error.getKeyword() == null ? "" : error.getKeyword();
        String property = error.getProperty();
        String message = "schema: " + Texts.abbreviate(String.valueOf(error.getMessage()));
        return switch (keyword) {
            case "required" ->
                new Problems.Problem(
                        property == null ? pointer : Pointers.child(pointer, property),
                        false,
                        SpecCode.MISSING_FIELD,
                        message,
                        null);
            case "additionalProperties", "unevaluatedProperties" ->
                new Problems.Problem(
                        property == null ? pointer : Pointers.child(pointer, property),
                        true,
                        SpecCode.UNKNOWN_FIELD,
                        message,
                        null);
            case "type" -> new Problems.Problem(pointer, false, SpecCode.WRONG_TYPE, message, null);
            case "minimum",
                    "maximum",
                    "exclusiveMinimum",
                    "exclusiveMaximum",
                    "minItems",
                    "maxItems",
                    "minLength",
                    "maxLength",
                    "minProperties",
                    "maxProperties" -> new Problems.Problem(pointer, false, SpecCode.OUT_OF_RANGE, message, null);
            case "uniqueItems" -> new Problems.Problem(pointer, false, SpecCode.DUPLICATE_VALUE, message, null);
            default -> new Problems.Problem(pointer, false, SpecCode.INVALID_VALUE, message, null);
        };
    }

    private static String pointer(NodePath path) {
        StringBuilder out = new StringBuilder();
        if (path == null) {
            return "";
        }
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            if (element instanceof Integer index) {
                out.append('/').append(index);
            } else {
                out.append('/')
                        .append(String.valueOf(element).replace("~", "~0").replace("/", "~1"));
            }
        }
        return out.toString();
    }

    private static JsonNode load() {
        try (InputStream in = SchemaCheck.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the spec schema " + RESOURCE + " is not on the classpath");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
