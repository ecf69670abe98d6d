package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.contracts.RunState;
import dev.cairn.machine.events.Event;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.LogLevel;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.LeaseException;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.LeaseService;
import dev.cairn.runner.api.lease.LogLine;
import dev.cairn.sinks.events.CairnEventTypes;
import dev.cairn.sinks.events.EventType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task, lease and cell lifecycle events in the run's log, under the names the event relay maps to
 * {@code dev.cairn.task.*.v1} and {@code dev.cairn.cell.*.v1} CloudEvents: a lease that expires, a
 * stale completion refused by fencing, the cell records a runner reports (with the secret broker's
 * correlation id), and the same events again in a replay.
 */
class LifecycleEventsTest {

    @TempDir
    Path dir;

    private static List<Event.Domain> domain(Harness h, String runId) {
        return h.orchestrator.events(runId, 0, 1000, Duration.ZERO).stream()
                .map(e -> e.event())
                .filter(e -> e instanceof Event.Domain)
                .map(e -> (Event.Domain) e)
                .toList();
    }

    @Test
    void expiryRefusalCellRecordsAndCompletionAreAppendedAsCatalogueEvents() throws Exception {
        try (Harness h = new Harness(dir)) {
            LeaseService leases = h.orchestrator.leases();
            String runId = h.submit(LeaseProtocolTest.ONE_STEP);
            LeaseEnvelope first = LeaseProtocolTest.take(leases, "a", Map.of());
            h.clock.advance(Duration.ofSeconds(31));
            h.orchestrator.sweep();
            LeaseEnvelope second = LeaseProtocolTest.take(leases, "b", Map.of());
            assertThatThrownBy(() -> leases.complete(new Completion(LeaseRef.of(first), LeaseProtocolTest.ok("a"))))
                    .isInstanceOfSatisfying(
                            LeaseException.class, e -> assertThat(e.code()).isEqualTo(LeaseException.STALE_LEASE));
            long ts = h.clock.nowMillis();
            leases.heartbeat(new Heartbeat(
                    LeaseRef.of(second),
                    Optional.empty(),
                    List.of(
                            new LogLine(
                                    ts,
                                    LogLevel.INFO,
                                    "cell",
                                    "{\"event\":\"created\",\"cell_id\":\"c-1\","
                                            + "\"backend\":\"sandbox\",\"broker_correlation_id\":\"lease-77\"}"),
                            new LogLine(ts, LogLevel.INFO, "cell", "{\"event\":\"started\",\"cell_id\":\"c-1\"}"),
                            new LogLine(ts, LogLevel.INFO, "cell", "not a record"),
                            new LogLine(
                                    ts,
                                    LogLevel.INFO,
                                    "cell",
                                    "{\"event\":\"exited\",\"cell_id\":\"c-1\"," + "\"exit_code\":0}"),
                            new LogLine(
                                    ts,
                                    LogLevel.INFO,
                                    "cell",
                                    "{\"event\":\"destroyed\",\"cell_id\":\"c-1\"," + "\"peers_tracked_after\":0}"))));
            leases.complete(new Completion(LeaseRef.of(second), LeaseProtocolTest.ok("b")));
            assertThat(h.awaitEnd(runId).state()).isEqualTo(RunState.COMPLETED);

            List<Event.Domain> events = domain(h, runId);
            List<String> names = events.stream().map(d -> d.event().name()).toList();
            assertThat(names)
                    .containsSubsequence(
                            "task_queued",
                            "task_leased",
                            "task_lease_expired",
                            "task_leased",
                            "task_completion_refused",
                            "cell_created",
                            "cell_started",
                            "cell_exited",
                            "cell_destroyed",
                            "task_completed");
            assertThat(names.stream().filter(n -> n.startsWith("cell_"))).hasSize(4);
            JsonNode created = payload(events, "cell_created");
            assertThat(created.path("broker_correlation_id").asText()).isEqualTo("lease-77");
            assertThat(created.path("cell_id").asText()).isEqualTo("c-1");
            assertThat(created.path("correlation_id").asText()).isEqualTo("lease-77");
            assertThat(created.path("step_id").asText()).isEqualTo("work");
            assertThat(payload(events, "task_completion_refused")
                            .path("lease_epoch")
                            .asLong())
                    .isEqualTo(1);
            assertThat(payload(events, "task_completion_refused")
                            .path("current_epoch")
                            .asLong())
                    .isEqualTo(2);
            assertThat(payload(events, "task_completed").path("runner").asText())
                    .isEqualTo("b");
            for (String name : names) {
                if (name.startsWith("task_") || name.startsWith("cell_") || name.equals("cache_decided")) {
                    Optional<EventType> type = CairnEventTypes.domain(name);
                    assertThat(type)
                            .as(name + " is in the CloudEvents catalogue")
                            .isPresent();
                }
            }

            String replay = h.orchestrator.replay(runId).replayRunId();
            assertThat(domain(h, replay).stream()
                            .map(d -> d.event().name())
                            .filter(n -> n.startsWith("task_") || n.startsWith("cell_"))
                            .toList())
                    .as("a replay appends the same lifecycle from the recorded result")
                    .isEqualTo(names.stream()
                            .filter(n -> n.startsWith("task_") || n.startsWith("cell_"))
                            .toList());
        }
    }

    /**
     * A task with one clean lease (renewed by a heartbeat, then completed) has its history told by
     * the queue from what it saw, not read back: it must be the history the tables hold, read by a
     * queue that saw nothing (a fresh one over the same database).
     */
    @Test
    void theHistoryOfASingleCleanLeaseIsTheOneTheTablesHold() throws Exception {
        List<Event.Domain> recorded;
        java.util.UUID taskId;
        try (Harness h = new Harness(dir)) {
            LeaseService leases = h.orchestrator.leases();
            String runId = h.submit(LeaseProtocolTest.ONE_STEP);
            LeaseEnvelope lease = LeaseProtocolTest.take(leases, "a", Map.of());
            h.clock.advance(Duration.ofSeconds(12));
            leases.heartbeat(new Heartbeat(
                    LeaseRef.of(lease),
                    Optional.empty(),
                    List.of(new LogLine(h.clock.nowMillis(), LogLevel.INFO, "stdout", "working"))));
            h.clock.advance(Duration.ofSeconds(3));
            leases.complete(new Completion(LeaseRef.of(lease), LeaseProtocolTest.ok("a")));
            assertThat(h.awaitEnd(runId).state()).isEqualTo(RunState.COMPLETED);
            recorded = domain(h, runId).stream()
                    .filter(d -> d.event().name().startsWith("task_"))
                    .toList();
            taskId = h.orchestrator.tasks(runId).getFirst().taskId();
        }
        try (dev.cairn.store.sqlite.SqliteDatabase db = dev.cairn.store.sqlite.SqliteDatabase.open(
                dev.cairn.store.sqlite.SqliteOptions.builder(dir.resolve("cairn.db"))
                        .migrationModule("orchestrator")
                        .build())) {
            TaskQueue fresh = new TaskQueue(
                    db, OrchestratorOptions.builder().home(dir).build(), new Signal(), TaskQueue.Listener.none());
            List<TaskEvent> tables = fresh.history(taskId);
            assertThat(recorded.stream().map(d -> d.event().name()).toList())
                    .containsExactly("task_queued", "task_leased", "task_completed");
            assertThat(recorded.stream()
                            .map(d -> new TaskEvent(
                                    d.event().name(), reread(d.event().payload())))
                            .toList())
                    .isEqualTo(tables.stream()
                            .map(e -> new TaskEvent(e.name(), reread(e.payload())))
                            .toList());
            assertThat(tables.get(1).payload().path("lease_expires_at").asText())
                    .as("the expiry the heartbeat renewed")
                    .isEqualTo(java.time.Instant.ofEpochMilli(
                                    tables.get(2).payload().path("ts_millis").asLong() - 3_000 + 30_000)
                            .toString());
        }
    }

    @Test
    void aCellWhoseSetupFailedIsACellFailedEventWithTheReason() throws Exception {
        try (Harness h = new Harness(dir)) {
            LeaseService leases = h.orchestrator.leases();
            String runId = h.submit(LeaseProtocolTest.ONE_STEP);
            LeaseEnvelope lease = LeaseProtocolTest.take(leases, "a", Map.of());
            long ts = h.clock.nowMillis();
            // what CellCommandExecutor reports when the cells runtime moves a cell to FAILED
            leases.heartbeat(new Heartbeat(
                    LeaseRef.of(lease),
                    Optional.empty(),
                    List.of(
                            new LogLine(ts, LogLevel.INFO, "cell", "{\"event\":\"created\",\"cell_id\":\"c-9\"}"),
                            new LogLine(
                                    ts,
                                    LogLevel.INFO,
                                    "cell",
                                    "{\"event\":\"failed\",\"cell_id\":\"c-9\",\"from\":\"created\","
                                            + "\"state\":\"failed\",\"detail\":\"spawn failed: bwrap: no permission\"}"),
                            new LogLine(
                                    ts,
                                    LogLevel.INFO,
                                    "cell",
                                    "{\"event\":\"destroyed\",\"cell_id\":\"c-9\",\"peers_tracked_after\":0}"))));
            leases.complete(new Completion(
                    LeaseRef.of(lease),
                    new dev.cairn.runner.api.lease.TaskOutcome.Failed(
                            "cell_setup_failed", "step work: spawn failed: bwrap: no permission", false)));
            assertThat(h.awaitEnd(runId).state()).isEqualTo(RunState.FAILED);

            List<Event.Domain> events = domain(h, runId);
            List<String> names = events.stream().map(d -> d.event().name()).toList();
            assertThat(names).containsSubsequence("cell_created", "cell_failed", "cell_destroyed", "task_failed");
            JsonNode failed = payload(events, "cell_failed");
            assertThat(failed.path("cell_id").asText()).isEqualTo("c-9");
            assertThat(failed.path("reason").asText()).isEqualTo("spawn failed: bwrap: no permission");
            assertThat(failed.path("step_id").asText()).isEqualTo("work");
            assertThat(CairnEventTypes.domain("cell_failed").orElseThrow().type())
                    .isEqualTo(CairnEventTypes.CELL_FAILED)
                    .isEqualTo("dev.cairn.cell.failed.v1");
        }
    }

    /** The JSON as text and back: number node types no longer tell where it came from. */
    private static JsonNode reread(JsonNode json) {
        return dev.cairn.json.wire.Wire.read(json.toString(), JsonNode.class);
    }

    private static JsonNode payload(List<Event.Domain> events, String name) {
        return events.stream()
                .filter(d -> d.event().name().equals(name))
                .findFirst()
                .orElseThrow()
                .event()
                .payload();
    }
}
