package dev.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.StrictJson;
import dev.cairn.json.wire.Wire;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MaskingWorkloadTest {

    @Test
    void reportsTheMaskerBesideAPlainCopyInOneJsonLine() {
        BenchSettings twice =
                BenchSettings.builder().warmupRounds(0).rounds(2).iterations(1).build();
        BenchReport report = new MaskingWorkload().run(twice);

        assertThat(report.workload()).isEqualTo("masking");
        assertThat(report.figures())
                .extracting(BenchReport.Figure::name)
                .containsExactly("mask_stream_64k", "mask_buffer", "mask_lines_64k", "scan_only");
        assertThat(report.baselines()).extracting(BenchReport.Figure::name).containsExactly("plain_copy_64k", "sha256");
        assertThat(report.figures()).allSatisfy(f -> assertThat(f.median()).isPositive());
        assertThat(report.ratios().getFirst().name()).isEqualTo("mask_stream_vs_plain_copy");
        assertThat(report.inputs().getFirst().canonicalBytes()).contains(8_000_000L);
        assertThat(report.inputs().get(1).count()).isEqualTo(10);
        assertThat(report.inputs().get(2).count()).isGreaterThan(100); // every form of every secret

        JsonNode tree = StrictJson.parse(Wire.write(report));
        assertThat(tree.get("workload").textValue()).isEqualTo("masking");
    }

    @Test
    void theSecretsAndOutputAreDeterministic() {
        Map<String, byte[]> a = MaskingWorkload.secrets(new Random(1));
        Map<String, byte[]> b = MaskingWorkload.secrets(new Random(1));
        assertThat(a.keySet()).hasSize(10).containsExactlyElementsOf(b.keySet());
        a.forEach((k, v) -> assertThat(v).isEqualTo(b.get(k)));
        assertThat(MaskingWorkload.output(new Random(2), a, 100_000))
                .isEqualTo(MaskingWorkload.output(new Random(2), a, 100_000))
                .hasSize(100_000);
    }

    @Test
    void itIsRegistered() {
        assertThat(Workloads.named("masking")).isInstanceOf(MaskingWorkload.class);
    }
}
