package dev.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.StrictJson;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.RunId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventsWorkloadTest {

    @Test
    void reportsThroughputAgainstTheBaselineAndLagPercentilesOrSaysWhyNatsWasSkipped() {
        BenchSettings small =
                BenchSettings.builder().warmupRounds(0).rounds(2).iterations(64).build();
        BenchReport report = new EventsWorkload().run(small);

        assertThat(report.workload()).isEqualTo("events");
        assertThat(report.settings().clock()).isEqualTo("wall");
        assertThat(report.inputs().getFirst().count()).isEqualTo(64); // two runs of 32
        assertThat(report.inputs().getFirst().canonicalBytes())
                .hasValueSatisfying(b -> assertThat(b).isGreaterThan(64 * 300L));
        assertThat(report.baselines()).extracting(BenchReport.Figure::name).containsExactly("events_read_encode");
        boolean nats = NatsProcess.executable().isPresent();
        List<String> expected = nats
                ? List.of(
                        "events_to_jsonl",
                        "events_to_nats",
                        "lag_p50_jsonl",
                        "lag_p99_jsonl",
                        "lag_p50_nats",
                        "lag_p99_nats")
                : List.of("events_to_jsonl", "lag_p50_jsonl", "lag_p99_jsonl");
        assertThat(report.figures()).extracting(BenchReport.Figure::name).containsExactlyElementsOf(expected);
        assertThat(report.figures()).allSatisfy(f -> assertThat(f.rounds()).isEqualTo(2));
        assertThat(report.figure("events_to_jsonl").orElseThrow().median()).isPositive();
        assertThat(report.figure("lag_p99_jsonl").orElseThrow().median())
                .isGreaterThanOrEqualTo(
                        report.figure("lag_p50_jsonl").orElseThrow().median());
        if (nats) {
            assertThat(report.notes()).isEmpty();
        } else {
            assertThat(report.notes()).anySatisfy(n -> assertThat(n).contains("nats skipped"));
        }
        JsonNode line = StrictJson.parse(Wire.write(report));
        assertThat(line.get("notes").isArray()).isTrue();
        assertThat(line.get("ratios").get(0).get("name").textValue()).isEqualTo("events_to_jsonl_vs_read_encode");
    }

    @Test
    void percentilesUseTheNearestRankAndRunsHaveTheirShape() {
        double[] values = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};
        assertThat(EventsWorkload.percentile(values, 0.5)).isEqualTo(5);
        assertThat(EventsWorkload.percentile(values, 0.99)).isEqualTo(10);
        assertThat(EventsWorkload.percentile(new double[] {3}, 0.99)).isEqualTo(3);
        List<EventEnvelope> run = EventsWorkload.runEvents(new RunId(new UUID(1, 2)), 10);
        assertThat(run).hasSize(32);
        assertThat(run).extracting(EventEnvelope::seq).startsWith(1L, 2L, 3L).endsWith(32L);
    }

    @Test
    void theWorkloadIsRegistered() {
        assertThat(Workloads.named("events")).isInstanceOf(EventsWorkload.class);
    }
}
