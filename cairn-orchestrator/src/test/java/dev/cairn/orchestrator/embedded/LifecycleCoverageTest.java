package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.LeaseService;
import dev.cairn.runner.api.lease.TaskOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every move of the task and lease transition tables is made by some scenario (STYLE rule 4). */
class LifecycleCoverageTest {

    @TempDir
    Path dir;

    @Test
    void everyTaskAndLeaseMoveIsExercised() throws Exception {
        try (Harness h = new Harness(dir, b -> b.timeoutGrace(Duration.ZERO).maxLeaseAttempts(5))) {
            LeaseService leases = h.orchestrator.leases();

            // QUEUED -> LEASED -> SUCCEEDED; ACTIVE -> COMPLETED
            String succeeded = h.submit(LeaseProtocolTest.ONE_STEP);
            LeaseEnvelope a = LeaseProtocolTest.take(leases, "w", Map.of());
            leases.complete(new Completion(LeaseRef.of(a), LeaseProtocolTest.ok("w")));
            h.awaitEnd(succeeded);

            // LEASED -> QUEUED (ACTIVE -> EXPIRED), then LEASED -> FAILED by its runner
            String failed = h.submit(LeaseProtocolTest.ONE_STEP);
            LeaseProtocolTest.take(leases, "w", Map.of());
            h.clock.advance(Duration.ofSeconds(31));
            h.orchestrator.sweep();
            LeaseEnvelope b = LeaseProtocolTest.take(leases, "w", Map.of());
            leases.complete(new Completion(LeaseRef.of(b), new TaskOutcome.Failed("runner_failed", "no", false)));
            h.awaitEnd(failed);

            // LEASED -> CANCELLED by its runner after the cancel reached it
            String cancelled = h.submit(LeaseProtocolTest.ONE_STEP);
            LeaseEnvelope c = LeaseProtocolTest.take(leases, "w", Map.of());
            h.orchestrator.cancel(cancelled);
            assertThat(leases.heartbeat(new Heartbeat(LeaseRef.of(c), Optional.empty(), List.of()))
                            .cancel())
                    .isTrue();
            leases.complete(new Completion(LeaseRef.of(c), new TaskOutcome.Cancelled()));
            h.awaitEnd(cancelled);

            // QUEUED -> CANCELLED
            String waiting = h.submit(LeaseProtocolTest.ONE_STEP);
            Harness.await(() -> h.orchestrator.tasks(waiting).size() == 1, "the task");
            h.orchestrator.cancel(waiting);
            h.awaitEnd(waiting);

            // LEASED -> FAILED by the orchestrator, ACTIVE -> REVOKED (the step's timeout)
            String slow = h.submit(
                    """
                    op: slow
                    steps:
                      - id: slow
                        capability: /test/work/v1
                        timeout: 1s
                    """);
            LeaseProtocolTest.take(leases, "w", Map.of());
            h.clock.advance(Duration.ofSeconds(2));
            h.orchestrator.sweep();
            h.awaitEnd(slow);

            assertThat(h.taskMoves).containsExactlyInAnyOrderElementsOf(TaskStatus.TABLE.moves());
            assertThat(h.leaseMoves).containsExactlyInAnyOrderElementsOf(LeaseStatus.TABLE.moves());
        }
    }
}
