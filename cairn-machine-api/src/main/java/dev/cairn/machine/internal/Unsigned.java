package dev.cairn.machine.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;

/**
 * Not API. Readers for the seed's unsigned integers ({@code u32}, {@code u64}), attached to record
 * components with {@code @JsonDeserialize}: a negative or out-of-range number is refused while the
 * field is read, so the {@code JsonException} points at the field itself (e.g. {@code /seq}) rather
 * than at the enclosing object, as a failure in the record's constructor would.
 *
 * <p>Java's {@code long} and {@code int} hold only the lower half of {@code u64} and {@code u32}:
 * values above {@link Long#MAX_VALUE} and {@link Integer#MAX_VALUE} are refused too.
 */
public final class Unsigned {

    private Unsigned() {}

    /** Refuses a negative value given to a Java constructor, naming the field. */
    public static long requireU64(long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " is unsigned (u64) and must be >= 0, got " + value);
        }
        return value;
    }

    /** Refuses a negative value given to a Java constructor, naming the field. */
    public static int requireU32(int value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " is unsigned (u32) and must be >= 0, got " + value);
        }
        return value;
    }

    /** {@code u64} into a {@code long}. */
    public static final class U64 extends StdDeserializer<Long> {
        private static final long serialVersionUID = 1L;

        public U64() {
            super(Long.class);
        }

        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return read(p, ctxt, this, Long.MAX_VALUE, "u64");
        }

        @Override
        public Long getNullValue(DeserializationContext ctxt) throws JsonMappingException {
            return ctxt.reportInputMismatch(this, "expected an unsigned integer (u64), found null");
        }
    }

    /**
     * {@code Option<u64>} content, for {@code @JsonDeserialize(contentUsing = …)} on an {@code
     * Optional<Long>}: JSON {@code null} is {@code None} (Jackson asks the content reader for the
     * value of a null), any number must be a {@code u64}.
     */
    public static final class OptionalU64 extends StdDeserializer<Long> {
        private static final long serialVersionUID = 1L;

        public OptionalU64() {
            super(Long.class);
        }

        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return read(p, ctxt, this, Long.MAX_VALUE, "u64");
        }
    }

    /** {@code u32} into an {@code int}. */
    public static final class U32 extends StdDeserializer<Integer> {
        private static final long serialVersionUID = 1L;

        public U32() {
            super(Integer.class);
        }

        @Override
        public Integer deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return (int) (long) read(p, ctxt, this, Integer.MAX_VALUE, "u32");
        }

        @Override
        public Integer getNullValue(DeserializationContext ctxt) throws JsonMappingException {
            return ctxt.reportInputMismatch(this, "expected an unsigned integer (u32), found null");
        }
    }

    private static Long read(JsonParser p, DeserializationContext ctxt, StdDeserializer<?> self, long max, String kind)
            throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            return ctxt.reportInputMismatch(
                    self, "expected an unsigned integer (%s), found %s", kind, describe(p.currentToken()));
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            return ctxt.reportInputMismatch(
                    self, "%s out of range: %s is above the supported maximum %d", kind, p.getText(), max);
        }
        long value = p.getLongValue();
        if (value < 0) {
            return ctxt.reportInputMismatch(self, "expected an unsigned integer (%s), found %d", kind, value);
        }
        if (value > max) {
            return ctxt.reportInputMismatch(
                    self, "%s out of range: %d is above the supported maximum %d", kind, value, max);
        }
        return value;
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_FLOAT -> "a fractional number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            default -> token.toString();
        };
    }
}
