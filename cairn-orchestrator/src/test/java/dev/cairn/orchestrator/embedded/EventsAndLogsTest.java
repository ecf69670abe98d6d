package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.LogEntry;
import dev.cairn.contracts.api.LogPage;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.orchestrator.OrchestratorException;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Long polls: a waiting reader gets the log lines and events that become durable while it waits. */
class EventsAndLogsTest {

    @TempDir
    Path dir;

    @Test
    void aLogReaderWaitingForLinesGetsThoseTheNextHeartbeatCarries() throws Exception {
        try (Harness h = new Harness(dir);
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            LeaseService leases = h.orchestrator.leases();
            String runId = h.submit(LeaseProtocolTest.ONE_STEP);
            LeaseEnvelope lease = LeaseProtocolTest.take(leases, "w", Map.of());
            LeaseRef ref = LeaseRef.of(lease);

            Future<LogPage> waiting =
                    threads.submit(() -> h.orchestrator.logs(runId, Optional.empty(), 0, 100, Duration.ofSeconds(60)));
            Future<LogPage> waitingForStep = threads.submit(
                    () -> h.orchestrator.logs(runId, Optional.of("work"), 0, 100, Duration.ofSeconds(60)));
            leases.heartbeat(new Heartbeat(
                    ref,
                    Optional.empty(),
                    List.of(
                            new LogLine(10, LogLevel.INFO, "stdout", "first"),
                            new LogLine(11, LogLevel.WARN, "stderr", "second"))));

            LogPage page = waiting.get();
            assertThat(page.lines()).extracting(e -> e.line().message()).containsExactly("first", "second");
            assertThat(page.lines()).extracting(LogEntry::stepId).containsOnly("work");
            assertThat(page.lines()).extracting(LogEntry::attempt).containsOnly(1);
            assertThat(page.lines().get(1).line().level()).isEqualTo(LogLevel.WARN);
            assertThat(page.lines().get(1).line().stream()).isEqualTo("stderr");
            assertThat(page.nextCursor()).isEqualTo(page.lines().getLast().cursor());
            assertThat(page.lines().getFirst().cursor()).isLessThan(page.nextCursor());
            assertThat(waitingForStep.get().lines()).hasSize(2);

            LogPage none = h.orchestrator.logs(runId, Optional.of("work"), page.nextCursor(), 100, Duration.ZERO);
            assertThat(none.lines()).isEmpty();
            assertThat(none.nextCursor()).isEqualTo(page.nextCursor());
            LogPage paged = h.orchestrator.logs(runId, Optional.empty(), 0, 1, Duration.ZERO);
            assertThat(paged.lines()).extracting(e -> e.line().message()).containsExactly("first");
            assertThat(h.orchestrator
                            .logs(runId, Optional.empty(), paged.nextCursor(), 1, Duration.ZERO)
                            .lines())
                    .extracting(e -> e.line().message())
                    .containsExactly("second");

            assertThatThrownBy(() -> h.orchestrator.logs(runId, Optional.of("wrok"), 0, 10, Duration.ZERO))
                    .isInstanceOfSatisfying(OrchestratorException.class, e -> {
                        assertThat(e.code()).isEqualTo("step_not_found");
                        assertThat(e.hint()).contains("work");
                    });

            leases.complete(new Completion(ref, LeaseProtocolTest.ok("w")));
            h.awaitEnd(runId);
            LogPage after = h.orchestrator.logs(runId, Optional.empty(), page.nextCursor(), 10, Duration.ofSeconds(60));
            assertThat(after.lines())
                    .as("a finished run's log does not make readers wait")
                    .isEmpty();
        }
    }

    @Test
    void anEventReaderWaitingAfterTheHeadGetsTheEventsAppendedWhileItWaits() throws Exception {
        try (Harness h = new Harness(dir);
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            LeaseService leases = h.orchestrator.leases();
            String runId = h.submit(LeaseProtocolTest.ONE_STEP);
            LeaseEnvelope lease = LeaseProtocolTest.take(leases, "w", Map.of());
            List<EventEnvelope> sofar = h.orchestrator.events(runId, 0, 1000, Duration.ZERO);
            assertThat(sofar).isNotEmpty();
            long head = sofar.getLast().seq();

            Future<List<EventEnvelope>> waiting =
                    threads.submit(() -> h.orchestrator.events(runId, head, 1000, Duration.ofSeconds(60)));
            leases.complete(new Completion(LeaseRef.of(lease), LeaseProtocolTest.ok("w")));

            List<EventEnvelope> more = waiting.get();
            assertThat(more).isNotEmpty();
            assertThat(more.getFirst().seq()).isEqualTo(head + 1);
            h.awaitEnd(runId);
            long end = h.orchestrator.detail(runId).headSeq();
            assertThat(h.orchestrator.events(runId, end, 10, Duration.ofSeconds(60)))
                    .as("a finished run has no more events to wait for")
                    .isEmpty();
            assertThat(h.orchestrator.events(runId, 0, 2, Duration.ZERO))
                    .extracting(EventEnvelope::seq)
                    .containsExactly(1L, 2L);
        }
    }

    @Test
    void aWaiterForARunsEndGetsItsTerminalStatusOnceTheLastTaskCompletes() throws Exception {
        try (Harness h = new Harness(dir);
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            LeaseService leases = h.orchestrator.leases();
            String runId = h.submit(LeaseProtocolTest.ONE_STEP);
            LeaseEnvelope lease = LeaseProtocolTest.take(leases, "w", Map.of());
            RunState running = h.orchestrator.awaitEnd(runId, Duration.ofMillis(50));
            assertThat(running)
                    .as("a wait that runs out answers with the run's state as it is")
                    .isEqualTo(RunState.RUNNING)
                    .isEqualTo(h.orchestrator.status(runId).state());

            Future<RunState> waiting = threads.submit(() -> h.orchestrator.awaitEnd(runId, Duration.ofSeconds(60)));
            leases.complete(new Completion(LeaseRef.of(lease), LeaseProtocolTest.ok("w")));

            assertThat(waiting.get()).isEqualTo(RunState.COMPLETED);
            assertThat(h.orchestrator.status(runId).completedJobs()).isEqualTo(1);
            assertThat(h.orchestrator
                            .events(runId, 0, 1000, Duration.ZERO)
                            .getLast()
                            .event()
                            .toString())
                    .as("the end was answered after the run's last event, not before")
                    .contains("RunCompleted");
            assertThat(h.orchestrator.awaitEnd(runId, Duration.ZERO))
                    .as("an ended run answers at once")
                    .isEqualTo(RunState.COMPLETED);
        }
    }

    @Test
    void readersOfUnknownRunsAndBadPagesGetTypedErrors() throws Exception {
        try (Harness h = new Harness(dir)) {
            String unknown = "6a1f1b8e-2d3c-4e5f-8a9b-0c1d2e3f4a5b";
            assertThatThrownBy(() -> h.orchestrator.events(unknown, 0, 10, Duration.ZERO))
                    .isInstanceOfSatisfying(OrchestratorException.class, e -> assertThat(e.code())
                            .isEqualTo("run_not_found"));
            assertThatThrownBy(() -> h.orchestrator.logs(unknown, Optional.empty(), 0, 10, Duration.ZERO))
                    .isInstanceOfSatisfying(OrchestratorException.class, e -> assertThat(e.code())
                            .isEqualTo("run_not_found"));
            String runId = h.submit(LeaseProtocolTest.ONE_STEP);
            assertThatThrownBy(() -> h.orchestrator.events(runId, -1, 10, Duration.ZERO))
                    .isInstanceOfSatisfying(OrchestratorException.class, e -> assertThat(e.code())
                            .isEqualTo("invalid_request"));
            assertThatThrownBy(() -> h.orchestrator.logs(runId, Optional.empty(), 0, 0, Duration.ZERO))
                    .isInstanceOfSatisfying(OrchestratorException.class, e -> assertThat(e.code())
                            .isEqualTo("invalid_request"));
            assertThatThrownBy(() -> h.orchestrator.awaitEnd(unknown, Duration.ZERO))
                    .isInstanceOfSatisfying(OrchestratorException.class, e -> assertThat(e.code())
                            .isEqualTo("run_not_found"));
            assertThatThrownBy(() -> h.orchestrator.awaitEnd(runId, Duration.ofMillis(-1)))
                    .isInstanceOfSatisfying(OrchestratorException.class, e -> assertThat(e.code())
                            .isEqualTo("invalid_request"));
            assertThatThrownBy(() -> h.orchestrator.events(runId, 0, 10, Duration.ofMinutes(5)))
                    .isInstanceOfSatisfying(OrchestratorException.class, e -> assertThat(e.code())
                            .isEqualTo("invalid_request"));
        }
    }
}
