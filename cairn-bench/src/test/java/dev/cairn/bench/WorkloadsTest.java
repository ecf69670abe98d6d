package dev.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
}
