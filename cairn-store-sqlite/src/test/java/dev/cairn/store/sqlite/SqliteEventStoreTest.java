package dev.cairn.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.StorageError;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.RunId;
import dev.cairn.testkit.contract.SampleEvents;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the SQLite event store does beyond the port: filters, migrations, refusals, corruption. */
class SqliteEventStoreTest {

    @TempDir
    Path dir;

    private final Random random = new Random(11);

    @Test
    void filtersSelectEventsByKindAndNameBeforeDecoding() {
        try (SqliteEventStore store = SqliteEventStore.open(dir.resolve("events.db"))) {
            RunId run = SampleEvents.runId(random);
            List<EventEnvelope> all = SampleEvents.envelopes(run, 1, 30);
            store.append(run, 0, all);
            List<EventEnvelope> kernel =
                    all.stream().filter(e -> e.event() instanceof Event.Kernel).toList();
            List<EventEnvelope> progress = all.stream()
                    .filter(e -> e.event() instanceof Event.Domain d
                            && d.event().name().equals("sample_progress"))
                    .toList();

            assertThat(store.readRange(run, 0, Optional.empty(), 100, EventFilter.KERNEL))
                    .containsExactlyElementsOf(kernel);
            assertThat(store.readRange(run, 0, Optional.empty(), 100, EventFilter.domain(Set.of("sample_progress"))))
                    .containsExactlyElementsOf(progress);
            assertThat(store.readRange(run, 0, Optional.empty(), 100, EventFilter.kernelAnd(Set.of("sample_progress"))))
                    .containsExactlyElementsOf(all.stream()
                            .filter(e -> kernel.contains(e) || progress.contains(e))
                            .toList());
            assertThat(store.readRange(run, 0, Optional.empty(), 100, EventFilter.domain(Set.of())))
                    .isEmpty();
            assertThat(store.readRange(run, 0, Optional.empty(), 100, new EventFilter(false, true, Set.of())))
                    .hasSize(all.size() - kernel.size());
            assertThat(store.stream(run, 0, 3, EventFilter.KERNEL)).containsExactlyElementsOf(kernel);
            assertThat(store.stream(run, 10, 2, EventFilter.KERNEL))
                    .containsExactlyElementsOf(
                            kernel.stream().filter(e -> e.seq() >= 10).toList());
        }
    }

    @Test
    void streamsReadAheadInRangesUpToTheHeadTheyStartedAt() {
        try (SqliteEventStore store = SqliteEventStore.open(dir.resolve("events.db"))) {
            RunId run = SampleEvents.runId(random);
            // Ranges of 5 seqs: whole ranges hold no domain event at all (seq 20..29 are kernel events).
            List<EventEnvelope> all = new java.util.ArrayList<>(SampleEvents.envelopes(run, 1, 19));
            for (long seq = 20; seq < 30; seq++) {
                all.add(EventEnvelope.kernel(
                        run,
                        seq,
                        new dev.cairn.machine.events.KernelEvent.RunCompleted(
                                dev.cairn.machine.events.RunStatus.COMPLETED, Optional.empty())));
            }
            all.addAll(SampleEvents.envelopes(run, 30, 31));
            store.append(run, 0, all);
            EventFilter domain = new EventFilter(false, true, Set.of());

            assertThat(store.stream(run, 0, 5)).containsExactlyElementsOf(all);
            assertThat(store.stream(run, 3, 1)).containsExactlyElementsOf(all.subList(2, all.size()));
            assertThat(store.stream(run, 0, 5, domain))
                    .containsExactlyElementsOf(all.stream()
                            .filter(e -> e.event() instanceof Event.Domain)
                            .toList());

            // Appends after a stream began are not read by it; closing it half-way leaves the store usable.
            try (var stream = store.stream(run, 0, 4)) {
                var it = stream.iterator();
                assertThat(it.next()).isEqualTo(all.getFirst());
                store.append(run, all.size(), SampleEvents.envelopes(run, all.size() + 1, 3));
                int rest = 0;
                while (it.hasNext()) {
                    it.next();
                    rest++;
                }
                assertThat(rest).isEqualTo(all.size() - 1);
            }
            try (var stream = store.stream(run, 0, 2)) {
                assertThat(stream.limit(3)).hasSize(3);
            }
            assertThat(store.stream(run, 0, 7)).hasSize(all.size() + 3);
            assertThat(store.stream(run, all.size() + 4, 7)).isEmpty();
        }
    }

    @Test
    void aStoreCreatedAtSchemaVersion1IsMigratedAndItsEventsRead() throws Exception {
        Path file = dir.resolve("old.db");
        RunId run = SampleEvents.runId(random);
        List<EventEnvelope> events = SampleEvents.envelopes(run, 1, 21);
        // the store as the Cairn of schema version 1 left it: V1 tables, rows without kind and name
        Flyway.configure()
                .dataSource("jdbc:sqlite:" + file, null, null)
                .locations("classpath:db/sqlite/events")
                .table("schema_history_events")
                .target("1")
                .load()
                .migrate();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA application_id = " + SqliteDatabase.APPLICATION_ID);
            }
            try (PreparedStatement insert =
                    c.prepareStatement("INSERT INTO events (run_id, seq, ts_millis, body) VALUES (?, ?, ?, ?)")) {
                for (EventEnvelope e : events) {
                    insert.setString(1, run.toString());
                    insert.setLong(2, e.seq());
                    insert.setObject(3, e.tsMillis().orElse(null));
                    insert.setString(4, Wire.write(e.event()));
                    insert.executeUpdate();
                }
            }
        }

        try (SqliteEventStore store = SqliteEventStore.open(file)) {
            assertThat(store.readRange(run, 0, Optional.empty())).containsExactlyElementsOf(events);
            assertThat(store.readRange(run, 0, Optional.empty(), 100, EventFilter.KERNEL))
                    .containsExactlyElementsOf(events.stream()
                            .filter(e -> e.event() instanceof Event.Kernel)
                            .toList());
            assertThat(store.readRange(run, 0, Optional.empty(), 100, EventFilter.domain(Set.of("sample_blob"))))
                    .extracting(EventEnvelope::seq)
                    .containsExactly(6L, 13L, 20L);
            assertThat(store.database()
                            .<List<String>>read(r -> r.query(
                                    "SELECT version FROM schema_history_events WHERE success ORDER BY installed_rank",
                                    row -> row.getString(1))))
                    .containsExactly("1", "2", "3");
            assertThat(store.append(run, 21, SampleEvents.envelopes(run, 22, 1)))
                    .isEqualTo(22);
        }
    }

    @Test
    void aStoreMigratedByANewerCairnIsRefusedUntouched() throws Exception {
        Path file = dir.resolve("newer.db");
        SqliteEventStore.open(file).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_history_events (installed_rank, version, description, type, script,"
                    + " checksum, installed_by, execution_time, success)"
                    + " VALUES (100, '99', 'from the future', 'SQL', 'V99__from_the_future.sql', 0, 'later', 0, 1)");
        }

        assertThatThrownBy(() -> SqliteEventStore.open(file)).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.code()).isEqualTo("store_incompatible");
            assertThat(e.getMessage())
                    .contains("newer Cairn")
                    .contains("version 99")
                    .contains("up to 3");
            assertThat(e.hint()).contains("newer one");
        });
        assertThat(count(file, "SELECT count(*) FROM schema_history_events")).isEqualTo(4);
    }

    @Test
    void aSqliteFileOfAnotherProgramIsRefusedUntouched() throws Exception {
        Path file = dir.resolve("theirs.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (text TEXT)");
        }

        assertThatThrownBy(() -> SqliteEventStore.open(file)).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.code()).isEqualTo("store_incompatible");
            assertThat(e.getMessage()).contains("another program");
        });
        assertThat(count(file, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'schema_history%'"))
                .isZero();
    }

    @Test
    void aSecondOpenInTheSameProcessIsRefused() {
        Path file = dir.resolve("events.db");
        try (SqliteEventStore store = SqliteEventStore.open(file)) {
            assertThatThrownBy(() -> SqliteEventStore.open(file)).isInstanceOfSatisfying(StorageException.class, e -> {
                assertThat(e.code()).isEqualTo("store_locked");
                assertThat(e.getMessage()).contains("this process");
            });
            RunId run = SampleEvents.runId(random);
            assertThat(store.append(run, 0, SampleEvents.envelopes(run, 1, 1))).isEqualTo(1);
        }
        SqliteEventStore.open(file).close(); // the lock went with the first store
    }

    @Test
    void storesShareADatabaseWithoutOwningIt() {
        try (SqliteDatabase db = SqliteDatabase.open(
                SqliteOptions.builder(dir.resolve("shared.db")).build())) {
            RunId run = SampleEvents.runId(random);
            SqliteEventStore first = new SqliteEventStore(db);
            SqliteEventStore second = new SqliteEventStore(db);
            first.append(run, 0, SampleEvents.envelopes(run, 1, 2));
            first.close(); // does not close the shared database

            assertThat(second.headSeq(run)).isEqualTo(2);
            assertThat(second.database()).isSameAs(db);
        }
    }

    @Test
    void anUndecodableEventIsCorruptionNamingItsPlace() {
        try (SqliteEventStore store = SqliteEventStore.open(dir.resolve("events.db"))) {
            RunId run = SampleEvents.runId(random);
            store.append(run, 0, SampleEvents.envelopes(run, 1, 3));
            store.database()
                    .write(tx -> tx.update(
                            "UPDATE events SET body = ? WHERE run_id = ? AND seq = 2",
                            "{\"Kernel\":{\"NoSuchEvent\":{}}}",
                            run.toString()));

            assertThat(store.readRange(run, 1, Optional.of(1L))).hasSize(1);
            assertThatThrownBy(() -> store.readRange(run, 0, Optional.empty()))
                    .isInstanceOfSatisfying(StorageException.class, e -> {
                        assertThat(e.error()).isInstanceOf(StorageError.Corruption.class);
                        assertThat(e.code()).isEqualTo("event_corrupt");
                        assertThat(e.getMessage())
                                .contains("event 2 of run " + run)
                                .contains("NoSuchEvent");
                    });
        }
    }

    @Test
    void eventsAreStoredAsReadableRows() {
        try (SqliteEventStore store = SqliteEventStore.open(dir.resolve("events.db"))) {
            RunId run = SampleEvents.runId(random);
            List<EventEnvelope> events = SampleEvents.envelopes(run, 1, 7);
            store.append(run, 0, events);

            List<String> rows = store.database()
                    .read(r -> r.query(
                            "SELECT seq, kind, name, ts_millis, body FROM events WHERE run_id = ? ORDER BY pos",
                            row -> row.getLong(1) + " " + row.getString(2) + " " + row.getString(3) + " "
                                    + (row.isNull(4) ? "-" : row.getLong(4)) + " " + row.getString(5),
                            run.toString()));

            assertThat(rows).hasSize(7);
            assertThat(rows.get(0))
                    .isEqualTo("1 kernel StateEntered - "
                            + Wire.write(events.get(0).event()));
            assertThat(rows.get(2)).startsWith("3 kernel StateFailed 1767225600003 {\"Kernel\":{\"StateFailed\":");
            assertThat(rows.get(4)).startsWith("5 domain sample_progress - {\"Domain\":");
        }
    }

    private static long count(Path file, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement();
                ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
