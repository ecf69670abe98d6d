package dev.cairn.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrictJsonTest {

    private static JsonException refusal(String json) {
        return refusal(json.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonException refusal(byte[] json) {
        JsonException e = catchThrowableOfType(JsonException.class, () -> StrictJson.parse(json));
        assertThat(e)
                .as("refusal of %s", new String(json, 0, Math.min(json.length, 60), StandardCharsets.UTF_8))
                .isNotNull();
        return e;
    }

    @Test
    void readsJsonKeepingDocumentOrderAndExactIntegers() {
        JsonNode node = StrictJson.parse("{\"b\":[1,-9007199254740991,9007199254740991],\"a\":{\"x\":null},"
                + "\"c\":\"\\ud83d\\ude02\",\"d\":4.50,\"e\":true}");
        assertThat(node.properties().stream().map(e -> e.getKey()).toList()).containsExactly("b", "a", "c", "d", "e");
        assertThat(node.get("b").get(2).longValue()).isEqualTo(StrictJson.MAX_SAFE_INTEGER);
        assertThat(node.get("b").get(1).isIntegralNumber()).isTrue();
        assertThat(node.get("c").textValue()).isEqualTo("😂");
        assertThat(node.get("d").doubleValue()).isEqualTo(4.5);
        assertThat(node.get("d").isDouble()).isTrue();
    }

    @Test
    void numbersWithFractionOrExponentAreDoubles() {
        assertThat(StrictJson.parse("[1.5e-324]").get(0).doubleValue()).isEqualTo(0.0);
        assertThat(StrictJson.parse("[2.4703282292062328e-324]").get(0).doubleValue())
                .isEqualTo(Double.MIN_VALUE);
        assertThat(StrictJson.parse("[1e2]").get(0).isDouble()).isTrue();
        // Beyond 2^53 with an exponent is a double, not an integer: refused only as an integer token.
        assertThat(StrictJson.parse("[9007199254740993.0]").get(0).doubleValue())
                .isEqualTo(9007199254740992.0);
    }

    @Test
    void duplicateKeysAreRefusedWithTheirPath() {
        JsonException e = refusal("{\"a\":{\"b\":1,\n \"b\":2}}");
        assertThat(e.code()).isEqualTo("duplicate_key");
        assertThat(e.path()).isEqualTo("/a/b");
        assertThat(e.getMessage()).contains("`b`").contains("line 2, column 2");
        assertThat(e.hint()).isNotEmpty();
    }

    @Test
    void loneSurrogatesAreRefusedInValuesAndKeys() {
        for (String json : List.of(
                "[\"\\ud800\"]",
                "[\"a\\udc00\"]",
                "[\"\\ud800x\"]",
                "[\"\\ud800\\ud800\"]",
                "{\"\\udfff\":1}",
                "{\"k\":[\"ok\",\"\\ude02\\ud83d\"]}")) {
            assertThat(refusal(json).code()).as(json).isEqualTo("lone_surrogate");
        }
        assertThat(refusal("{\"k\":[\"ok\",\"\\ud800\"]}").path()).isEqualTo("/k/1");
        // A Java string may hold one directly.
        assertThat(catchThrowableOfType(JsonException.class, () -> StrictJson.parse("[\"\ud800\"]"))
                        .code())
                .isEqualTo("lone_surrogate");
    }

    @Test
    void integersBeyondTwoToThe53AreRefused() {
        for (String json : List.of(
                "[9007199254740993]",
                "[-9007199254740995]",
                "[18446744073709551616]",
                "[1152921504606846976]",
                "{\"n\":123456789012345678901234}")) {
            JsonException e = refusal(json);
            assertThat(e.code()).as(json).isEqualTo("integer_out_of_range");
        }
        assertThat(refusal("{\"n\":9007199254740993}").path()).isEqualTo("/n");
        // Integers that are exactly how RFC 8785 writes a double read as that double, so that
        // canonical output always reads back.
        assertThat(StrictJson.parse("[100000000000000000000]").get(0).doubleValue())
                .isEqualTo(1e20);
        assertThat(StrictJson.parse("[-62992800000000000]").get(0).doubleValue())
                .isEqualTo(-6.29928e16);
        assertThat(StrictJson.parse("[9007199254740992]").get(0).doubleValue()).isEqualTo(9007199254740992.0);
        assertThat(refusal("[" + "9".repeat(500) + "]").getMessage()).hasSizeLessThan(200);
    }

    @Test
    void nonFiniteNumbersAreRefused() {
        for (String json : List.of(
                "[NaN]", "[Infinity]", "[-Infinity]", "[+Infinity]", "[1e400]", "[-1e400]", "{\"x\":1.8e308}")) {
            assertThat(refusal(json).code()).as(json).isEqualTo("non_finite_number");
        }
    }

    @Test
    void invalidJsonIsRefusedWithLineAndColumn() {
        for (String json : List.of(
                "[01]",
                "[1,]",
                "[.5]",
                "[1.]",
                "[+1]",
                "{'a':1}",
                "{\"a\" 1}",
                "[1 2]",
                "[\"tab\there\"]",
                "// comment\n1",
                "tru",
                "[1]x",
                "{} {}",
                "1 2",
                "",
                "   \n ",
                "[",
                "{\"a\":")) {
            JsonException e = refusal(json);
            assertThat(e.code()).as(json).isEqualTo("invalid_json");
            assertThat(e.getMessage()).as(json).contains("line ");
        }
        JsonException e = refusal("{\n  \"a\": [1,\n    01]\n}");
        assertThat(e.getMessage()).contains("line 3");
        assertThat(refusal("").getMessage()).contains("empty input");
        assertThat(refusal("[1] [2]").getMessage()).contains("trailing data");
    }

    @Test
    void onlyUtf8IsAccepted() {
        assertThat(refusal("[1]".getBytes(StandardCharsets.UTF_16BE)).code()).isEqualTo("invalid_json");
        assertThat(refusal("[1]".getBytes(StandardCharsets.UTF_16LE)).code()).isEqualTo("invalid_json");
        assertThat(refusal("[1]".getBytes(StandardCharsets.UTF_16)).getMessage())
                .contains("not UTF-8");
        assertThat(refusal(new byte[] {'[', '"', (byte) 0xC3, '"', ']'}).code()).isEqualTo("invalid_json");
        // A surrogate encoded as UTF-8 (CESU-8) is not UTF-8 either.
        assertThat(refusal(new byte[] {'[', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', ']'})
                        .code())
                .isEqualTo("invalid_json");
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '[', '1', ']'};
        assertThat(StrictJson.parse(bom).get(0).intValue()).isEqualTo(1);
    }

    @Test
    void nestingIsLimited() {
        String ok = "[".repeat(StrictJson.MAX_DEPTH) + "]".repeat(StrictJson.MAX_DEPTH);
        assertThat(StrictJson.parse(ok).isArray()).isTrue();
        String deep = "[".repeat(StrictJson.MAX_DEPTH + 1) + "]".repeat(StrictJson.MAX_DEPTH + 1);
        JsonException e = refusal(deep);
        assertThat(e.code()).isEqualTo("too_deep");
        assertThat(e.getMessage()).contains("128");
    }

    @Test
    void hugeHostileInputsAreRefusedWithoutRecursion() {
        // 10 MB of '[' and of '{"a":' stop at the depth limit; no StackOverflowError, no hang.
        byte[] brackets = new byte[10 * 1024 * 1024];
        Arrays.fill(brackets, (byte) '[');
        assertThat(refusal(brackets).code()).isEqualTo("too_deep");
        assertThat(refusal("{\"a\":".repeat(2_000_000)).code()).isEqualTo("too_deep");
        // An unterminated 10 MB string and a 10 MB number fail at the end and at the length limit.
        byte[] string = new byte[10 * 1024 * 1024];
        Arrays.fill(string, (byte) 'a');
        string[0] = '"';
        assertThat(refusal(string).code()).isEqualTo("invalid_json");
        byte[] number = new byte[10 * 1024 * 1024];
        Arrays.fill(number, (byte) '7');
        number[0] = '[';
        assertThat(refusal(number).code()).isEqualTo("too_large");
    }

    @Test
    void readsStreams() throws Exception {
        JsonNode node = StrictJson.parse(new ByteArrayInputStream("{\"a\":[1]}".getBytes(StandardCharsets.UTF_8)));
        assertThat(node.get("a").get(0).intValue()).isEqualTo(1);
    }
}
