package dev.cairn.sinks.support;

import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.RunId;
import dev.cairn.sinks.delivery.EventRelay;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteEventStore;
import dev.cairn.store.sqlite.SqliteOptions;
import java.nio.file.Path;
import java.util.List;

/** A real SQLite event log with the sink tables, for tests. */
public final class TestLog implements AutoCloseable {

    private final SqliteDatabase db;
    private final SqliteEventStore store;

    private TestLog(SqliteDatabase db) {
        this.db = db;
        this.store = new SqliteEventStore(db);
    }

    public static TestLog open(Path file) {
        return new TestLog(SqliteDatabase.open(SqliteOptions.builder(file)
                .migrationModule(EventRelay.MIGRATION_MODULE)
                .build()));
    }

    public SqliteDatabase db() {
        return db;
    }

    public SqliteEventStore store() {
        return store;
    }

    /** Appends {@code events} (all of one run, continuing its head). */
    public void append(List<EventEnvelope> events) {
        RunId run = events.getFirst().runId();
        store.append(run, events.getFirst().seq() - 1, events);
    }

    @Override
    public void close() {
        db.close();
    }
}
