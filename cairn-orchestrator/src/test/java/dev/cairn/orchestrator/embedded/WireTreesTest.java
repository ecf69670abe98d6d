package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.executor.protocol.InputFile;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.Canonical;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.config.BackoffPolicy;
import dev.cairn.runner.api.lease.OutputArtifact;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The trees written member by member are the codec's, node for node and byte for byte. */
class WireTreesTest {

    @Test
    void theTreesAreTheCodecs() {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed + " (WireTreesTest.theTreesAreTheCodecs)");
        Random random = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            List<InputFile> inputs = new ArrayList<>();
            for (int n = random.nextInt(3); n > 0; n--) {
                inputs.add(new InputFile("in/" + n + "é", cid(random), random.nextBoolean()));
            }
            same(WireTrees.inputs(inputs), Wire.toTree(inputs));

            List<OutputArtifact> outputs = new ArrayList<>();
            for (int n = random.nextInt(3); n > 0; n--) {
                outputs.add(new OutputArtifact(
                        "out/" + n, cid(random), "text/plain", random.nextLong(1L << 40), random.nextBoolean()));
            }
            same(WireTrees.outputs(outputs), Wire.toTree(outputs));

            TreeMap<String, String> labels = new TreeMap<>();
            for (int n = random.nextInt(3); n > 0; n--) {
                labels.put("label" + random.nextInt(9), "v\"" + n);
            }
            TaskRequest request = new TaskRequest(
                    "step" + random.nextInt(9) + (random.nextBoolean() ? "@eu" : ""),
                    "/examples/hello/v1",
                    labels,
                    TaskCallsTest.randomJson(random, 0),
                    inputs.stream().map(InputFile::artifactId).toList(),
                    Duration.ofSeconds(random.nextInt(100_000), random.nextInt(1_000_000_000)),
                    random.nextBoolean()
                            ? new BackoffPolicy.Fixed(Duration.ofMillis(random.nextInt(5000)))
                            : new BackoffPolicy.Exponential(
                                    Duration.ofMillis(random.nextInt(5000)), Duration.ofSeconds(random.nextInt(60))),
                    random.nextBoolean() ? "pipeline" : "runners");
            same(WireTrees.request(request), Wire.toTree(request));

            StepRecord record = new StepRecord(
                    request.stepId(),
                    request.capability(),
                    random.nextBoolean() ? Optional.of(random.nextInt(256) - 128) : Optional.empty(),
                    outputs,
                    TaskCallsTest.randomJson(random, 0),
                    random.nextBoolean() ? Optional.of(cid(random)) : Optional.empty(),
                    random.nextBoolean() ? Optional.of("miss") : Optional.empty());
            same(WireTrees.stepRecord(record), Wire.toTree(record));
        }
    }

    private static void same(JsonNode ours, JsonNode codec) {
        assertThat(ours).isEqualTo(codec);
        assertThat(Canonical.canonicalize(ours)).isEqualTo(Canonical.canonicalize(codec));
        if (!holdsDecimal(ours)) {
            // The codec's copy writes a BigDecimal without its trailing zeros (5.50 as 5.5); the
            // shared value keeps them: the same number, the same canonical JSON.
            assertThat(Wire.write(ours)).isEqualTo(Wire.write(codec));
        }
    }

    private static boolean holdsDecimal(JsonNode node) {
        if (node.isBigDecimal()) {
            return true;
        }
        for (JsonNode child : node) {
            if (holdsDecimal(child)) {
                return true;
            }
        }
        return false;
    }

    private static String cid(Random random) {
        return ArtifactIds.ofBytes(new byte[] {(byte) random.nextInt(), (byte) random.nextInt()});
    }
}
