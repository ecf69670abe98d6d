package dev.cairn.bench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.bench.BenchReport;
import dev.cairn.bench.BenchSettings;
import dev.cairn.bench.Workload;
import dev.cairn.bench.Workloads;
import dev.cairn.json.StrictJson;
import dev.cairn.json.wire.Wire;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kernel workloads, in small sizes of the same shapes: each runs on the real stores, checks its
 * own work (runs completed, logs unchanged by resume rounds, replays verified) and reports its
 * figures, the fsync rate and its goals in one JSON line. No timing is asserted.
 */
class KernelWorkloadsTest {

    private static final BenchSettings ONE_ROUND = BenchSettings.builder()
            .warmupRounds(0)
            .rounds(2)
            .roundDuration(Duration.ofMillis(20))
            .build();

    @Test
    void theKernelWorkloadsAreRegistered() {
        assertThat(Workloads.all())
                .extracting(Workload::name)
                .contains("kernel-fanout", "kernel-chain", "resume", "replay");
    }

    @Test
    void kernelFanoutReportsTransitionsEventsCommitsAndItsGoal() {
        BenchReport report = new KernelFanoutWorkload(50, 4).run(ONE_ROUND);

        JsonNode json = oneLine(report);
        assertThat(names(json.get("figures")))
                .contains(
                        "state_transitions_per_s",
                        "events_per_s",
                        "sqlite_commits_per_s",
                        "process_cpu_us_per_transition");
        assertThat(report.figure("state_transitions_per_s").orElseThrow().median())
                .isPositive();
        // Each run appends its 10 events in one batch, and group commit shares commits between runs.
        assertThat(report.figure("events_per_sqlite_commit").orElseThrow().median())
                .isGreaterThanOrEqualTo(10);
        assertThat(json.get("goals").get(0).get("target").doubleValue()).isEqualTo(KernelFanoutWorkload.GOAL);
        assertThat(json.get("goals").get(0).get("comparison").textValue()).isEqualTo("at_least");
    }

    @Test
    void kernelChainReportsStatesPerSecondAndTheCommitsItNeeded() {
        BenchReport report = new KernelChainWorkload(300).run(ONE_ROUND);

        JsonNode json = oneLine(report);
        assertThat(report.figure("states_per_s").orElseThrow().median()).isPositive();
        // 602 events in batches of up to 1,024: one commit for the whole run.
        assertThat(report.figure("sqlite_commits_per_run").orElseThrow().median())
                .isEqualTo(1.0);
        assertThat(names(json.get("baselines"))).contains("fsync_raw", "load_average");
        assertThat(json.get("goals").get(0).get("target").doubleValue()).isEqualTo(KernelChainWorkload.GOAL);
    }

    @Test
    void resumeReachesTheFirstNewStateOfBothShapesWithoutMovingTheLogs() {
        BenchReport report = new ResumeWorkload(2_000).run(ONE_ROUND);

        JsonNode json = oneLine(report);
        assertThat(report.figure("chain_seconds_to_first_state").orElseThrow().median())
                .isPositive();
        assertThat(report.figure("domain_seconds_to_first_state").orElseThrow().median())
                .isPositive();
        assertThat(report.inputs()).anySatisfy(i -> {
            assertThat(i.name()).isEqualTo("chain_events");
            assertThat(i.count()).isEqualTo(2_000);
        });
        // The domain-heavy log is read without its operation events: almost nothing is retained.
        assertThat(report.figure("domain_retained_heap_mb").orElseThrow().median())
                .isLessThan(1.0);
        assertThat(json.get("goals")).hasSize(2);
        assertThat(json.get("goals").get(0).get("comparison").textValue()).isEqualTo("at_most");
    }

    @Test
    void replayVerifiesEveryStateAndReportsTheSnapshotCost() {
        BenchReport report = new ReplayWorkload(40).run(ONE_ROUND);

        oneLine(report);
        assertThat(report.figure("replay_events_per_s").orElseThrow().median()).isPositive();
        assertThat(report.figure("snapshot_bytes").orElseThrow().median()).isGreaterThan(ReplayWorkload.PAYLOAD_BYTES);
        assertThat(report.inputs()).anySatisfy(i -> {
            assertThat(i.name()).isEqualTo("original_events");
            assertThat(i.count()).isEqualTo(3 * 40 + 2); // entered, fact, completed per state
        });
    }

    private static JsonNode oneLine(BenchReport report) {
        String line = Wire.write(report);
        assertThat(line).doesNotContain("\n");
        JsonNode json = StrictJson.parse(line);
        assertThat(json.get("settings").get("clock").textValue()).isEqualTo("wall");
        assertThat(json.get("environment").get("cores").intValue()).isPositive();
        return json;
    }

    private static List<String> names(JsonNode figures) {
        return java.util.stream.StreamSupport.stream(figures.spliterator(), false)
                .map(f -> f.get("name").textValue())
                .toList();
    }
}
