package dev.cairn.json.wire;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedParameter;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.cairn.json.CodedError;
import dev.cairn.json.JsonException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TimeZone;

/**
 * Reads and writes Cairn's wire types in the JSON form serde gives the Rust types they mirror, so
 * that programs built against the original Rust or TypeScript contracts can talk to Cairn.
 *
 * <ul>
 *   <li>Records are structs; fields are snake_case (a record may choose another naming with
 *       Jackson's {@code @JsonNaming}, as the TypeScript contracts' camelCase types do).
 *   <li>Every record component is required on input, except {@link Optional} ones (missing means
 *       empty, as serde's {@code Option}) and {@link WireDefault} ones. Empty optionals are written
 *       as {@code null}.
 *   <li>Unknown fields are ignored unless the record is {@link DenyUnknownFields}.
 *   <li>{@link Transparent} records are their only component; {@link WireEnum} sealed interfaces
 *       are serde enums; Java enums are PascalCase strings; {@link java.time.Duration} is
 *       {@code {"secs":N,"nanos":N}}; {@code Instant} is RFC 3339.
 *   <li>No scalar coercion: {@code "5"} is not a number, {@code 1.5} is not an integer. Duplicate
 *       keys, trailing data and nesting deeper than {@value #MAX_DEPTH} are refused.
 * </ul>
 *
 * <p>Every failure is a {@link JsonException} whose {@link JsonException#path() path} is a JSON
 * Pointer to the offending value and whose code names what was wrong ({@code unknown_field},
 * {@code missing_field}, {@code invalid_json}, {@code wire_format}, or the code of the value's own
 * validation, such as {@code invalid_id}).
 */
public final class Wire {

    /** The deepest nesting of arrays and objects accepted on input (serde_json's limit is 128). */
    public static final int MAX_DEPTH = 128;

    private static final ObjectMapper MAPPER = newMapper();

    private Wire() {}

    /** The shared mapper. Treat it as read-only: reconfiguring it changes every caller's wire form. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** A fresh mapper with the wire rules, for callers that must add modules of their own. */
    public static ObjectMapper newMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                .addModule(new SerdeModule())
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .annotationIntrospector(new SerdeIntrospector())
                .addHandler(new UnknownFieldPolicy())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .defaultTimeZone(TimeZone.getTimeZone("UTC"))
                .withCoercionConfig(
                        LogicalType.Textual, cfg -> cfg.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
        mapper.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .build());
        return mapper;
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw translate(e);
        }
    }

    public static <T> T read(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw translate(e);
        }
    }

    public static <T> T read(InputStream json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JacksonException e) {
            throw translate(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(String json, TypeReference<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw translate(e);
        }
    }

    /** Reads a wire type from a JSON tree (already parsed, e.g. from YAML or a request body). */
    public static <T> T fromTree(JsonNode tree, Class<T> type) {
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            throw translate(e);
        } catch (IllegalArgumentException e) {
            throw e.getCause() instanceof JsonProcessingException jpe ? translate(jpe) : e;
        }
    }

    /** The JSON tree of a wire value. */
    public static JsonNode toTree(Object value) {
        try {
            return MAPPER.valueToTree(value);
        } catch (IllegalArgumentException e) {
            throw JsonException.wireFormat(
                    "", "cannot write " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw JsonException.wireFormat(
                    "", "cannot write " + value.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    public static byte[] writeBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw JsonException.wireFormat(
                    "", "cannot write " + value.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Turns a Jackson failure into a typed {@link JsonException} with a JSON Pointer. */
    public static JsonException translate(IOException failure) {
        if (failure instanceof StreamConstraintsException limit) {
            return new JsonException(
                    "too_deep",
                    "",
                    limit.getOriginalMessage(),
                    "Nesting is limited to " + MAX_DEPTH + " levels; flatten the document.",
                    failure);
        }
        if (failure instanceof StreamReadException parse && !(failure instanceof MismatchedInputException)) {
            String message = parse.getOriginalMessage();
            if (message != null && message.startsWith("Duplicate field")) {
                return new JsonException("duplicate_key", "", message, "Each key may appear once per object.", failure);
            }
            var at = parse.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            return JsonException.invalidJson("", message + where, failure);
        }
        if (failure instanceof JsonMappingException mapping) {
            String path = pointer(mapping);
            CodedError coded = codedCause(failure);
            if (coded != null) {
                return new JsonException(
                        coded.code(), path, messageAt(coded.getMessage(), path), coded.hint(), failure);
            }
            if (mapping instanceof UnrecognizedPropertyException unknown) {
                return new JsonException(
                        "unknown_field",
                        path,
                        messageAt(
                                "unknown field `" + unknown.getPropertyName() + "`, expected one of "
                                        + unknown.getKnownPropertyIds(),
                                parentOf(path)),
                        "Remove the field; this type refuses fields it does not declare.",
                        failure);
            }
            String message = mapping.getOriginalMessage();
            if (message != null && message.startsWith("Missing required creator property")) {
                String field = message.replaceFirst("^Missing required creator property '([^']*)'.*$", "$1");
                // Jackson 2.22 already records the missing property in the path; older versions do not.
                String leaf = "/" + field.replace("~", "~0").replace("/", "~1");
                String object = path.endsWith(leaf) ? path.substring(0, path.length() - leaf.length()) : path;
                return new JsonException(
                        "missing_field",
                        object + leaf,
                        messageAt("missing field `" + field + "`", object),
                        "Add the field; only optional fields may be left out.",
                        failure);
            }
            return JsonException.wireFormat(path, messageAt(firstLine(message), path), failure);
        }
        return JsonException.invalidJson("", String.valueOf(failure.getMessage()), failure);
    }

    private static String messageAt(String message, String path) {
        return path.isEmpty() ? message : message + " at " + path;
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "" : path.substring(0, slash);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid value";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static CodedError codedCause(Throwable failure) {
        for (Throwable t = failure.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof CodedError coded) {
                return coded;
            }
        }
        return null;
    }

    /** RFC 6901 pointer of the path Jackson recorded. */
    static String pointer(JsonMappingException failure) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : failure.getPath()) {
            out.append('/');
            if (ref.getFieldName() != null) {
                out.append(ref.getFieldName().replace("~", "~0").replace("/", "~1"));
            } else if (ref.getIndex() >= 0) {
                out.append(ref.getIndex());
            }
        }
        return out.toString();
    }

    /** Required-ness of record components: all but {@code Optional} and {@link WireDefault} ones. */
    private static final class SerdeIntrospector extends JacksonAnnotationIntrospector {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean hasRequiredMarker(AnnotatedMember member) {
            Boolean explicit = super.hasRequiredMarker(member);
            if (explicit != null || !(member instanceof AnnotatedParameter)) {
                return explicit;
            }
            if (!member.getDeclaringClass().isRecord() || has(member, WireDefault.class)) {
                return null;
            }
            Class<?> raw = member.getRawType();
            boolean optional = raw == Optional.class
                    || raw == OptionalInt.class
                    || raw == OptionalLong.class
                    || raw == OptionalDouble.class;
            return optional ? null : Boolean.TRUE;
        }

        private static boolean has(Annotated member, Class<? extends java.lang.annotation.Annotation> annotation) {
            return member.hasAnnotation(annotation);
        }
    }

    /** serde ignores unknown fields unless told to deny them; so does Cairn. */
    private static final class UnknownFieldPolicy extends DeserializationProblemHandler {
        @Override
        public boolean handleUnknownProperty(
                DeserializationContext ctxt,
                JsonParser p,
                JsonDeserializer<?> deserializer,
                Object beanOrClass,
                String propertyName)
                throws IOException {
            Class<?> type = beanOrClass instanceof Class<?> c ? c : beanOrClass.getClass();
            if (type.isAnnotationPresent(DenyUnknownFields.class)) {
                return false;
            }
            p.skipChildren();
            return true;
        }
    }
}
