package dev.cairn.machine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.wire.Wire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Map;
import java.util.Objects;

/**
 * Not API. Copies of JSON trees held by records, with every node in the form the wire codec reads
 * it (an integer is an {@code IntNode} when it fits, a {@code LongNode} when it fits, a {@code
 * BigIntegerNode} otherwise; a fraction is a {@code DoubleNode}). Jackson compares number nodes by
 * type as well as value, so without this a record built with {@code put("n", 5L)} would not equal
 * itself read back from storage.
 */
public final class JsonValues {

    private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private JsonValues() {}

    /** A normalized deep copy of {@code node}; {@code field} names it in the null check. */
    public static JsonNode copy(JsonNode node, String field) {
        return normalize(Objects.requireNonNull(node, field));
    }

    private static JsonNode normalize(JsonNode node) {
        JsonNodeType type = node.getNodeType();
        return switch (type) {
            case OBJECT -> {
                ObjectNode out = JsonNodeFactory.instance.objectNode();
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    out.set(field.getKey(), normalize(field.getValue()));
                }
                yield out;
            }
            case ARRAY -> {
                ArrayNode out = JsonNodeFactory.instance.arrayNode(node.size());
                node.forEach(element -> out.add(normalize(element)));
                yield out;
            }
            case NUMBER -> node.isIntegralNumber() ? integer(node) : fraction(node);
            case STRING, BOOLEAN, NULL -> node;
            case BINARY, POJO, MISSING -> reparse(node);
        };
    }

    /**
     * The integer node the codec reads {@code node}'s value as. Int and long nodes are answered
     * without the {@code BigInteger} detour (an allocation for every integer of every copied tree):
     * an {@code IntNode} is immutable and already in that form.
     */
    private static JsonNode integer(JsonNode node) {
        if (node.isInt()) {
            return node;
        }
        if (node.isLong()) {
            long value = node.longValue();
            return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE ? IntNode.valueOf((int) value) : node;
        }
        return integer(node.bigIntegerValue());
    }

    private static JsonNode integer(BigInteger value) {
        if (value.compareTo(INT_MIN) >= 0 && value.compareTo(INT_MAX) <= 0) {
            return IntNode.valueOf(value.intValue());
        }
        if (value.compareTo(LONG_MIN) >= 0 && value.compareTo(LONG_MAX) <= 0) {
            return LongNode.valueOf(value.longValue());
        }
        return BigIntegerNode.valueOf(value);
    }

    /** The text a fraction is written as, read back as the codec reads it. */
    private static JsonNode fraction(JsonNode node) {
        return DoubleNode.valueOf(Double.parseDouble(node.asText()));
    }

    private static JsonNode reparse(JsonNode node) {
        try {
            return Wire.mapper().readTree(Wire.mapper().writeValueAsBytes(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
