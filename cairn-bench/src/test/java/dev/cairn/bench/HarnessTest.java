package dev.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.bench.Harness.Measurement;
import dev.cairn.bench.Harness.Round;
import dev.cairn.bench.Harness.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HarnessTest {

    @Test
    void iterationsModeRunsExactlyThatManyOperationsPerRoundInTurns() {
        BenchSettings settings =
                BenchSettings.builder().warmupRounds(2).rounds(3).iterations(5).build();
        List<String> calls = new ArrayList<>();
        Harness harness = new Harness(settings);
        List<Measurement> result = harness.measure(List.of(
                new Task("a", () -> {
                    calls.add("a");
                    return 1;
                }),
                new Task("b", () -> {
                    calls.add("b");
                    return 2;
                })));
        assertThat(calls).hasSize((2 + 3) * 5 * 2);
        // Tasks take turns round by round: a×5, b×5, a×5, ...
        assertThat(calls.subList(0, 10)).containsExactly("a", "a", "a", "a", "a", "b", "b", "b", "b", "b");
        assertThat(result).extracting(Measurement::task).containsExactly("a", "b");
        assertThat(result.getFirst().rounds()).hasSize(3).allSatisfy(r -> assertThat(r.operations())
                .isEqualTo(5));
        assertThat(harness.sink()).isEqualTo(25 * 1 + 25 * 2);
        assertThat(harness.clock()).isIn("thread_cpu", "wall");
    }

    @Test
    void durationModeRunsAtLeastOneOperationPerRound() {
        BenchSettings settings = BenchSettings.builder()
                .warmupRounds(0)
                .rounds(2)
                .roundDuration(Duration.ofMillis(1))
                .build();
        List<Measurement> result = new Harness(settings).measure(List.of(new Task("x", () -> 0)));
        assertThat(result.getFirst().rounds()).hasSize(2).allSatisfy(r -> assertThat(r.operations())
                .isPositive());
    }

    @Test
    void figuresAreMedianMinAndMaxOfRoundThroughputs() {
        // 10, 40 and 20 operations per second; 2 units per operation.
        Measurement m = new Measurement(
                "t",
                List.of(new Round(10, 1_000_000_000L), new Round(40, 1_000_000_000L), new Round(10, 500_000_000L)));
        BenchReport.Figure f = m.figure("t_rate", "units/s", 2);
        assertThat(f.median()).isEqualTo(40.0);
        assertThat(f.min()).isEqualTo(20.0);
        assertThat(f.max()).isEqualTo(80.0);
        assertThat(f.rounds()).isEqualTo(3);
        assertThat(Harness.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }

    @Test
    void ratiosAreJudgedAgainstTheirGoal() {
        BenchReport.Figure fast = new BenchReport.Figure("fast", "MB/s", 1000, 900, 1100, 3);
        BenchReport.Figure slow = new BenchReport.Figure("slow", "MB/s", 250, 200, 300, 3);
        BenchReport.Ratio r = BenchReport.Ratio.of("slow_vs_fast", slow, fast, java.util.Optional.of(0.3));
        assertThat(r.value()).isEqualTo(0.25);
        assertThat(r.met()).contains(false);
        assertThat(BenchReport.Ratio.of("x", fast, slow, java.util.Optional.empty())
                        .met())
                .isEmpty();
        assertThat(BenchReport.round(123456.789)).isEqualTo(123500.0);
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> BenchSettings.builder().rounds(0).build())
                .isInstanceOfSatisfying(
                        BenchException.class, e -> assertThat(e.code()).isEqualTo("invalid_settings"));
        assertThatThrownBy(() -> BenchSettings.builder().warmupRounds(-1).build())
                .isInstanceOf(BenchException.class);
        assertThatThrownBy(() -> BenchSettings.builder().iterations(-1).build()).isInstanceOf(BenchException.class);
        assertThatThrownBy(() ->
                        BenchSettings.builder().roundDuration(Duration.ZERO).build())
                .isInstanceOf(BenchException.class)
                .hasMessageContaining("round duration");
    }
}
