package dev.cairn.schema;

import com.fasterxml.classmate.ResolvedType;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.CustomDefinitionProviderV2;
import com.github.victools.jsonschema.generator.SchemaGenerationContext;
import dev.cairn.json.wire.DenyUnknownFields;
import dev.cairn.json.wire.Transparent;
import dev.cairn.json.wire.Wire;
import dev.cairn.json.wire.WireDefault;
import dev.cairn.json.wire.WireEnum;
import dev.cairn.json.wire.WireName;
import dev.cairn.json.wire.WireRange;
import dev.cairn.json.wire.WireSize;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * Supplies the schema of every type the generator meets, following {@link Wire}'s rules; victools
 * contributes the type resolution and the {@code $defs}/{@code $ref} bookkeeping.
 *
 * <p>Named types (records, enums, {@link WireEnum} families, {@link Duration}) become definitions
 * that are always referenced; everything else is written inline. One instance serves one schema.
 */
final class WireDefinitions implements CustomDefinitionProviderV2 {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Canonically padded base64, as Jackson writes {@code byte[]}. */
    static final String BASE64_PATTERN = "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$";

    private final Set<Class<?>> building = new HashSet<>();
    private final Set<ObjectNode> references = Collections.newSetFromMap(new IdentityHashMap<>());

    @Override
    public CustomDefinition provideCustomSchemaDefinition(ResolvedType type, SchemaGenerationContext context) {
        Class<?> raw = type.getErasedType();
        if (!isNamed(raw)) {
            return new CustomDefinition(
                    schema(type, Constraints.NONE, raw.getSimpleName(), context),
                    CustomDefinition.DefinitionType.INLINE,
                    CustomDefinition.EXCLUDING_ATTRIBUTES);
        }
        if (!building.add(raw)) {
            throw SchemaGenException.recursiveType(raw.getName());
        }
        try {
            return new CustomDefinition(
                    named(raw, context),
                    CustomDefinition.DefinitionType.ALWAYS_REF,
                    CustomDefinition.EXCLUDING_ATTRIBUTES);
        } finally {
            building.remove(raw);
        }
    }

    @Override
    public void resetAfterSchemaGenerationFinished() {
        building.clear();
        references.clear();
    }

    /** Types that get a definition of their own, named by their simple name. */
    static boolean isNamed(Class<?> raw) {
        return raw.isRecord() || raw.isEnum() || isFamily(raw) || raw == Duration.class;
    }

    static boolean isFamily(Class<?> raw) {
        return raw.isInterface() && raw.isSealed() && raw.isAnnotationPresent(WireEnum.class);
    }

    // ---------------------------------------------------------------- named types

    private ObjectNode named(Class<?> raw, SchemaGenerationContext context) {
        if (raw == Duration.class) {
            return duration();
        }
        if (raw.isEnum()) {
            return enumeration(raw);
        }
        if (isFamily(raw)) {
            ArrayNode oneOf = NODES.arrayNode();
            for (Class<?> variant : raw.getPermittedSubclasses()) {
                oneOf.add(variant(raw, variant, context));
            }
            return NODES.objectNode().set("oneOf", oneOf);
        }
        Class<?> family = familyOf(raw);
        if (family != null) {
            return variant(family, raw, context);
        }
        if (raw.isAnnotationPresent(Transparent.class)) {
            RecordComponent only = onlyComponent(raw);
            return schema(resolve(only, context), Constraints.of(only), where(raw, only), context);
        }
        ObjectNode struct = struct(raw, context);
        Method delegating = delegatingCreator(raw);
        if (delegating == null) {
            return struct;
        }
        ResolvedType from = context.getTypeContext().resolve(delegating.getGenericParameterTypes()[0]);
        ObjectNode alternative =
                schema(from, Constraints.NONE, raw.getSimpleName() + "." + delegating.getName(), context);
        return NODES.objectNode()
                .set("oneOf", NODES.arrayNode().add(alternative).add(struct));
    }

    /**
     * A static factory annotated {@code @JsonCreator(mode = DELEGATING)}: the record is then also
     * read from the factory's parameter type (a TypeScript union such as {@code string | {name}}),
     * and its schema is a {@code oneOf} of that type and the object.
     */
    private static Method delegatingCreator(Class<?> record) {
        for (Method method : record.getDeclaredMethods()) {
            JsonCreator creator = method.getAnnotation(JsonCreator.class);
            if (creator != null
                    && creator.mode() == JsonCreator.Mode.DELEGATING
                    && Modifier.isStatic(method.getModifiers())
                    && method.getParameterCount() == 1) {
                return method;
            }
        }
        return null;
    }

    private static ObjectNode duration() {
        ObjectNode properties = NODES.objectNode();
        properties.set(
                "secs",
                NODES.objectNode().put("type", "integer").put("format", "int64").put("minimum", 0));
        properties.set(
                "nanos",
                NODES.objectNode()
                        .put("type", "integer")
                        .put("format", "int32")
                        .put("minimum", 0)
                        .put("maximum", 999_999_999));
        ObjectNode schema = NODES.objectNode().put("type", "object");
        schema.set("properties", properties);
        schema.set("required", NODES.arrayNode().add("secs").add("nanos"));
        schema.put("additionalProperties", false);
        return schema;
    }

    private static ObjectNode enumeration(Class<?> raw) {
        ArrayNode names = NODES.arrayNode();
        for (Object constant : raw.getEnumConstants()) {
            names.add(Wire.toTree(constant).textValue());
        }
        ObjectNode schema = NODES.objectNode().put("type", "string");
        schema.set("enum", names);
        return schema;
    }

    /** One branch of a family's {@code oneOf}: the variant in the framing serde gives it. */
    private ObjectNode variant(Class<?> family, Class<?> variant, SchemaGenerationContext context) {
        if (!variant.isRecord()) {
            throw SchemaGenException.unsupportedType(family.getSimpleName(), variant.getName() + " (not a record)");
        }
        WireEnum annotation = family.getAnnotation(WireEnum.class);
        WireName rename = variant.getAnnotation(WireName.class);
        String name = rename != null ? rename.value() : annotation.variants().apply(variant.getSimpleName());
        boolean unit = variant.getRecordComponents().length == 0;
        boolean newtype = !unit && variant.isAnnotationPresent(Transparent.class);
        String tag = annotation.tag();
        if (tag.isEmpty()) {
            if (unit) {
                return NODES.objectNode().put("const", name);
            }
            ObjectNode content;
            if (newtype) {
                RecordComponent only = onlyComponent(variant);
                content = schema(resolve(only, context), Constraints.of(only), where(variant, only), context);
            } else {
                content = struct(variant, context);
            }
            return singleKey(name, content);
        }
        ObjectNode tagSchema = NODES.objectNode().put("const", name);
        if (unit) {
            ObjectNode schema = NODES.objectNode().put("type", "object");
            schema.set("properties", NODES.objectNode().set(tag, tagSchema));
            schema.set("required", NODES.arrayNode().add(tag));
            return schema;
        }
        ObjectNode body = struct(variant, context);
        ObjectNode properties = NODES.objectNode().set(tag, tagSchema);
        properties.setAll((ObjectNode) body.get("properties"));
        ArrayNode required = NODES.arrayNode().add(tag);
        if (body.has("required")) {
            required.addAll((ArrayNode) body.get("required"));
        }
        body.set("properties", properties);
        body.set("required", required);
        return body;
    }

    private static ObjectNode singleKey(String name, ObjectNode content) {
        ObjectNode schema = NODES.objectNode().put("type", "object");
        schema.set("properties", NODES.objectNode().set(name, content));
        schema.set("required", NODES.arrayNode().add(name));
        schema.put("additionalProperties", false);
        return schema;
    }

    /** A record written as a JSON object of its components. */
    private ObjectNode struct(Class<?> record, SchemaGenerationContext context) {
        if (record.getTypeParameters().length > 0) {
            throw SchemaGenException.unsupportedType(record.getSimpleName(), "a generic record");
        }
        Map<String, String> names = wireNames(record);
        boolean omitsEmpty = omitsEmptyOptionals(record);
        ObjectNode properties = NODES.objectNode();
        ArrayNode required = NODES.arrayNode();
        for (RecordComponent component : record.getRecordComponents()) {
            String name = names.get(component.getName());
            if (name == null) {
                throw SchemaGenException.unsupportedType(
                        where(record, component), "a component Jackson does not see as a property");
            }
            ResolvedType type = resolve(component, context);
            Constraints constraints = Constraints.of(component);
            String where = where(record, component);
            ObjectNode schema;
            if (isOptional(type.getErasedType())) {
                ObjectNode content = optionalContent(type, constraints, where, context);
                schema = omitsEmpty ? content : nullable(content);
            } else {
                schema = schema(type, constraints, where, context);
                if (!component.isAnnotationPresent(WireDefault.class)) {
                    required.add(name);
                }
            }
            properties.set(name, schema);
        }
        ObjectNode schema = NODES.objectNode().put("type", "object");
        schema.set("properties", properties);
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        if (record.isAnnotationPresent(DenyUnknownFields.class)) {
            schema.put("additionalProperties", false);
        }
        return schema;
    }

    /** The wire name of each component, as the codec's own mapper names it. */
    private static Map<String, String> wireNames(Class<?> record) {
        ObjectMapper mapper = Wire.mapper();
        BeanDescription description = mapper.getSerializationConfig().introspect(mapper.constructType(record));
        Map<String, String> names = new HashMap<>();
        for (BeanPropertyDefinition property : description.findProperties()) {
            names.put(property.getInternalName(), property.getName());
        }
        return names;
    }

    /**
     * Whether the record leaves empty optionals out instead of writing {@code null}, as the
     * TypeScript contracts do ({@code @JsonInclude(NON_ABSENT)}); their schema then does not admit
     * {@code null}, as Zod's {@code .optional()} does not.
     */
    private static boolean omitsEmptyOptionals(Class<?> record) {
        JsonInclude include = record.getAnnotation(JsonInclude.class);
        if (include == null) {
            return false;
        }
        return switch (include.value()) {
            case NON_ABSENT, NON_NULL, NON_EMPTY -> true;
            default -> false;
        };
    }

    // ---------------------------------------------------------------- any type

    /** The schema of {@code type}, inline, or a reference to its definition when it is a named type. */
    private ObjectNode schema(ResolvedType type, Constraints constraints, String where, SchemaGenerationContext ctx) {
        Class<?> raw = type.getErasedType();
        if (isOptional(raw)) {
            return nullable(optionalContent(type, constraints, where, ctx));
        }
        if (isNamed(raw)) {
            constraints.allowOnly(where, raw.getSimpleName(), false, false, false, false);
            ObjectNode reference = ctx.createDefinitionReference(type);
            references.add(reference);
            return reference;
        }
        if (raw.isInterface() && raw.isSealed()) {
            throw SchemaGenException.unsupportedType(where, raw.getName() + " (a sealed interface without @WireEnum)");
        }
        if (raw == byte[].class) {
            constraints.allowOnly(where, "byte[]", false, false, false, false);
            return NODES.objectNode()
                    .put("type", "string")
                    .put("contentEncoding", "base64")
                    .put("pattern", BASE64_PATTERN);
        }
        if (raw.isArray() || Collection.class.isAssignableFrom(raw)) {
            ResolvedType element = raw.isArray()
                    ? type.getArrayElementType()
                    : type.typeParametersFor(Collection.class).get(0);
            ObjectNode schema = NODES.objectNode().put("type", "array");
            schema.set("items", schema(element, constraints.withoutSize(), where + "[]", ctx));
            WireSize size = constraints.size();
            if (size != null) {
                putSize(schema, "minItems", "maxItems", size);
            }
            if (Set.class.isAssignableFrom(raw)) {
                schema.put("uniqueItems", true);
            }
            return schema;
        }
        if (Map.class.isAssignableFrom(raw)) {
            List<ResolvedType> kv = type.typeParametersFor(Map.class);
            if (kv.get(0).getErasedType() != String.class) {
                throw SchemaGenException.unsupportedType(
                        where, type.getBriefDescription() + " (map keys must be strings)");
            }
            ObjectNode schema = NODES.objectNode().put("type", "object");
            if (constraints.pattern() != null) {
                schema.set(
                        "propertyNames",
                        NODES.objectNode().put("pattern", constraints.pattern().value()));
            }
            schema.set(
                    "additionalProperties",
                    schema(kv.get(1), constraints.withoutSize().withoutPattern(), where + "{}", ctx));
            WireSize size = constraints.size();
            if (size != null) {
                putSize(schema, "minProperties", "maxProperties", size);
            }
            return schema;
        }
        if (JsonNode.class.isAssignableFrom(raw)) {
            constraints.allowOnly(where, raw.getSimpleName(), false, false, false, false);
            if (raw == ObjectNode.class) {
                return NODES.objectNode().put("type", "object");
            }
            if (raw == ArrayNode.class) {
                return NODES.objectNode().put("type", "array");
            }
            return NODES.objectNode();
        }
        return scalar(raw, constraints, where);
    }

    private ObjectNode optionalContent(
            ResolvedType type, Constraints constraints, String where, SchemaGenerationContext ctx) {
        Class<?> raw = type.getErasedType();
        if (raw == OptionalInt.class) {
            return scalar(int.class, constraints, where);
        }
        if (raw == OptionalLong.class) {
            return scalar(long.class, constraints, where);
        }
        if (raw == OptionalDouble.class) {
            return scalar(double.class, constraints, where);
        }
        return schema(type.typeParametersFor(Optional.class).get(0), constraints, where, ctx);
    }

    private static ObjectNode scalar(Class<?> raw, Constraints constraints, String where) {
        String type = raw.getSimpleName();
        if (raw == String.class || raw == char.class || raw == Character.class) {
            constraints.allowOnly(where, type, false, true, true, true);
            ObjectNode schema = NODES.objectNode().put("type", "string");
            if (raw != String.class) {
                schema.put("minLength", 1).put("maxLength", 1);
            }
            if (constraints.format() != null) {
                schema.put("format", constraints.format().value());
            }
            if (constraints.size() != null) {
                putSize(schema, "minLength", "maxLength", constraints.size());
            }
            if (constraints.pattern() != null) {
                schema.put("pattern", constraints.pattern().value());
            }
            return schema;
        }
        if (raw == boolean.class || raw == Boolean.class) {
            constraints.allowOnly(where, type, false, false, false, false);
            return NODES.objectNode().put("type", "boolean");
        }
        if (raw == int.class || raw == Integer.class) {
            return integer("int32", constraints, where, type);
        }
        if (raw == long.class || raw == Long.class) {
            return integer("int64", constraints, where, type);
        }
        if (raw == short.class || raw == Short.class || raw == byte.class || raw == Byte.class) {
            ObjectNode schema = integer(null, constraints, where, type);
            long bound = raw == short.class || raw == Short.class ? Short.MAX_VALUE : Byte.MAX_VALUE;
            if (!schema.has("minimum")) {
                schema.put("minimum", -bound - 1);
            }
            if (!schema.has("maximum")) {
                schema.put("maximum", bound);
            }
            return schema;
        }
        if (raw == BigInteger.class) {
            return integer(null, constraints, where, type);
        }
        if (raw == double.class
                || raw == Double.class
                || raw == float.class
                || raw == Float.class
                || raw == BigDecimal.class) {
            constraints.allowOnly(where, type, true, false, false, false);
            ObjectNode schema = NODES.objectNode().put("type", "number");
            putRange(schema, constraints.range());
            return schema;
        }
        if (raw == UUID.class) {
            constraints.allowOnly(where, type, false, false, false, false);
            return NODES.objectNode().put("type", "string").put("format", "uuid");
        }
        if (raw == Instant.class || raw == OffsetDateTime.class) {
            constraints.allowOnly(where, type, false, false, false, false);
            return NODES.objectNode().put("type", "string").put("format", "date-time");
        }
        if (raw == URI.class) {
            // Jackson reads any URI reference; a type that needs an absolute one says @WireFormat("uri").
            constraints.allowOnly(where, type, false, false, false, true);
            String format = constraints.format() == null
                    ? "uri-reference"
                    : constraints.format().value();
            return NODES.objectNode().put("type", "string").put("format", format);
        }
        throw SchemaGenException.unsupportedType(where, raw.getName());
    }

    private static ObjectNode integer(String format, Constraints constraints, String where, String type) {
        constraints.allowOnly(where, type, true, false, false, false);
        ObjectNode schema = NODES.objectNode().put("type", "integer");
        if (format != null) {
            schema.put("format", format);
        }
        putRange(schema, constraints.range());
        return schema;
    }

    private static void putRange(ObjectNode schema, WireRange range) {
        if (range == null) {
            return;
        }
        if (range.min() != Long.MIN_VALUE) {
            schema.put("minimum", range.min());
        }
        if (range.max() != Long.MAX_VALUE) {
            schema.put("maximum", range.max());
        }
    }

    private static void putSize(ObjectNode schema, String minKeyword, String maxKeyword, WireSize size) {
        if (size.min() > 0) {
            schema.put(minKeyword, size.min());
        }
        if (size.max() != Integer.MAX_VALUE) {
            schema.put(maxKeyword, size.max());
        }
    }

    /**
     * {@code schema} or {@code null}: a type list for plain inline schemas, else an {@code anyOf}.
     * References are still empty when this runs (victools fills them at the end), so they are
     * recognised by identity.
     */
    private ObjectNode nullable(ObjectNode schema) {
        boolean reference = references.contains(schema);
        if (!reference && schema.isEmpty()) {
            return schema;
        }
        boolean plain = !reference
                && schema.path("type").isTextual()
                && !schema.has("enum")
                && !schema.has("const")
                && !schema.has("oneOf")
                && !schema.has("anyOf");
        if (plain) {
            String type = schema.get("type").textValue();
            ObjectNode copy = NODES.objectNode();
            copy.set("type", NODES.arrayNode().add(type).add("null"));
            schema.properties().forEach(e -> {
                if (!e.getKey().equals("type")) {
                    copy.set(e.getKey(), e.getValue());
                }
            });
            return copy;
        }
        ArrayNode anyOf = NODES.arrayNode().add(schema).add(NODES.objectNode().put("type", "null"));
        return NODES.objectNode().set("anyOf", anyOf);
    }

    // ---------------------------------------------------------------- reflection helpers

    private static boolean isOptional(Class<?> raw) {
        return raw == Optional.class
                || raw == OptionalInt.class
                || raw == OptionalLong.class
                || raw == OptionalDouble.class;
    }

    /** The {@link WireEnum} family a record is a variant of, if any. */
    private static Class<?> familyOf(Class<?> record) {
        for (Class<?> parent : record.getInterfaces()) {
            if (isFamily(parent)) {
                return parent;
            }
        }
        return null;
    }

    private static RecordComponent onlyComponent(Class<?> record) {
        RecordComponent[] components = record.getRecordComponents();
        if (components.length != 1) {
            throw SchemaGenException.unsupportedType(
                    record.getSimpleName(), "a @Transparent record of " + components.length + " components");
        }
        return components[0];
    }

    private static ResolvedType resolve(RecordComponent component, SchemaGenerationContext context) {
        return context.getTypeContext().resolve(component.getGenericType());
    }

    private static String where(Class<?> record, RecordComponent component) {
        return record.getSimpleName() + "." + component.getName();
    }
}
