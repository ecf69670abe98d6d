package dev.cairn.json.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.Deserializers;
import com.fasterxml.jackson.databind.deser.ResolvableDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.ResolvableSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.type.ReferenceType;
import com.fasterxml.jackson.databind.util.NameTransformer;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Jackson module that writes Java records, sealed interfaces and enums the way serde writes the
 * Rust types they mirror. See {@link Wire} for the rules; this class holds the machinery.
 *
 * <p>Written here rather than taken from a library: no Jackson module speaks serde's enum
 * representations, and the wire form is the contract with programs built against the original Rust
 * and TypeScript types.
 */
public final class SerdeModule extends SimpleModule {

    private static final long serialVersionUID = 1L;

    public SerdeModule() {
        super("cairn-serde");
        addSerializer(Duration.class, new DurationSerializer());
        addDeserializer(Duration.class, new DurationDeserializer());
        setSerializerModifier(new SerializerRules());
        setDeserializerModifier(new DeserializerRules());
    }

    @Override
    public void setupModule(SetupContext context) {
        super.setupModule(context);
        context.addDeserializers(new FamilyDeserializers());
    }

    // ---------------------------------------------------------------- serialization

    private static final class SerializerRules extends BeanSerializerModifier {
        private static final long serialVersionUID = 1L;

        @Override
        @SuppressWarnings("unchecked")
        public JsonSerializer<?> modifySerializer(
                SerializationConfig config, BeanDescription beanDesc, JsonSerializer<?> serializer) {
            Class<?> type = beanDesc.getBeanClass();
            Variants.Variant variant = Variants.variantOf(type);
            if (variant != null) {
                return new VariantSerializer(variant, (JsonSerializer<Object>) serializer);
            }
            if (type.isRecord() && type.isAnnotationPresent(Transparent.class)) {
                return new TransparentSerializer(type);
            }
            return serializer;
        }

        @Override
        public JsonSerializer<?> modifyEnumSerializer(
                SerializationConfig config,
                JavaType valueType,
                BeanDescription beanDesc,
                JsonSerializer<?> serializer) {
            return new EnumSerializer(valueType.getRawClass());
        }
    }

    private static final class TransparentSerializer extends StdSerializer<Object> {
        private static final long serialVersionUID = 1L;
        private final transient RecordComponent component;

        TransparentSerializer(Class<?> type) {
            super(Object.class);
            this.component = Variants.transparentComponent(type);
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            provider.defaultSerializeValue(Variants.component(component, value), gen);
        }
    }

    private static final class VariantSerializer extends StdSerializer<Object>
            implements ContextualSerializer, ResolvableSerializer {
        private static final long serialVersionUID = 1L;
        private final transient Variants.Variant variant;
        private final JsonSerializer<Object> delegate;
        private transient JsonSerializer<Object> unwrapping;

        VariantSerializer(Variants.Variant variant, JsonSerializer<Object> delegate) {
            super(Object.class);
            this.variant = variant;
            this.delegate = delegate;
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            Variants.Family family = variant.family();
            String name = variant.wireName();
            switch (variant.shape()) {
                case UNIT -> {
                    if (family.internallyTagged()) {
                        gen.writeStartObject(value);
                        gen.writeStringField(family.tag(), name);
                        gen.writeEndObject();
                    } else {
                        gen.writeString(name);
                    }
                }
                case NEWTYPE -> {
                    gen.writeStartObject(value);
                    gen.writeFieldName(name);
                    RecordComponent only = Variants.transparentComponent(variant.type());
                    provider.defaultSerializeValue(Variants.component(only, value), gen);
                    gen.writeEndObject();
                }
                case STRUCT -> {
                    gen.writeStartObject(value);
                    if (family.internallyTagged()) {
                        gen.writeStringField(family.tag(), name);
                        unwrapping().serialize(value, gen, provider);
                    } else {
                        gen.writeFieldName(name);
                        delegate.serialize(value, gen, provider);
                    }
                    gen.writeEndObject();
                }
            }
        }

        private JsonSerializer<Object> unwrapping() {
            if (unwrapping == null) {
                unwrapping = delegate.unwrappingSerializer(NameTransformer.NOP);
            }
            return unwrapping;
        }

        @Override
        public void resolve(SerializerProvider provider) throws JsonMappingException {
            if (delegate instanceof ResolvableSerializer resolvable) {
                resolvable.resolve(provider);
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public JsonSerializer<?> createContextual(SerializerProvider provider, BeanProperty property)
                throws JsonMappingException {
            if (delegate instanceof ContextualSerializer contextual) {
                var contextualized = (JsonSerializer<Object>) contextual.createContextual(provider, property);
                if (contextualized != delegate) {
                    return new VariantSerializer(variant, contextualized);
                }
            }
            return this;
        }
    }

    private static final class EnumSerializer extends StdSerializer<Enum<?>> {
        private static final long serialVersionUID = 1L;
        private final transient EnumNames names;

        EnumSerializer(Class<?> type) {
            super(Enum.class, false);
            this.names = EnumNames.of(type);
        }

        @Override
        public void serialize(Enum<?> value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(names.wireName(value));
        }
    }

    private static final class DurationSerializer extends StdSerializer<Duration> {
        private static final long serialVersionUID = 1L;

        DurationSerializer() {
            super(Duration.class);
        }

        @Override
        public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (value.isNegative()) {
                provider.reportMappingProblem(
                        "negative duration %s has no wire form ({secs, nanos} are unsigned)", value);
            }
            gen.writeStartObject();
            gen.writeNumberField("secs", value.getSeconds());
            gen.writeNumberField("nanos", value.getNano());
            gen.writeEndObject();
        }
    }

    // ---------------------------------------------------------------- deserialization

    private static final class FamilyDeserializers extends Deserializers.Base {
        @Override
        public JsonDeserializer<?> findBeanDeserializer(
                JavaType type, DeserializationConfig config, BeanDescription beanDesc) {
            Variants.Family family = Variants.familyOf(type.getRawClass());
            return family == null ? null : new FamilyDeserializer(family);
        }
    }

    private static final class DeserializerRules extends BeanDeserializerModifier {
        private static final long serialVersionUID = 1L;

        @Override
        public JsonDeserializer<?> modifyDeserializer(
                DeserializationConfig config, BeanDescription beanDesc, JsonDeserializer<?> deserializer) {
            Class<?> type = beanDesc.getBeanClass();
            Variants.Variant variant = Variants.variantOf(type);
            if (variant != null) {
                return new VariantDeserializer(variant, deserializer);
            }
            if (type.isRecord() && type.isAnnotationPresent(Transparent.class)) {
                return new TransparentDeserializer(type);
            }
            return deserializer;
        }

        @Override
        public JsonDeserializer<?> modifyReferenceDeserializer(
                DeserializationConfig config,
                ReferenceType type,
                BeanDescription beanDesc,
                JsonDeserializer<?> deserializer) {
            if (type.getRawClass() == Optional.class
                    && JsonNode.class.isAssignableFrom(type.getContentType().getRawClass())) {
                return new NullIsEmpty(deserializer);
            }
            return deserializer;
        }

        @Override
        public JsonDeserializer<?> modifyEnumDeserializer(
                DeserializationConfig config,
                JavaType type,
                BeanDescription beanDesc,
                JsonDeserializer<?> deserializer) {
            return new EnumDeserializer(type.getRawClass());
        }
    }

    /**
     * {@code Optional<JsonNode>}: JSON {@code null} is {@code Optional.empty()}, as serde reads
     * {@code Option<Value>}, not {@code Optional.of(NullNode)}.
     */
    private static final class NullIsEmpty extends StdDeserializer<Object>
            implements ContextualDeserializer, ResolvableDeserializer {
        private static final long serialVersionUID = 1L;
        private final JsonDeserializer<?> delegate;

        NullIsEmpty(JsonDeserializer<?> delegate) {
            super(Optional.class);
            this.delegate = delegate;
        }

        @Override
        public boolean isCachable() {
            return delegate.isCachable();
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            Object value = delegate.deserialize(p, ctxt);
            return value instanceof Optional<?> o && o.isPresent() && o.get() instanceof JsonNode n && n.isNull()
                    ? Optional.empty()
                    : value;
        }

        @Override
        public Object getNullValue(DeserializationContext ctxt) {
            return Optional.empty();
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return Optional.empty();
        }

        @Override
        public void resolve(DeserializationContext ctxt) throws JsonMappingException {
            if (delegate instanceof ResolvableDeserializer resolvable) {
                resolvable.resolve(ctxt);
            }
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property)
                throws JsonMappingException {
            if (delegate instanceof ContextualDeserializer contextual) {
                JsonDeserializer<?> contextualized = contextual.createContextual(ctxt, property);
                if (contextualized != delegate) {
                    return new NullIsEmpty(contextualized);
                }
            }
            return this;
        }
    }

    /** Reads any variant of a family: serde's external tagging, or internal tagging with {@code tag}. */
    private static final class FamilyDeserializer extends StdDeserializer<Object> {
        private static final long serialVersionUID = 1L;
        private final transient Variants.Family family;
        /** The variants' deserializers, found once per mapper (a lookup contextualizes them anew). */
        private final transient Map<Class<?>, VariantDeserializer> variants = new ConcurrentHashMap<>();

        FamilyDeserializer(Variants.Family family) {
            super(family.type());
            this.family = family;
        }

        /** Stateless once built: let Jackson cache it, or every read rebuilds the bean deserializer. */
        @Override
        public boolean isCachable() {
            return true;
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return read(p, ctxt);
        }

        Object read(JsonParser p, DeserializationContext ctxt) throws IOException {
            Class<?> type = family.type();
            JsonToken token = p.currentToken();
            if (family.internallyTagged()) {
                if (token != JsonToken.START_OBJECT) {
                    return ctxt.reportInputMismatch(
                            type,
                            "expected an object with a `%s` field naming one of %s",
                            family.tag(),
                            family.expected());
                }
                JsonNode tree = ctxt.readTree(p);
                ObjectNode rest = (ObjectNode) tree;
                JsonNode tagValue = rest.remove(family.tag());
                if (tagValue == null || !tagValue.isTextual()) {
                    return ctxt.reportInputMismatch(
                            type, "missing field `%s` (one of %s)", family.tag(), family.expected());
                }
                Variants.Variant variant = lookup(family, tagValue.textValue(), ctxt);
                return variantDeserializer(variant, ctxt).readTagged(rest, p, ctxt);
            }
            if (token == JsonToken.VALUE_STRING) {
                Variants.Variant variant = lookup(family, p.getText(), ctxt);
                if (variant.shape() != Variants.Shape.UNIT) {
                    return ctxt.reportInputMismatch(
                            type,
                            "variant `%s` carries data: write it as {\"%s\": ...}",
                            variant.wireName(),
                            variant.wireName());
                }
                return Variants.unitInstance(variant.type());
            }
            if (token == JsonToken.START_OBJECT) {
                String name = p.nextFieldName();
                if (name == null) {
                    return ctxt.reportInputMismatch(
                            type,
                            "expected an object with exactly one key, the variant (one of %s)",
                            family.expected());
                }
                Variants.Variant variant = lookup(family, name, ctxt);
                p.nextToken();
                Object value;
                try {
                    value = variantDeserializer(variant, ctxt).readContent(p, ctxt);
                } catch (JsonMappingException inside) {
                    // The variant's key is a level of the document: keep it in the JSON Pointer.
                    inside.prependPath(type, variant.wireName());
                    throw inside;
                }
                if (p.nextToken() != JsonToken.END_OBJECT) {
                    return ctxt.reportInputMismatch(
                            type, "expected an object with exactly one key, the variant `%s`", variant.wireName());
                }
                return value;
            }
            return ctxt.reportInputMismatch(
                    type,
                    "expected a variant name or a one-key object (one of %s), found %s",
                    family.expected(),
                    token);
        }

        private static Variants.Variant lookup(Variants.Family family, String name, DeserializationContext ctxt)
                throws IOException {
            Variants.Variant variant = family.byName().get(name);
            if (variant == null) {
                return ctxt.reportInputMismatch(
                        family.type(), "unknown variant `%s`, expected one of %s", name, family.expected());
            }
            return variant;
        }

        private VariantDeserializer variantDeserializer(Variants.Variant variant, DeserializationContext ctxt)
                throws IOException {
            VariantDeserializer found = variants.get(variant.type());
            if (found == null) {
                found = (VariantDeserializer) ctxt.findRootValueDeserializer(ctxt.constructType(variant.type()));
                variants.put(variant.type(), found);
            }
            return found;
        }
    }

    private static final class VariantDeserializer extends StdDeserializer<Object>
            implements ContextualDeserializer, ResolvableDeserializer {
        private static final long serialVersionUID = 1L;
        private final transient Variants.Variant variant;
        private final JsonDeserializer<?> delegate;
        private final transient TransparentReader newtype;

        VariantDeserializer(Variants.Variant variant, JsonDeserializer<?> delegate) {
            super(variant.type());
            this.variant = variant;
            this.delegate = delegate;
            this.newtype = variant.shape() == Variants.Shape.NEWTYPE ? new TransparentReader(variant.type()) : null;
        }

        /** Cachable as its delegate is (a bean deserializer is); otherwise every read rebuilds it. */
        @Override
        public boolean isCachable() {
            return delegate.isCachable();
        }

        /** Read as the variant itself: the same framing the family uses, and it must be this variant. */
        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            var family = (FamilyDeserializer) ctxt.findRootValueDeserializer(
                    ctxt.constructType(variant.family().type()));
            Object value = family.read(p, ctxt);
            if (!variant.type().isInstance(value)) {
                return ctxt.reportInputMismatch(this, "expected variant `%s`", variant.wireName());
            }
            return value;
        }

        /** Read the value under the variant's key (externally tagged). */
        Object readContent(JsonParser p, DeserializationContext ctxt) throws IOException {
            return switch (variant.shape()) {
                case UNIT -> {
                    if (p.currentToken() != JsonToken.VALUE_NULL) {
                        yield ctxt.reportInputMismatch(this, "unit variant `%s` takes no value", variant.wireName());
                    }
                    yield Variants.unitInstance(variant.type());
                }
                case NEWTYPE -> newtype.read(p, ctxt);
                case STRUCT -> delegate.deserialize(p, ctxt);
            };
        }

        /** Read the fields left once the tag field is removed (internally tagged). */
        Object readTagged(ObjectNode rest, JsonParser p, DeserializationContext ctxt) throws IOException {
            if (variant.shape() == Variants.Shape.UNIT) {
                return Variants.unitInstance(variant.type());
            }
            try (JsonParser sub = rest.traverse(p.getCodec())) {
                sub.nextToken();
                return delegate.deserialize(sub, ctxt);
            }
        }

        @Override
        public void resolve(DeserializationContext ctxt) throws JsonMappingException {
            if (delegate instanceof ResolvableDeserializer resolvable) {
                resolvable.resolve(ctxt);
            }
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property)
                throws JsonMappingException {
            if (delegate instanceof ContextualDeserializer contextual) {
                JsonDeserializer<?> contextualized = contextual.createContextual(ctxt, property);
                if (contextualized != delegate) {
                    return new VariantDeserializer(variant, contextualized);
                }
            }
            return this;
        }
    }

    private static final class TransparentDeserializer extends StdDeserializer<Object> {
        private static final long serialVersionUID = 1L;
        private final transient TransparentReader reader;

        TransparentDeserializer(Class<?> type) {
            super(type);
            this.reader = new TransparentReader(type);
        }

        /** Stateless once built: let Jackson cache it, or every read rebuilds the bean deserializer. */
        @Override
        public boolean isCachable() {
            return true;
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return reader.read(p, ctxt);
        }
    }

    /**
     * Reads a {@link Transparent} record's only component and runs its canonical constructor. The
     * component's deserializer is found on first use and kept, as Jackson's bean properties keep
     * theirs.
     */
    private static final class TransparentReader {
        private final Class<?> record;
        private final RecordComponent component;
        private volatile JsonDeserializer<Object> inner;

        TransparentReader(Class<?> record) {
            this.record = record;
            this.component = Variants.transparentComponent(record);
        }

        Object read(JsonParser p, DeserializationContext ctxt) throws IOException {
            Object value = p.currentToken() == JsonToken.VALUE_NULL
                    ? null
                    : inner(ctxt).deserialize(p, ctxt);
            try {
                return Variants.construct(record, new Object[] {value});
            } catch (RuntimeException refused) {
                throw JsonMappingException.from(p, refused.getMessage(), refused);
            }
        }

        private JsonDeserializer<Object> inner(DeserializationContext ctxt) throws IOException {
            JsonDeserializer<Object> found = inner;
            if (found == null) {
                JavaType type = ctxt.getTypeFactory().constructType(component.getGenericType());
                found = ctxt.findRootValueDeserializer(type);
                inner = found;
            }
            return found;
        }
    }

    private static final class EnumDeserializer extends StdDeserializer<Enum<?>> {
        private static final long serialVersionUID = 1L;
        private final transient EnumNames names;

        EnumDeserializer(Class<?> type) {
            super(type);
            this.names = EnumNames.of(type);
        }

        /** Stateless once built: let Jackson cache it, or every read rebuilds the bean deserializer. */
        @Override
        public boolean isCachable() {
            return true;
        }

        @Override
        public Enum<?> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (Enum<?>) ctxt.reportInputMismatch(
                        this, "expected a string, one of %s, found %s", names.expected(), p.currentToken());
            }
            Enum<?> value = names.byWireName(p.getText());
            if (value == null) {
                return (Enum<?>) ctxt.reportInputMismatch(
                        this, "unknown variant `%s`, expected one of %s", p.getText(), names.expected());
            }
            return value;
        }
    }

    private static final class DurationDeserializer extends StdDeserializer<Duration> {
        private static final long serialVersionUID = 1L;

        DurationDeserializer() {
            super(Duration.class);
        }

        /** Stateless once built: let Jackson cache it, or every read rebuilds the bean deserializer. */
        @Override
        public boolean isCachable() {
            return true;
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                return (Duration) ctxt.reportInputMismatch(this, "expected a duration {\"secs\": N, \"nanos\": N}");
            }
            Long secs = null;
            Long nanos = null;
            for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
                JsonToken value = p.nextToken();
                if (value != JsonToken.VALUE_NUMBER_INT) {
                    return (Duration) ctxt.reportInputMismatch(this, "duration field `%s` must be an integer", field);
                }
                switch (field) {
                    case "secs" -> secs = p.getLongValue();
                    case "nanos" -> nanos = p.getLongValue();
                    default -> {
                        return (Duration)
                                ctxt.reportInputMismatch(this, "unknown field `%s`, expected `secs` or `nanos`", field);
                    }
                }
            }
            if (secs == null || nanos == null) {
                return (Duration) ctxt.reportInputMismatch(
                        this, "missing field `%s` in duration", secs == null ? "secs" : "nanos");
            }
            if (secs < 0 || nanos < 0 || nanos >= 1_000_000_000L) {
                return (Duration) ctxt.reportInputMismatch(
                        this, "duration out of range: secs must be >= 0 and nanos in [0, 999999999]");
            }
            return Duration.ofSeconds(secs, nanos);
        }
    }

    /** Wire names of one Java enum's constants. */
    private record EnumNames(Map<Enum<?>, String> toWire, Map<String, Enum<?>> fromWire) {
        private static final Map<Class<?>, EnumNames> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

        static EnumNames of(Class<?> type) {
            return CACHE.computeIfAbsent(type, EnumNames::build);
        }

        private static EnumNames build(Class<?> type) {
            WireEnum annotation = type.getAnnotation(WireEnum.class);
            VariantCase variantCase = annotation == null ? VariantCase.PASCAL_CASE : annotation.variants();
            Map<Enum<?>, String> toWire = new LinkedHashMap<>();
            Map<String, Enum<?>> fromWire = new LinkedHashMap<>();
            for (Object constant : type.getEnumConstants()) {
                Enum<?> e = (Enum<?>) constant;
                String name;
                try {
                    WireName rename = type.getField(e.name()).getAnnotation(WireName.class);
                    name = rename != null ? rename.value() : variantCase.apply(e.name());
                } catch (NoSuchFieldException impossible) {
                    throw new IllegalStateException(impossible);
                }
                toWire.put(e, name);
                fromWire.put(name, e);
            }
            return new EnumNames(Map.copyOf(toWire), fromWire);
        }

        String wireName(Enum<?> value) {
            return toWire.get(value);
        }

        Enum<?> byWireName(String name) {
            return fromWire.get(name);
        }

        String expected() {
            return String.join(
                    ", ", fromWire.keySet().stream().map(n -> "`" + n + "`").toList());
        }
    }
}
