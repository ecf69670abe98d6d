package dev.cairn.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerationContext;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.generator.impl.DefinitionKey;
import com.github.victools.jsonschema.generator.naming.SchemaDefinitionNamingStrategy;
import java.util.Map;
import java.util.Objects;

/**
 * JSON Schemas (draft 2020-12) of Cairn's wire types, as {@link dev.cairn.json.wire.Wire} reads and
 * writes them.
 *
 * <ul>
 *   <li>Records are objects whose properties are named as the codec names them (snake_case, or the
 *       record's own {@code @JsonNaming}). Every component is required except {@code Optional}
 *       ones and {@code @WireDefault} ones; {@code @DenyUnknownFields} records have
 *       {@code additionalProperties: false}, others accept unknown properties as the codec does.
 *   <li>{@code Optional} components are nullable, as the codec writes empty ones as {@code null};
 *       records annotated {@code @JsonInclude(NON_ABSENT)} leave them out instead, and their
 *       schema does not admit {@code null} (the TypeScript contracts' {@code .optional()}).
 *   <li>{@code @Transparent} records are the schema of their component; {@code @WireEnum} sealed
 *       interfaces are a {@code oneOf} of their variants in serde's external framing (unit
 *       variants as {@code const} strings, others as single-key objects) or, with a tag, of objects
 *       whose tag property is a {@code const}; Java enums are strings of their wire names.
 *   <li>{@code Duration} is {@code {secs, nanos}}; {@code UUID} a string of format {@code uuid};
 *       {@code Instant} a {@code date-time} string; {@code URI} a {@code uri-reference} string
 *       ({@code uri} with {@code @WireFormat("uri")}); {@code byte[]} a base64 string;
 *       {@code JsonNode} any value ({@code ObjectNode} any object).
 *   <li>A record with a static {@code @JsonCreator(mode = DELEGATING)} factory is also read from
 *       the factory's parameter (a TypeScript {@code string | {...}} union): its schema is a
 *       {@code oneOf} of that type and the object.
 *   <li>{@code @WireRange}, {@code @WireSize}, {@code @WirePattern} and {@code @WireFormat} on a
 *       component become {@code minimum}/{@code maximum}, {@code minLength}/{@code minItems}/{@code
 *       minProperties}, {@code pattern}/{@code propertyNames} and {@code format}.
 * </ul>
 *
 * <p>Named types (records, enums, families, {@code Duration}) are {@code $defs} entries named by
 * their simple class name; the requested type is the root and gets a {@code title}. Format
 * keywords are meant to be asserted ({@code uuid}, {@code date-time}, {@code uri}).
 */
public final class SchemaGen {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-schema-gen";

    /** The {@code $schema} of every generated schema. */
    public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private SchemaGen() {}

    /**
     * The JSON Schema of a wire type.
     *
     * @throws SchemaGenException if the type, or a type it refers to, has no wire form
     */
    public static ObjectNode schemaFor(Class<?> type) {
        Objects.requireNonNull(type, "type");
        SchemaGeneratorConfigBuilder config =
                new SchemaGeneratorConfigBuilder(MAPPER, SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON);
        config.forTypesInGeneral()
                .withCustomDefinitionProvider(new WireDefinitions())
                .withDefinitionNamingStrategy(new SimpleNames());
        ObjectNode generated = new SchemaGenerator(config.build()).generateSchema(type);
        ObjectNode schema = MAPPER.createObjectNode();
        schema.put("$schema", DIALECT);
        schema.put("title", nameOf(type));
        JsonNode defs = generated.remove("$defs");
        generated.remove("$schema");
        schema.setAll(generated);
        if (defs != null) {
            schema.set("$defs", defs);
        }
        return reparsed(schema);
    }

    /**
     * The tree as a parser builds it from the rendered text, so that it equals the checked-in file
     * as a tree (a {@code LongNode} 0 does not equal the {@code IntNode} 0 a parser makes).
     */
    private static ObjectNode reparsed(ObjectNode schema) {
        try {
            return (ObjectNode) MAPPER.readTree(render(schema));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rendered JSON always parses", e);
        }
    }

    /** The schema name of a type: its simple class name. */
    public static String nameOf(Class<?> type) {
        return type.getSimpleName();
    }

    /** A schema as it is checked in: two-space indented JSON ending with a newline. */
    public static String render(JsonNode schema) {
        try {
            return PRETTY.writeValueAsString(schema) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always renders", e);
        }
    }

    /** Definitions are named by simple class name; two types with one name are refused, not renamed. */
    private static final class SimpleNames implements SchemaDefinitionNamingStrategy {
        @Override
        public String getDefinitionNameForKey(DefinitionKey key, SchemaGenerationContext context) {
            return key.getType().getErasedType().getSimpleName();
        }

        @Override
        public void adjustDuplicateNames(Map<DefinitionKey, String> duplicates, SchemaGenerationContext context) {
            throw SchemaGenException.duplicateName(
                    duplicates.values().iterator().next(),
                    duplicates.keySet().stream()
                            .map(k -> k.getType().getErasedType().getName())
                            .sorted()
                            .toList());
        }
    }
}
