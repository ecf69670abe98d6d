package dev.cairn.store.sqlite;

import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.stores.EventSelection;
import dev.cairn.machine.stores.EventStore;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
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
 * <p>Selective reads ({@link #stream(RunId, long, int, EventSelection)} of the port, and beyond it
 * {@link #readRange(RunId, long, Optional, int, EventFilter)} and {@link #stream(RunId, long, int,
 * EventFilter)}) select events by kind and name in SQL, before decoding: resume reads the kernel
 * events and facts of a log that may hold millions of other domain events.
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
     * The events of {@code runId} from {@code fromSeq} that {@code filter} selects, up to the head
     * when the stream is created, read lazily in ranges of {@code pageSize} sequence numbers (each
     * range one read transaction), so a long log never has to fit in memory. The next {@value
     * #READ_AHEAD} ranges are read on their own threads while the caller consumes one: reading and
     * decoding a long log then uses more than one core, and memory stays bounded by {@value
     * #READ_AHEAD} + 1 pages. Closing the stream abandons the reads in flight.
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
        long head = headSeq(runId);
        Pages pages = new Pages(runId, Math.max(fromSeq, 1), head, pageSize, filter);
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(
                                pages, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.IMMUTABLE),
                        false)
                .onClose(pages::close);
    }

    /** How many ranges a stream reads ahead of the one being consumed. */
    static final int READ_AHEAD = 2;

    /** The ranges of a stream, read ahead on virtual threads, consumed in order. */
    private final class Pages implements Iterator<EventEnvelope> {
        private final RunId runId;
        private final long head;
        private final int pageSize;
        private final EventFilter filter;
        private final ArrayDeque<FutureTask<List<EventEnvelope>>> inFlight = new ArrayDeque<>();
        private long nextFrom;
        private Iterator<EventEnvelope> page = Collections.emptyIterator();

        Pages(RunId runId, long from, long head, int pageSize, EventFilter filter) {
            this.runId = runId;
            this.head = head;
            this.pageSize = pageSize;
            this.filter = filter;
            this.nextFrom = from;
        }

        @Override
        public boolean hasNext() {
            while (!page.hasNext()) {
                readAhead();
                FutureTask<List<EventEnvelope>> next = inFlight.poll();
                if (next == null) {
                    return false;
                }
                page = await(next).iterator();
            }
            return true;
        }

        @Override
        public EventEnvelope next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return page.next();
        }

        private void readAhead() {
            while (inFlight.size() <= READ_AHEAD && nextFrom <= head) {
                long from = nextFrom;
                long to = from > head - (pageSize - 1) ? head : from + (pageSize - 1);
                nextFrom = to + 1;
                FutureTask<List<EventEnvelope>> read =
                        new FutureTask<>(() -> readRange(runId, from, Optional.of(to), pageSize, filter));
                Thread.ofVirtual().name("cairn-sqlite-read-ahead").start(read);
                inFlight.add(read);
            }
        }

        private List<EventEnvelope> await(FutureTask<List<EventEnvelope>> read) {
            try {
                return read.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw StorageException.interrupted();
            } catch (ExecutionException e) {
                close();
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw StorageException.unavailable("reading the events of run " + runId + " failed", e.getCause());
            }
        }

        void close() {
            for (FutureTask<List<EventEnvelope>> read : inFlight) {
                read.cancel(false); // a read already running ends with its transaction
            }
            inFlight.clear();
            nextFrom = head + 1;
        }
    }

    /** Selects in SQL, from each event's kind and name, before anything is decoded. */
    @Override
    public Stream<EventEnvelope> stream(RunId runId, long fromSeq, int pageSize, EventSelection selection) {
        Objects.requireNonNull(selection, "selection");
        return stream(
                runId,
                fromSeq,
                pageSize,
                new EventFilter(selection.kernel(), selection.allDomain(), selection.domainNames()));
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
