package dev.cairn.machine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ShortNode;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A copy holds every integer in the narrowest of int, long and big integer nodes, whatever held it. */
class JsonValuesTest {

    @Test
    void integersAreCopiedIntoTheNarrowestNode() {
        List<Long> values = List.of(
                0L,
                -1L,
                7L,
                (long) Integer.MAX_VALUE,
                (long) Integer.MIN_VALUE,
                Integer.MAX_VALUE + 1L,
                Integer.MIN_VALUE - 1L,
                1L << 53,
                Long.MAX_VALUE,
                Long.MIN_VALUE);
        for (long value : values) {
            JsonNode expected = value == (int) value ? IntNode.valueOf((int) value) : LongNode.valueOf(value);
            List<JsonNode> holders = new java.util.ArrayList<>(
                    List.of(LongNode.valueOf(value), BigIntegerNode.valueOf(BigInteger.valueOf(value))));
            if (value == (int) value) {
                holders.add(IntNode.valueOf((int) value));
            }
            if (value == (short) value) {
                holders.add(ShortNode.valueOf((short) value));
            }
            for (JsonNode holder : holders) {
                JsonNode copy =
                        JsonValues.copy(JsonNodeFactory.instance.arrayNode().add(holder), "n");
                assertThat(copy.get(0))
                        .as("%s in a %s", value, holder.getClass().getSimpleName())
                        .isEqualTo(expected);
                assertThat(copy.get(0).getClass()).isEqualTo(expected.getClass());
            }
        }
        BigInteger big = BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE);
        assertThat(JsonValues.copy(BigIntegerNode.valueOf(big), "n")).isEqualTo(BigIntegerNode.valueOf(big));
    }
}
