package dev.cairn.store.sqlite;

import dev.cairn.machine.stores.EventStore;
import dev.cairn.testkit.contract.EventStoreContract;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store keeps the event-store contract, on a real file with real fsyncs. */
class SqliteEventStoreContractTest extends EventStoreContract {

    @TempDir
    Path dir;

    @Override
    protected EventStore createStore() {
        return SqliteEventStore.open(dir.resolve("events.db"));
    }

    @Override
    protected Optional<EventStore> reopen(EventStore store) {
        SqliteEventStore sqlite = (SqliteEventStore) store;
        sqlite.close();
        return Optional.of(SqliteEventStore.open(sqlite.database().file()));
    }
}
