package dev.cairn.bench.kernel;

import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.store.fs.FsArtifactStore;
import dev.cairn.store.sqlite.SqliteEventStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The embedded stores as {@code cairn} runs them, in a fresh directory: SQLite event store (WAL,
 * {@code synchronous=FULL}, group commit) and filesystem artifact store (fsync on). Counts what the
 * workload made durable: SQLite commits (one WAL fsync each) and artifact-store syncs. Deletes the
 * directory on close.
 *
 * <p>The directory is made under {@code -Dcairn.bench.dir} (default {@code java.io.tmpdir}): pass
 * it through {@code CAIRN_JAVA_OPTS} to measure another disk.
 */
final class BenchStores implements AutoCloseable {

    final Path dir;
    final SqliteEventStore events;
    final FsArtifactStore artifacts;
    final Stores stores;
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong deferredPuts = new AtomicLong();

    private BenchStores(Path dir) {
        this.dir = dir;
        this.events = SqliteEventStore.open(dir.resolve("events.db"));
        this.artifacts = FsArtifactStore.open(dir.resolve("artifacts"));
        this.stores = new Stores(events, new Counting());
    }

    static BenchStores open(String workload) {
        try {
            Path base = Path.of(System.getProperty("cairn.bench.dir", System.getProperty("java.io.tmpdir")));
            return new BenchStores(Files.createTempDirectory(Files.createDirectories(base), "cairn-bench-" + workload));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SQLite write transactions committed so far (each one fsync of the WAL). */
    long commits() {
        return events.database().writeCounters().transactions();
    }

    /** {@code ArtifactStore.sync()} calls so far (the engine's, one per append). */
    long syncs() {
        return syncs.get();
    }

    /** Blobs stored with {@code putDeferred} so far. */
    long deferredPuts() {
        return deferredPuts.get();
    }

    /** The size of the SQLite database on disk ({@code events.db} and its WAL). */
    long databaseBytes() {
        long bytes = 0;
        for (String name : new String[] {"events.db", "events.db-wal"}) {
            try {
                bytes += Files.size(dir.resolve(name));
            } catch (IOException e) {
                // no WAL right after a checkpoint: nothing to add
            }
        }
        return bytes;
    }

    @Override
    public void close() {
        try {
            artifacts.close();
        } finally {
            events.close();
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the benchmark's directory " + root, e);
        }
    }

    /** The filesystem store, counting syncs and deferred puts. */
    private final class Counting implements ArtifactStore {
        @Override
        public ArtifactId put(ArtifactKind kind, byte[] bytes) {
            return artifacts.put(kind, bytes);
        }

        @Override
        public ArtifactId putDeferred(ArtifactKind kind, byte[] bytes) {
            deferredPuts.incrementAndGet();
            return artifacts.putDeferred(kind, bytes);
        }

        @Override
        public void sync() {
            syncs.incrementAndGet();
            artifacts.sync();
        }

        @Override
        public byte[] get(ArtifactId id) {
            return artifacts.get(id);
        }

        @Override
        public boolean exists(ArtifactId id) {
            return artifacts.exists(id);
        }

        @Override
        public InputStream openStream(ArtifactId id) {
            return artifacts.openStream(id);
        }
    }
}
