package dev.cairn.store.sqlite;

import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.stores.EventStore;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The embedded {@link EventStore}: the {@code events} table of a {@link SqliteDatabase}.
 *
 * <p>An append returns once its transaction is fsynced; appends from many threads and runs share
 * transactions (group commit, see {@link SqliteDatabase}). Appends are checked and encoded on the
 * calling thread; the writer thread only runs SQL. Reads page through the {@code (run_id, seq)}
 * index and decode kernel events on a fast path.
 *
 * <p>Cairn additions beyond the port: {@link #readRange(RunId, long, Optional, int, EventFilter)}
 * and {@link #stream(RunId, long, int, EventFilter)} select events by kind and name in SQL, before
 * decoding (resume needs the kernel events only).
 *
 * <p>Interrupts: an operation called with the flag set throws {@link
 * StorageException#interrupted()}; see {@link SqliteDatabase#write} for an append interrupted while
 * it waits.
 */
public final class SqliteEventStore implements EventStore, AutoCloseable {

    private final SqliteDatabase db;
    private final boolean ownsDatabase;

    /** An event store over {@code db}, which the caller keeps and closes. */
    public SqliteEventStore(SqliteDatabase db) {
        this(db, false);
    }

    private SqliteEventStore(SqliteDatabase db, boolean ownsDatabase) {
        this.db = Objects.requireNonNull(db, "db");
        this.ownsDatabase = ownsDatabase;
    }

    /** Opens (or creates) a database at {@code file} with the default options, owned by this store. */
    public static SqliteEventStore open(Path file) {
        return open(SqliteOptions.builder(file).build());
    }

    /** Opens (or creates) a database with {@code options}, owned by this store. */
    public static SqliteEventStore open(SqliteOptions options) {
        return new SqliteEventStore(SqliteDatabase.open(options), true);
    }

    /** The database under this store. */
    public SqliteDatabase database() {
        return db;
    }

    @Override
    public long headSeq(RunId runId) {
        Objects.requireNonNull(runId, "run_id");
        return db.read(reader -> reader.headSeq(runId));
    }

    @Override
    public long append(RunId runId, long expectedSeq, List<EventEnvelope> events) {
        EventAppend append = EventAppend.of(runId, expectedSeq, events);
        return db.write(tx -> tx.append(append));
    }

    @Override
    public List<EventEnvelope> readRange(RunId runId, long fromSeq, Optional<Long> toSeq) {
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(toSeq, "to_seq");
        return db.read(reader ->
                reader.events(runId, fromSeq, toSeq.orElse(Long.MAX_VALUE), Integer.MAX_VALUE, EventFilter.ALL));
    }

    @Override
    public List<EventEnvelope> readRange(RunId runId, long fromSeq, Optional<Long> toSeq, int limit) {
        return readRange(runId, fromSeq, toSeq, limit, EventFilter.ALL);
    }

    /**
     * At most {@code limit} envelopes from {@code fromSeq} (up to {@code toSeq} when present) that
     * {@code filter} selects, in {@code seq} order. The result may have gaps in {@code seq}: page on
     * with the last {@code seq} + 1.
     */
    public List<EventEnvelope> readRange(
            RunId runId, long fromSeq, Optional<Long> toSeq, int limit, EventFilter filter) {
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(toSeq, "to_seq");
        Objects.requireNonNull(filter, "filter");
        if (fromSeq < 0) {
            throw new IllegalArgumentException("fromSeq must be >= 0, got " + fromSeq);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        return db.read(reader -> reader.events(runId, fromSeq, toSeq.orElse(Long.MAX_VALUE), limit, filter));
    }

    @Override
    public Stream<EventEnvelope> stream(RunId runId, long fromSeq, int pageSize) {
        return stream(runId, fromSeq, pageSize, EventFilter.ALL);
    }

    /**
     * The events of {@code runId} from {@code fromSeq} that {@code filter} selects, read lazily
     * {@code pageSize} at a time (each page one read transaction), so a long log never has to fit in
     * memory.
     */
    public Stream<EventEnvelope> stream(RunId runId, long fromSeq, int pageSize, EventFilter filter) {
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(filter, "filter");
        if (fromSeq < 0) {
            throw new IllegalArgumentException("fromSeq must be >= 0, got " + fromSeq);
        }
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1, got " + pageSize);
        }
        Iterator<EventEnvelope> pages = new Iterator<>() {
            private long next = Math.max(fromSeq, 1);
            private Iterator<EventEnvelope> page = List.<EventEnvelope>of().iterator();
            private boolean last;

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && !last) {
                    List<EventEnvelope> read = readRange(runId, next, Optional.empty(), pageSize, filter);
                    last = read.size() < pageSize;
                    if (!read.isEmpty()) {
                        next = read.get(read.size() - 1).seq() + 1;
                    }
                    page = read.iterator();
                }
                return page.hasNext();
            }

            @Override
            public EventEnvelope next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.next();
            }
        };
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(
                        pages, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.IMMUTABLE),
                false);
    }

    /** Closes the database if this store opened it; a store over a shared database does nothing. */
    @Override
    public void close() {
        if (ownsDatabase) {
            db.close();
        }
    }

    @Override
    public String toString() {
        return "SqliteEventStore[" + db.file() + "]";
    }
}
