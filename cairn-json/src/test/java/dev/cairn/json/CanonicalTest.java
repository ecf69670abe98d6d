package dev.cairn.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.ShortNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cairn.json.wire.Wire;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static String canonical(String json) {
        return new String(Canonical.canonicalize(json), StandardCharsets.UTF_8);
    }

    private static JsonException refusal(JsonNode node) {
        JsonException e = catchThrowableOfType(JsonException.class, () -> Canonical.canonicalize(node));
        assertThat(e).as("refusal").isNotNull();
        return e;
    }

    @ParameterizedTest
    @ValueSource(strings = {"arrays", "french", "simpleString", "structures", "unicode", "values", "weird"})
    void rfc8785Vectors(String name) {
        byte[] input = TestResources.bytes("jcs/input/" + name + ".json");
        byte[] expected = TestResources.bytes("jcs/output/" + name + ".json");
        assertThat(Canonical.canonicalize(input)).isEqualTo(expected);
    }

    @Test
    void nodeReferenceDocuments() {
        List<String> inputs = TestResources.lines("reference/documents.jsonl");
        List<String> outputs = TestResources.lines("reference/documents.canonical.jsonl");
        assertThat(inputs).hasSize(400).hasSameSizeAs(outputs);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            String actual = canonical(inputs.get(i));
            if (!actual.equals(outputs.get(i))) {
                mismatches.add("line " + (i + 1) + ": " + actual);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void keysSortByUtf16CodeUnitsNotCodePoints() {
        // U+1F602 is D83D DE02 in UTF-16, so it sorts before U+E000 and U+FB33, though its code point is larger.
        assertThat(canonical("{\"\uFB33\":3,\"\uE000\":2,\"\uD83D\uDE02\":1,\"a\":0}"))
                .isEqualTo("{\"a\":0,\"\uD83D\uDE02\":1,\"\uE000\":2,\"\uFB33\":3}");
        assertThat(canonical("{\"b\":1,\"B\":2,\"aa\":3,\"a\":4,\"\":5}"))
                .isEqualTo("{\"\":5,\"B\":2,\"a\":4,\"aa\":3,\"b\":1}");
    }

    @Test
    void stringsEscapeOnlyWhatRfc8785Requires() {
        assertThat(canonical("[\"\\u0000\\u0007\\b\\t\\n\\u000b\\f\\r\\u001f \\\" \\\\ \\/ \\u007f \\u2028 é\"]"))
                .isEqualTo("[\"\\u0000\\u0007\\b\\t\\n\\u000b\\f\\r\\u001f \\\" \\\\ / \u007f \u2028 é\"]");
        assertThat(canonical("[\"\\u00e9\\u20AC\\uD83D\\uDE02\"]")).isEqualTo("[\"é€😂\"]");
    }

    @Test
    void numbersAndLiterals() {
        assertThat(canonical(
                        "[-0, -0.0, 0e10, 1.0, 1e2, 100E-2, -1.5e+3, 1e21, 1e-7, 9007199254740991, true, false, null]"))
                .isEqualTo("[0,0,0,1,100,1,-1500,1e+21,1e-7,9007199254740991,true,false,null]");
        assertThat(canonical("{ }")).isEqualTo("{}");
        assertThat(canonical(" [ ] ")).isEqualTo("[]");
    }

    @Test
    void longStringsAreEncodedAcrossBufferBoundaries() {
        // Multi-byte characters and surrogate pairs straddling every internal chunk boundary.
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            s.append(i % 7 == 0 ? "😂" : i % 5 == 0 ? "é" : i % 3 == 0 ? "€" : "a");
        }
        JsonNode node = NODES.arrayNode().add(s.toString());
        byte[] expected = ("[\"" + s + "\"]").getBytes(StandardCharsets.UTF_8);
        assertThat(Canonical.canonicalize(node)).isEqualTo(expected);
        assertThat(ArtifactIds.ofJson(node)).isEqualTo(ArtifactIds.ofBytes(expected));
    }

    @Test
    void aLargeDocumentDoesNotDisturbTheNextOne() {
        ArrayNode large = NODES.arrayNode();
        for (int i = 0; i < 40_000; i++) {
            large.add("entry number " + i + " of a document larger than the retained buffer");
        }
        assertThat(Canonical.canonicalize(large).length).isGreaterThan(2_000_000);
        assertThat(canonical("{\"b\":1,\"a\":[true]}")).isEqualTo("{\"a\":[true],\"b\":1}");
    }

    @Test
    void treesFromOtherSourcesAreCanonicalizedByValue() {
        ObjectNode node = NODES.objectNode();
        node.set("short", ShortNode.valueOf((short) 7));
        node.set("float", FloatNode.valueOf(0.5f));
        node.set("decimal", DecimalNode.valueOf(new BigDecimal("4.50")));
        node.set("bigint", BigIntegerNode.valueOf(BigInteger.valueOf(-42)));
        node.set("long", LongNode.valueOf(-StrictJson.MAX_SAFE_INTEGER));
        node.set("negzero", DoubleNode.valueOf(-0.0));
        node.set("wire", Wire.toTree(List.of("x", "y")));
        assertThat(Canonical.canonicalString(node))
                .isEqualTo("{\"bigint\":-42,\"decimal\":4.5,\"float\":0.5,\"long\":-9007199254740991,"
                        + "\"negzero\":0,\"short\":7,\"wire\":[\"x\",\"y\"]}");
    }

    @Test
    void treesWithoutACanonicalFormAreRefused() {
        ObjectNode big = NODES.objectNode();
        big.putObject("a").put("n", 9007199254740993L);
        JsonException e = refusal(big);
        assertThat(e.code()).isEqualTo("integer_out_of_range");
        assertThat(e.path()).isEqualTo("/a/n");

        assertThat(refusal(NODES.arrayNode().add(BigInteger.TWO.pow(64))).code())
                .isEqualTo("integer_out_of_range");
        // 2^60 is a double, but RFC 8785 writes it 1152921504606847000: writing it would change the integer.
        assertThat(refusal(NODES.arrayNode().add(1L << 60)).code()).isEqualTo("integer_out_of_range");
        // Integers spelled exactly as their double pass.
        assertThat(Canonical.canonicalString(
                        NODES.arrayNode().add(BigInteger.TEN.pow(20)).add(1L << 53)))
                .isEqualTo("[100000000000000000000,9007199254740992]");
        assertThat(refusal(NODES.arrayNode().add(Double.NaN)).code()).isEqualTo("non_finite_number");
        assertThat(refusal(NODES.arrayNode().add(Float.POSITIVE_INFINITY)).code())
                .isEqualTo("non_finite_number");
        assertThat(refusal(NODES.arrayNode().add(new BigDecimal("1e400"))).code())
                .isEqualTo("non_finite_number");

        ArrayNode lone = NODES.arrayNode().add("ok").add(TextNode.valueOf("x\uD800"));
        assertThat(refusal(lone).path()).isEqualTo("/1");
        ObjectNode loneKey = NODES.objectNode().put("\uDC00", 1);
        assertThat(refusal(loneKey).code()).isEqualTo("lone_surrogate");

        assertThat(refusal(NODES.arrayNode().add(BinaryNode.valueOf(new byte[] {1})))
                        .code())
                .isEqualTo("unsupported_value");
        assertThat(refusal(NODES.arrayNode().add(new POJONode(new Object()))).code())
                .isEqualTo("unsupported_value");
        assertThat(refusal(MissingNode.getInstance()).code()).isEqualTo("unsupported_value");
    }

    @Test
    void deepAndCyclicTreesAreRefused() {
        ArrayNode root = NODES.arrayNode();
        ArrayNode at = root;
        for (int i = 0; i < 100_000; i++) {
            at = at.addArray();
        }
        assertThat(refusal(root).code()).isEqualTo("too_deep");
        ObjectNode cycle = NODES.objectNode();
        cycle.set("self", cycle);
        JsonException e = refusal(cycle);
        assertThat(e.code()).isEqualTo("too_deep");
        assertThat(e.path()).startsWith("/self/self");
    }

    @Test
    void streamsAndDigestsGetTheSameBytes() throws Exception {
        JsonNode node = StrictJson.parse(TestResources.bytes("jcs/input/weird.json"));
        byte[] expected = TestResources.bytes("jcs/output/weird.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Canonical.write(node, out);
        assertThat(out.toByteArray()).isEqualTo(expected);
        MessageDigest digest = ArtifactIds.sha256();
        Canonical.update(digest, node);
        assertThat(HexFormat.of().formatHex(digest.digest()))
                .isEqualTo("92591c387de83f90a4f5a7b853081c9482ee5bf076e8e309366de6f215cfcbfb");
    }

    @Test
    void randomTreesRoundTripAndHashConsistently() {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        Random random = new Random(seed);
        for (int i = 0; i < 300; i++) {
            JsonNode tree = randomValue(random, 0);
            byte[] canonical = Canonical.canonicalize(tree);
            // Canonical form is a fixed point, and parsing it back gives the same tree.
            assertThat(Canonical.canonicalize(canonical))
                    .as("seed=%d doc %d", seed, i)
                    .isEqualTo(canonical);
            assertThat(Canonical.canonicalize(StrictJson.parse(canonical))).isEqualTo(canonical);
            assertThat(ArtifactIds.ofJson(tree)).isEqualTo(ArtifactIds.ofBytes(canonical));
        }
    }

    private static JsonNode randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 4 ? 5 : 7);
        return switch (kind) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 ->
                random.nextBoolean()
                        ? NODES.numberNode(random.nextLong(-StrictJson.MAX_SAFE_INTEGER, StrictJson.MAX_SAFE_INTEGER))
                        : NODES.numberNode(randomFiniteDouble(random));
            case 3, 4 -> NODES.textNode(randomString(random));
            case 5 -> {
                ObjectNode o = NODES.objectNode();
                for (int i = random.nextInt(6); i > 0; i--) {
                    o.set(randomString(random), randomValue(random, depth + 1));
                }
                yield o;
            }
            default -> {
                ArrayNode a = NODES.arrayNode();
                for (int i = random.nextInt(6); i > 0; i--) {
                    a.add(randomValue(random, depth + 1));
                }
                yield a;
            }
        };
    }

    private static double randomFiniteDouble(Random random) {
        double d;
        do {
            d = Double.longBitsToDouble(random.nextLong());
        } while (!Double.isFinite(d));
        return d;
    }

    private static String randomString(Random random) {
        StringBuilder s = new StringBuilder();
        for (int n = random.nextInt(8); n > 0; n--) {
            int cp;
            do {
                cp = random.nextInt(4) == 0 ? random.nextInt(0x110000) : random.nextInt(0x80);
            } while (cp >= 0xD800 && cp <= 0xDFFF);
            s.appendCodePoint(cp);
        }
        return s.toString();
    }
}
