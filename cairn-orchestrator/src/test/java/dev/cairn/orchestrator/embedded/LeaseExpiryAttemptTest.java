package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.StepState;
import dev.cairn.contracts.api.StepView;
import dev.cairn.machine.events.Event;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.LogLevel;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.LeaseService;
import dev.cairn.runner.api.lease.LogLine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lease that expires and is granted again is a new attempt of the step: the status, the log lines
 * and the task events say attempt 2, not 1.
 */
class LeaseExpiryAttemptTest {

    private static final Duration TTL = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    private static StepView work(Harness h, String runId) {
        return h.orchestrator.detail(runId).steps().getFirst();
    }

    private static void log(Harness h, LeaseService leases, LeaseEnvelope lease, String message) {
        leases.heartbeat(new Heartbeat(
                LeaseRef.of(lease),
                Optional.empty(),
                List.of(new LogLine(h.clock.nowMillis(), LogLevel.INFO, "stdout", message))));
    }

    @Test
    void aTaskReLeasedAfterItsLeaseExpiredRunsAsAttemptTwo() throws Exception {
        try (Harness h = new Harness(dir, b -> b.leaseTtl(TTL))) {
            LeaseService leases = h.orchestrator.leases();
            String runId = h.submit(LeaseProtocolTest.ONE_STEP);

            LeaseEnvelope first = LeaseProtocolTest.take(leases, "a", Map.of());
            log(h, leases, first, "from a");
            assertThat(work(h, runId).state()).isEqualTo(StepState.RUNNING);
            assertThat(work(h, runId).attempt()).isEqualTo(1);

            h.clock.advance(TTL.plusMillis(1));
            h.orchestrator.sweep();
            assertThat(work(h, runId).state()).isEqualTo(StepState.QUEUED);
            assertThat(work(h, runId).attempt()).as("not run again yet").isEqualTo(1);

            LeaseEnvelope second = LeaseProtocolTest.take(leases, "b", Map.of());
            assertThat(second.task().attempts()).contains(2L);
            assertThat(work(h, runId).state()).isEqualTo(StepState.RUNNING);
            assertThat(work(h, runId).attempt()).isEqualTo(2);
            log(h, leases, second, "from b");
            leases.complete(new Completion(LeaseRef.of(second), LeaseProtocolTest.ok("b")));
            assertThat(h.awaitEnd(runId).state()).isEqualTo(RunState.COMPLETED);

            assertThat(work(h, runId).attempt()).isEqualTo(2);
            assertThat(h.orchestrator
                            .logs(runId, Optional.empty(), 0, 10, Duration.ZERO)
                            .lines())
                    .extracting(e -> e.line().message(), e -> e.attempt())
                    .containsExactly(tuple("from a", 1), tuple("from b", 2));
            assertThat(h.orchestrator
                            .summary(runId)
                            .jobs()
                            .getFirst()
                            .results()
                            .getFirst()
                            .details()
                            .orElseThrow()
                            .path("attempts")
                            .asInt())
                    .isEqualTo(2);

            List<JsonNode> task = h.orchestrator.events(runId, 0, 1000, Duration.ZERO).stream()
                    .map(e -> e.event())
                    .filter(e -> e instanceof Event.Domain d && d.event().name().startsWith("task_lease"))
                    .map(e -> ((Event.Domain) e).event().payload())
                    .toList();
            assertThat(task)
                    .extracting(p -> p.path("lease_epoch").asLong(), p -> p.path("attempt")
                            .asInt())
                    .containsExactly(
                            tuple(1L, 1), // leased
                            tuple(1L, 1), // lease expired
                            tuple(2L, 2)); // leased again
        }
    }
}
