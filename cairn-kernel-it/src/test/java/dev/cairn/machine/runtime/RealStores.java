package dev.cairn.machine.runtime;

import dev.cairn.machine.engine.Stores;
import dev.cairn.store.fs.FsArtifactStore;
import dev.cairn.store.sqlite.SqliteEventStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The embedded stores as users run them: a SQLite event store and a filesystem artifact store, each
 * {@link #create()} in a fresh directory under {@code root}. Closes everything it opened.
 */
final class RealStores implements StoresFactory, AutoCloseable {

    private final Path root;
    private final AtomicInteger next = new AtomicInteger();
    private final List<AutoCloseable> opened = new ArrayList<>();

    RealStores(Path root) {
        this.root = root;
    }

    @Override
    public synchronized Stores create() {
        Path dir = root.resolve("stores-" + next.incrementAndGet());
        SqliteEventStore events = SqliteEventStore.open(dir.resolve("events.db"));
        opened.add(events);
        FsArtifactStore artifacts = FsArtifactStore.open(dir.resolve("artifacts"));
        opened.add(artifacts);
        return new Stores(events, artifacts);
    }

    @Override
    public synchronized void close() throws Exception {
        Exception first = null;
        for (AutoCloseable c : opened.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        opened.clear();
        if (first != null) {
            throw first;
        }
    }
}
