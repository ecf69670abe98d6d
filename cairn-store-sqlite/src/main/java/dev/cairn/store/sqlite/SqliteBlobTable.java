package dev.cairn.store.sqlite;

import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Small content-addressed blobs kept in the database's {@code blobs} table (migration V3 of the
 * event log's module), made durable by whichever write transaction of the database comes next.
 *
 * <p><b>Staging.</b> {@link #stage} holds a blob in memory, readable at once through this table;
 * every write transaction of the database ({@link SqliteDatabase#carry}) writes everything staged
 * before its commit, at its end, and the blobs leave memory once it committed. So a blob staged
 * before a write was submitted is durable no later than that write: an event that references it
 * never becomes durable without it (P1), and no separate flush is needed before the append. A
 * transaction that rolls back (an I/O error, a full disk) leaves its blobs staged: the next one
 * carries them. A blob becoming durable earlier than its event is harmless (an unreferenced blob is
 * what a collector removes). {@link #sync()} makes everything staged durable with a transaction of
 * its own, for callers that write no event.
 *
 * <p><b>Integrity.</b> Every read re-hashes the bytes: a row that does not hash to its id is {@code
 * StorageError.Corruption} ({@code artifact_corrupt}), never returned. Staging bytes that are stored
 * already rewrites the row (its bytes and modification time): a damaged row is repaired by the next
 * put of its bytes.
 *
 * <p><b>Retention.</b> {@code modified_millis} is when the blob was last written or {@linkplain
 * #touch touched}. {@link #deleteIfNotModifiedSince} is one conditional {@code DELETE}, serialized
 * with every write by the database's writer: a blob touched (or written again) at or after the
 * cut-off is never deleted, whatever the interleaving. A staged blob is never deleted.
 *
 * <p>Thread-safe. Owned by one process, as its database is.
 */
public final class SqliteBlobTable implements AutoCloseable {

    /** Staged bytes past which {@link #stage} makes them durable at once rather than hold more. */
    static final long MAX_STAGED_BYTES = 16L << 20;

    private static final int KNOWN_LIMIT = 1 << 16;

    private static final String UPSERT = "INSERT INTO blobs (id, bytes, modified_millis) VALUES (?, ?, ?)"
            + " ON CONFLICT (id) DO UPDATE SET bytes = excluded.bytes, modified_millis = excluded.modified_millis";
    private static final int PAGE = 1_000;

    private final SqliteDatabase db;
    private final LongSupplier clock;
    private final Map<ArtifactId, byte[]> staged = new ConcurrentHashMap<>();
    private final AtomicLong stagedBytes = new AtomicLong();
    /**
     * Ids this table committed or found stored (bounded; forgetting one only costs a read). Only this
     * process writes the database ({@code store_locked}), and only {@link #deleteIfNotModifiedSince}
     * removes rows, forgetting them first: a remembered id is stored.
     */
    private final Map<ArtifactId, Boolean> known = new ConcurrentHashMap<>();

    private final SqliteDatabase.Subscription riding;

    private SqliteBlobTable(SqliteDatabase db, LongSupplier clock) {
        this.db = db;
        this.clock = clock;
        this.riding = db.carry(this::ride);
    }

    /**
     * The blob table of {@code db}, its staged blobs carried by every write transaction of {@code db}
     * from now on. Modification times come from the system clock (as a file's do). Open one per
     * database.
     */
    public static SqliteBlobTable open(SqliteDatabase db) {
        return open(db, System::currentTimeMillis);
    }

    /** {@link #open(SqliteDatabase)} with the clock that stamps modification times (milliseconds). */
    public static SqliteBlobTable open(SqliteDatabase db, LongSupplier clockMillis) {
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(clockMillis, "clock_millis");
        return new SqliteBlobTable(db, clockMillis);
    }

    /** The database the table is in. */
    public SqliteDatabase database() {
        return db;
    }

    // ------------------------------------------------------------------ writes

    /**
     * Stages {@code bytes} (copied) and returns their id: readable at once through this table, durable
     * once the next write transaction of the database commits (or {@link #sync()} returns).
     */
    public ArtifactId stage(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        ArtifactId id = new ArtifactId(ArtifactIds.ofBytes(bytes));
        byte[] copy = bytes.clone();
        if (staged.putIfAbsent(id, copy) == null && stagedBytes.addAndGet(copy.length) > MAX_STAGED_BYTES) {
            sync();
        }
        return id;
    }

    /**
     * Returns once every blob staged before this call began is durable: at once when none is
     * staged, else after a write transaction of its own (which carries them) committed.
     *
     * @throws StorageException when that transaction failed (the blobs stay staged)
     */
    public void sync() {
        if (!staged.isEmpty()) {
            db.write(tx -> null);
        }
    }

    /**
     * Whether this table knows blob {@code id} without reading the database: staged, or committed or
     * found stored by this table (bounded memory). {@code false} says nothing: ask {@link #exists}.
     */
    public boolean knows(ArtifactId id) {
        Objects.requireNonNull(id, "id");
        return staged.containsKey(id) || known.containsKey(id);
    }

    private void remember(ArtifactId id) {
        if (known.size() >= KNOWN_LIMIT) {
            known.clear();
        }
        known.put(id, Boolean.TRUE);
    }

    /** Whether blob {@code id} is staged (not yet known durable). */
    public boolean isStaged(ArtifactId id) {
        return staged.containsKey(Objects.requireNonNull(id, "id"));
    }

    /** How many blobs are staged. */
    public int stagedCount() {
        return staged.size();
    }

    /** What every write transaction carries: the staged blobs; they leave memory once it committed. */
    private Runnable ride(SqlTransaction tx) {
        if (staged.isEmpty()) {
            return null;
        }
        List<Map.Entry<ArtifactId, byte[]>> carried = List.copyOf(staged.entrySet());
        long now = clock.getAsLong();
        for (Map.Entry<ArtifactId, byte[]> blob : carried) {
            tx.update(UPSERT, blob.getKey().value(), blob.getValue(), now);
        }
        return () -> {
            for (Map.Entry<ArtifactId, byte[]> blob : carried) {
                remember(blob.getKey());
                if (staged.remove(blob.getKey(), blob.getValue())) {
                    stagedBytes.addAndGet(-blob.getValue().length);
                }
            }
        };
    }

    // ------------------------------------------------------------------ reads

    /**
     * The bytes of blob {@code id}, staged or stored, verified; empty when the table does not hold it.
     *
     * @throws StorageException {@code artifact_corrupt} when the stored bytes do not hash to {@code id}
     */
    public Optional<byte[]> get(ArtifactId id) {
        Objects.requireNonNull(id, "id");
        byte[] held = staged.get(id);
        if (held != null) {
            return Optional.of(held.clone());
        }
        Optional<byte[]> stored =
                db.read(r -> r.queryOne("SELECT bytes FROM blobs WHERE id = ?", row -> row.getBytes(1), id.value()));
        if (stored.isPresent()) {
            String actual = ArtifactIds.ofBytes(stored.get());
            if (!actual.equals(id.value())) {
                throw StorageException.artifactCorrupt(id, new ArtifactId(actual));
            }
            remember(id);
        } else {
            known.remove(id);
        }
        return stored;
    }

    /** Whether the table holds blob {@code id} (staged or stored), without reading it. */
    public boolean exists(ArtifactId id) {
        Objects.requireNonNull(id, "id");
        if (knows(id)) {
            return true;
        }
        boolean stored = db.read(r -> r.queryOne("SELECT 1 FROM blobs WHERE id = ?", row -> 1L, id.value()))
                .isPresent();
        if (stored) {
            remember(id);
        }
        return stored;
    }

    /** The size of blob {@code id} when the table holds it, without reading its bytes. */
    public OptionalLong size(ArtifactId id) {
        Objects.requireNonNull(id, "id");
        byte[] held = staged.get(id);
        if (held != null) {
            return OptionalLong.of(held.length);
        }
        return db.read(r ->
                        r.queryOne("SELECT length(bytes) FROM blobs WHERE id = ?", row -> row.getLong(1), id.value()))
                .map(OptionalLong::of)
                .orElse(OptionalLong.empty());
    }

    // ------------------------------------------------------------------ retention

    /**
     * A stored blob, as {@link #forEachBlob} lists it.
     *
     * @param id its id
     * @param sizeBytes its size
     * @param lastModified when it was last written or {@linkplain #touch touched}
     */
    public record StoredBlob(ArtifactId id, long sizeBytes, Instant lastModified) {
        public StoredBlob {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(lastModified, "last_modified");
        }
    }

    /**
     * Calls {@code visitor} for every stored blob, in id order, a page (one read transaction) at a
     * time; staged blobs are not listed. Blobs stored or deleted meanwhile may or may not be listed.
     */
    public void forEachBlob(Consumer<StoredBlob> visitor) {
        Objects.requireNonNull(visitor, "visitor");
        String after = "";
        while (true) {
            String from = after;
            List<StoredBlob> page = db.read(r -> r.query(
                    "SELECT id, length(bytes), modified_millis FROM blobs WHERE id > ? ORDER BY id LIMIT " + PAGE,
                    row -> new StoredBlob(
                            new ArtifactId(row.getString(1)), row.getLong(2), Instant.ofEpochMilli(row.getLong(3))),
                    from));
            page.forEach(visitor);
            if (page.size() < PAGE) {
                return;
            }
            after = page.getLast().id().value();
        }
    }

    /**
     * Marks blob {@code id} as in use now (a write transaction); returns whether the table holds it. A
     * staged blob counts as held.
     */
    public boolean touch(ArtifactId id) {
        Objects.requireNonNull(id, "id");
        if (staged.containsKey(id)) {
            return true;
        }
        long now = clock.getAsLong();
        boolean stored =
                db.write(tx -> tx.update("UPDATE blobs SET modified_millis = ? WHERE id = ?", now, id.value())) > 0;
        if (!stored) {
            known.remove(id);
        }
        return stored;
    }

    /**
     * Deletes blob {@code id} if it was last written or touched before {@code cutoff} (in whole
     * milliseconds); returns whether it deleted it. One conditional {@code DELETE}: a touch or write
     * at or after the cut-off, committed before it, keeps the blob; one committed after it stores the
     * blob again (a touch then answers {@code false}). A staged blob is never deleted.
     */
    public boolean deleteIfNotModifiedSince(ArtifactId id, Instant cutoff) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(cutoff, "cutoff");
        if (staged.containsKey(id)) {
            return false;
        }
        long cut = cutoff.toEpochMilli();
        known.remove(id);
        return db.write(tx -> tx.update("DELETE FROM blobs WHERE id = ? AND modified_millis < ?", id.value(), cut)) > 0;
    }

    /**
     * Stops riding the database's transactions. Staged blobs are made durable first when the
     * database is still open (a blob no durable event references may be lost otherwise, which is
     * harmless). Closing twice does nothing.
     */
    @Override
    public void close() {
        try {
            if (!staged.isEmpty()) {
                sync();
            }
        } catch (StorageException e) {
            // the database is closed or failing: the staged blobs back no durable write
        } finally {
            riding.close();
        }
    }

    @Override
    public String toString() {
        return "SqliteBlobTable[" + db.file() + "]";
    }
}
