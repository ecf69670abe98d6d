package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.contracts.RunState;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.LeaseRef;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A home whose orchestrator schema an older Cairn left at V3 (the task queue's status indexes over
 * every task) is migrated to V4 (partial indexes) and V5 ({@code tasks_ready} in grant order) on open
 * and keeps its runs: an ended run, a task in flight under a lease, a queued task.
 */
class SchemaUpgradeTest {

    @TempDir
    Path dir;

    @Test
    void aHomeAtOrchestratorSchemaV3UpgradesAndKeepsItsRunsLeasesAndQueue() throws Exception {
        try (Harness h = new Harness(dir)) {
            String ended = h.submit(LeaseProtocolTest.ONE_STEP);
            LeaseEnvelope first = LeaseProtocolTest.take(h.orchestrator.leases(), "w1", Map.of());
            h.orchestrator.leases().complete(new Completion(LeaseRef.of(first), LeaseProtocolTest.ok("w1")));
            assertThat(h.awaitEnd(ended).state()).isEqualTo(RunState.COMPLETED);
            String leased = h.submit(LeaseProtocolTest.ONE_STEP);
            LeaseEnvelope held = LeaseProtocolTest.take(h.orchestrator.leases(), "w2", Map.of());
            String queued = h.submit(LeaseProtocolTest.ONE_STEP);
            Harness.await(() -> h.orchestrator.tasks(queued).size() == 1, "the third run's task queued");
            h.orchestrator.close();

            // the database as a Cairn of orchestrator schema V3 left it
            Path file = dir.resolve("cairn.db");
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                    Statement s = c.createStatement()) {
                s.execute("DROP INDEX tasks_ready");
                s.execute("CREATE INDEX tasks_ready ON tasks (status, capability, priority, ord)");
                s.execute("DROP INDEX tasks_by_expiry");
                s.execute("CREATE INDEX tasks_by_expiry ON tasks (status, lease_expires_at)");
                s.execute("DELETE FROM schema_history_orchestrator WHERE version IN ('4', '5')");
                assertThat(indexEntries(s, "tasks_ready"))
                        .as("V3 indexes every task")
                        .isEqualTo(3);
                assertThat(indexEntries(s, "tasks_by_expiry")).isEqualTo(3);
            }

            h.open();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                    Statement s = c.createStatement()) {
                assertThat(sql(s, "tasks_ready"))
                        .contains("(status, capability, priority DESC, ord)")
                        .endsWith("WHERE status = 'queued'");
                assertThat(sql(s, "tasks_by_expiry")).endsWith("WHERE status = 'leased'");
                assertThat(indexEntries(s, "tasks_ready"))
                        .as("the queued task only")
                        .isEqualTo(1);
                assertThat(indexEntries(s, "tasks_by_expiry"))
                        .as("the leased task only")
                        .isEqualTo(1);
                try (ResultSet r = s.executeQuery(
                        "SELECT version FROM schema_history_orchestrator WHERE success ORDER BY installed_rank DESC")) {
                    assertThat(r.next()).isTrue();
                    assertThat(r.getString(1)).isEqualTo("5");
                }
            }

            assertThat(h.orchestrator.detail(ended).state()).isEqualTo(RunState.COMPLETED);
            // the lease granted before the upgrade completes its task; the queued task is granted now
            Harness.await(() -> h.orchestrator.detail(leased).steps().getFirst().attempt() == 2, "the re-attach");
            h.orchestrator.leases().complete(new Completion(LeaseRef.of(held), LeaseProtocolTest.ok("w2")));
            LeaseEnvelope next = LeaseProtocolTest.take(h.orchestrator.leases(), "w3", Map.of());
            UUID queuedTask = h.orchestrator.tasks(queued).getFirst().taskId();
            assertThat(LeaseRef.of(next).taskId()).isEqualTo(queuedTask);
            h.orchestrator.leases().complete(new Completion(LeaseRef.of(next), LeaseProtocolTest.ok("w3")));
            assertThat(h.awaitEnd(leased).state()).isEqualTo(RunState.COMPLETED);
            assertThat(h.awaitEnd(queued).state()).isEqualTo(RunState.COMPLETED);
            for (String run : new String[] {ended, leased, queued}) {
                Consistency.assertIndexMatchesLog(h.orchestrator, run);
            }
        }
    }

    @Test
    void aNewRunsIdIsAVersion7UuidOfItsCreationTime() throws Exception {
        try (Harness h = new Harness(dir)) {
            String a = h.submit(LeaseProtocolTest.ONE_STEP);
            h.clock.advance(Duration.ofMillis(5));
            String b = h.submit(LeaseProtocolTest.ONE_STEP);
            for (String run : new String[] {a, b}) {
                UUID id = UUID.fromString(run);
                assertThat(id.version()).isEqualTo(7);
                assertThat(id.getMostSignificantBits() >>> 16)
                        .isEqualTo(h.orchestrator.detail(run).createdAt().toEpochMilli());
            }
            assertThat(a).isLessThan(b);
        }
    }

    private static long indexEntries(Statement s, String index) throws SQLException {
        try (ResultSet r =
                s.executeQuery("SELECT sum(ncell) FROM dbstat WHERE name = '" + index + "' AND pagetype = 'leaf'")) {
            r.next();
            return r.getLong(1);
        }
    }

    private static String sql(Statement s, String index) throws SQLException {
        try (ResultSet r = s.executeQuery("SELECT sql FROM sqlite_schema WHERE name = '" + index + "'")) {
            assertThat(r.next()).as(index).isTrue();
            return r.getString(1);
        }
    }
}
