package dev.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.bench.stack.SubmitLatencyWorkload;
import org.junit.jupiter.api.Test;

class WorkloadsTest {

    @Test
    void workloadsAreFoundByServiceLoader() {
        assertThat(Workloads.all()).extracting(Workload::name).contains("canonical-hash");
        assertThat(Workloads.named("canonical-hash")).isInstanceOf(CanonicalHashWorkload.class);
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        BenchException e = catchThrowableOfType(BenchException.class, () -> Workloads.named("canonical-hsh"));
        assertThat(e.code()).isEqualTo("unknown_workload");
        assertThat(e.getMessage()).contains("canonical-hsh", "canonical-hash");
        assertThat(e.hint()).contains("cairn bench list");
    }

    @Test
    void thePlanSaysHowEachWorkloadReadsTheSettings() {
        BenchSettings timed = BenchSettings.builder().build();
        assertThat(Workloads.named("canonical-hash").plan(timed))
                .isEqualTo(timed.warmupRounds() + " warm-up and " + timed.rounds() + " recorded rounds per task, "
                        + timed.roundDuration().toMillis() + " ms each");
        BenchSettings counted = BenchSettings.builder().iterations(50).build();
        assertThat(Workloads.named("canonical-hash").plan(counted)).endsWith(", 50 operations each");
        // submit-latency counts samples: WARMUPS_PER_ROUND warm-up samples a round (at most
        // --iterations), --iterations (else 30) per recorded round
        assertThat(Workloads.named("submit-latency").plan(counted))
                .isEqualTo(counted.warmupRounds() * 50 + " warm-up and " + counted.rounds() * 50
                        + " recorded samples per variant, one run in flight");
        assertThat(Workloads.named("submit-latency")
                        .plan(BenchSettings.builder().iterations(20).build()))
                .startsWith(counted.warmupRounds() * 20 + " warm-up and ");
        assertThat(Workloads.named("submit-latency")
                        .plan(BenchSettings.builder().iterations(5_000).build()))
                .startsWith(counted.warmupRounds() * SubmitLatencyWorkload.WARMUPS_PER_ROUND + " warm-up and ");
        // when samples are not counted, the warm-up goes on until the JIT settles
        assertThat(Workloads.named("submit-latency").plan(timed))
                .isEqualTo("at least " + timed.warmupRounds() * SubmitLatencyWorkload.WARMUPS_PER_ROUND
                        + " warm-up samples, until the JIT settles (at most "
                        + SubmitLatencyWorkload.WARM_UP_MAXIMUM.toSeconds() + " s), and "
                        + timed.rounds() * 30 + " recorded samples per variant, one run in flight");
        // tasks warms each configuration until the JIT settles when rounds are timed, not when counted
        assertThat(Workloads.named("tasks").plan(timed)).contains("until the JIT settles");
        assertThat(Workloads.named("tasks").plan(counted))
                .startsWith(counted.warmupRounds() + " warm-up rounds, then ")
                .doesNotContain("JIT");
    }
}
