package dev.cairn.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ArtifactIdsTest {

    @Test
    void bytesHashToKnownSha256() {
        // FIPS 180-2 examples, also printed by `sha256sum`.
        assertThat(ArtifactIds.ofBytes(new byte[0]))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(ArtifactIds.ofBytes("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void jsonHashesItsCanonicalBytes() {
        // `sha256sum` of the RFC 8785 output files: the id does not depend on the input's layout.
        Map<String, String> expected = Map.of(
                "arrays", "099601b171cafed97c333f8878d68e7f8c8f795412adb34b2fdcf0e7c7beac42",
                "structures", "513d0c0f2524a8b295a9bbd982a37b7a000f1c5f915bf2d6d8cfdf75347bacad",
                "values", "0af3685dce30daa753153aadb1956b0f3133642fbe5d4a5e3a4267f94814ba87",
                "weird", "92591c387de83f90a4f5a7b853081c9482ee5bf076e8e309366de6f215cfcbfb");
        expected.forEach((name, id) -> {
            JsonNode node = StrictJson.parse(TestResources.bytes("jcs/input/" + name + ".json"));
            assertThat(ArtifactIds.ofJson(node)).as(name).isEqualTo(id);
        });
        assertThat(ArtifactIds.ofJson(StrictJson.parse("{\"b\":1,\"a\":2}")))
                .isEqualTo(ArtifactIds.ofJson(StrictJson.parse("{ \"a\" : 2 , \"b\" : 1.0 }")));
    }

    @Test
    void streamsHashLikeBytes() throws Exception {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        byte[] data = new byte[1_000_003];
        new Random(seed).nextBytes(data);
        assertThat(ArtifactIds.ofStream(new ByteArrayInputStream(data))).isEqualTo(ArtifactIds.ofBytes(data));
    }

    @Test
    void aRefusedDocumentLeavesNoStateBehind() {
        // Fill more than the 16 KiB buffer, so that part of the document reached the digest, then fail.
        ArrayNode bad = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < 5000; i++) {
            bad.add("value number " + i);
        }
        bad.add("\uD800");
        assertThatThrownBy(() -> ArtifactIds.ofJson(bad))
                .isInstanceOfSatisfying(
                        JsonException.class, e -> assertThat(e.path()).isEqualTo("/5000"));
        JsonNode good = StrictJson.parse("{\"a\":[1,2,3]}");
        assertThat(ArtifactIds.ofJson(good)).isEqualTo(ArtifactIds.ofBytes(Canonical.canonicalize(good)));
    }

    @Test
    void threadsDoNotShareState() throws Exception {
        List<JsonNode> docs = List.of(
                StrictJson.parse("{\"a\":1}"), StrictJson.parse("[\"x\",{\"y\":2.5}]"), StrictJson.parse("\"z\""));
        List<String> expected = docs.stream()
                .map(d -> ArtifactIds.ofBytes(Canonical.canonicalize(d)))
                .toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Boolean>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        int k = i % docs.size();
                        if (!ArtifactIds.ofJson(docs.get(k)).equals(expected.get(k))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        }
    }

    @Test
    void validIdsAre64LowercaseHexDigits() {
        assertThat(ArtifactIds.isValid("a".repeat(64))).isTrue();
        assertThat(ArtifactIds.isValid(ArtifactIds.ofBytes(new byte[] {1}))).isTrue();
        assertThat(ArtifactIds.isValid("A".repeat(64))).isFalse();
        assertThat(ArtifactIds.isValid("a".repeat(63))).isFalse();
        assertThat(ArtifactIds.isValid("g".repeat(64))).isFalse();
        assertThat(ArtifactIds.isValid(null)).isFalse();
    }
}
