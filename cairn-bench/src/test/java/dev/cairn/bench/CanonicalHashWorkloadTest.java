package dev.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.Canonical;
import dev.cairn.json.StrictJson;
import dev.cairn.json.wire.Wire;
import org.junit.jupiter.api.Test;

class CanonicalHashWorkloadTest {

    @Test
    void reportsEveryFigureBaselineAndRatioInOneJsonLine() {
        // Two rounds of two: every task runs more than once (state carried between runs must hold).
        BenchSettings once =
                BenchSettings.builder().warmupRounds(0).rounds(2).iterations(2).build();
        BenchReport report = new CanonicalHashWorkload().run(once);

        assertThat(report.workload()).isEqualTo("canonical-hash");
        assertThat(report.figures())
                .extracting(BenchReport.Figure::name)
                .containsExactly(
                        "canonical_hash_1mb",
                        "parse_canonical_hash_1mb",
                        "canonical_hash_1kb",
                        "canonical_hash_1kb_docs");
        assertThat(report.baselines())
                .extracting(BenchReport.Figure::name)
                .containsExactly("sha256_1mb", "jackson_write_1mb", "sha256_1kb");
        assertThat(report.figures()).allSatisfy(f -> assertThat(f.median()).isPositive());
        BenchReport.Ratio goal = report.ratios().getFirst();
        assertThat(goal.name()).isEqualTo("canonical_hash_1mb_vs_sha256");
        assertThat(goal.goal()).contains(CanonicalHashWorkload.GOAL);
        assertThat(goal.met()).isPresent();
        assertThat(report.inputs().getFirst().canonicalBytes().orElseThrow()).isBetween(1_000_000L, 1_200_000L);
        assertThat(report.inputs().get(1).count()).isEqualTo(1024);
        assertThat(report.settings().iterations()).isEqualTo(2);

        String line = Wire.write(report);
        assertThat(line).doesNotContain("\n");
        JsonNode tree = StrictJson.parse(line);
        assertThat(tree.get("ratios").get(0).get("goal").doubleValue()).isEqualTo(0.3);
        assertThat(tree.get("environment").get("cores").intValue()).isPositive();
    }

    @Test
    void documentsAreDeterministicAndCanonicalizable() {
        JsonNode a = new BenchDocuments(1).runRecord(20_000);
        JsonNode b = new BenchDocuments(1).runRecord(20_000);
        assertThat(ArtifactIds.ofJson(a)).isEqualTo(ArtifactIds.ofJson(b));
        assertThat(Canonical.canonicalize(a).length).isGreaterThanOrEqualTo(20_000);
        assertThat(ArtifactIds.ofJson(new BenchDocuments(2).runRecord(20_000))).isNotEqualTo(ArtifactIds.ofJson(a));
    }
}
