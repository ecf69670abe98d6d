package dev.cairn.orchestrator.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A param's value, of one of the {@link ParamType}s.
 *
 * <p>{@link #text()} is what a {@code ${{ params.NAME }}} reference is replaced with: the string
 * itself, a number in its normalized decimal form ({@code 1e3} → {@code 1000}, {@code 2.50} → {@code
 * 2.5}), or {@code true}/{@code false}. {@link #toJson()} is what the run manifest's {@code
 * input_params} records: a string, a boolean, an integer when the number is integral and within
 * ±(2^53−1), and otherwise the normalized decimal as a string (the manifest's canonical JSON holds
 * no fractional numbers).
 */
public sealed interface ParamValue {

    /** The param type this value has. */
    ParamType type();

    /** The text substituted for a reference to this value. */
    String text();

    /** The value as recorded in a run manifest's {@code input_params}. */
    JsonNode toJson();

    /** A string value. */
    record StringValue(String value) implements ParamValue {
        public StringValue {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public ParamType type() {
            return ParamType.STRING;
        }

        @Override
        public String text() {
            return value;
        }

        @Override
        public JsonNode toJson() {
            return TextNode.valueOf(value);
        }
    }

    /**
     * A number, held normalized ({@link BigDecimal#stripTrailingZeros()}, zero as {@code 0}) so that
     * equal numbers are equal values.
     */
    record NumberValue(BigDecimal value) implements ParamValue {

        private static final BigInteger MAX_SAFE = BigInteger.valueOf((1L << 53) - 1);

        public NumberValue {
            Objects.requireNonNull(value, "value");
            value = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
        }

        @Override
        public ParamType type() {
            return ParamType.NUMBER;
        }

        @Override
        public String text() {
            return value.toPlainString();
        }

        @Override
        public JsonNode toJson() {
            if (value.scale() <= 0) {
                BigInteger integer = value.toBigIntegerExact();
                if (integer.abs().compareTo(MAX_SAFE) <= 0) {
                    long n = integer.longValueExact();
                    return n == (int) n
                            ? JsonNodeFactory.instance.numberNode((int) n)
                            : JsonNodeFactory.instance.numberNode(n);
                }
            }
            return TextNode.valueOf(text());
        }
    }

    /** A boolean. */
    record BooleanValue(boolean value) implements ParamValue {
        @Override
        public ParamType type() {
            return ParamType.BOOLEAN;
        }

        @Override
        public String text() {
            return Boolean.toString(value);
        }

        @Override
        public JsonNode toJson() {
            return BooleanNode.valueOf(value);
        }
    }

    /** JSON's number syntax: what {@link #parse} accepts for a number. */
    Pattern NUMBER_SYNTAX = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

    /**
     * The value of {@code text} (as given on a command line) for a param of {@code type}; empty when
     * it is not a value of that type: numbers in JSON syntax of at most 100 characters and an
     * exponent of at most 3 digits, booleans exactly {@code true} or {@code false}.
     */
    static Optional<ParamValue> parse(ParamType type, String text) {
        Objects.requireNonNull(text, "text");
        return switch (type) {
            case STRING -> Optional.of(new StringValue(text));
            case BOOLEAN ->
                switch (text) {
                    case "true" -> Optional.of(new BooleanValue(true));
                    case "false" -> Optional.of(new BooleanValue(false));
                    default -> Optional.empty();
                };
            case NUMBER -> {
                if (text.length() > 100 || !NUMBER_SYNTAX.matcher(text).matches() || exponentTooLong(text)) {
                    yield Optional.empty();
                }
                yield Optional.of(new NumberValue(new BigDecimal(text)));
            }
        };
    }

    private static boolean exponentTooLong(String text) {
        int e = Math.max(text.indexOf('e'), text.indexOf('E'));
        if (e < 0) {
            return false;
        }
        String digits = text.substring(e + 1).replace("+", "").replace("-", "");
        return digits.length() > 3;
    }
}
