package dev.cairn.orchestrator.embedded;

import dev.cairn.machine.errors.StorageError;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.AppendCarriesBlobs;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.machine.stores.EventStore;
import dev.cairn.store.fs.FsArtifactStore;
import dev.cairn.store.sqlite.SqliteBlobTable;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteEventStore;
import dev.cairn.workspace.BlobInventory;
import dev.cairn.workspace.FileBackedStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The artifact store of a Cairn home: the files under {@code <home>/artifacts} ({@link
 * FsArtifactStore}) and the {@code blobs} table of {@code <home>/cairn.db} ({@link SqliteBlobTable}),
 * seen as one store.
 *
 * <p><b>Where a blob goes.</b> {@link #putDeferred} of a record of the engine or the orchestrator
 * up to {@link #TABLE_MAX_BLOB} bytes (what they store per task: the task call's result,
 * context checkpoints, manifests, specs) is staged for the table: it becomes durable with the next write
 * transaction of the database, which is usually the append of the event that references it, so it
 * costs no flush of its own and never becomes a file. Larger ones take the file store's journal
 * ({@link FsArtifactStore#putJournaled}); other deferred blobs (workspace trees and files) are the
 * file store's deferred puts; {@link #put} and {@link #putStream} (outputs, uploads) are files,
 * durable when they return, as before.
 *
 * <p><b>Reads</b> ({@link #get}, {@link #openStream}, {@link #exists}, {@link #size}) see staged
 * blobs, files and the table, and every read re-hashes the bytes. A home written before the table
 * existed reads as it did: its blobs are files.
 *
 * <p><b>Durability.</b> {@link #sync()} makes everything deferred durable (the table's staged blobs
 * with a transaction of their own, the journaled files with the journal's flush). A writer about to
 * append to an event store whose appends are transactions of this database asks {@link
 * #syncForAppend} instead: it syncs the file part only, and the append carries the rest (P1: a
 * staged blob is durable no later than any write submitted after it was staged).
 *
 * <p><b>Retention</b>: {@link #inventory()} lists, touches and deletes blobs of both parts, with the
 * file store's guarantee that a blob touched at or after the cut-off is never deleted.
 *
 * <p>Thread-safe. Closing it does not close the database, which its owner closes after it.
 */
public final class HomeArtifactStore implements ArtifactStore, AppendCarriesBlobs, FileBackedStore, AutoCloseable {

    /** The largest deferred blob kept in the database's table; larger ones are files. */
    public static final int TABLE_MAX_BLOB = 64 << 10;

    /** The kind the orchestrator stores a run's pipeline spec as. */
    public static final ArtifactKind PIPELINE_SPEC = new ArtifactKind.Other("pipeline_spec");

    private final FsArtifactStore files;
    private final SqliteBlobTable table;
    private final Set<EventStore> carriers = ConcurrentHashMap.newKeySet();

    private HomeArtifactStore(FsArtifactStore files, SqliteBlobTable table) {
        this.files = files;
        this.table = table;
    }

    /**
     * Opens the store of a home: the file store at {@code artifactsDir} (created when missing) and the
     * blob table of {@code db}, which this store's table rides from now on. Open one per database.
     *
     * @throws StorageException as {@link FsArtifactStore#open(Path)}
     */
    public static HomeArtifactStore open(SqliteDatabase db, Path artifactsDir) {
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(artifactsDir, "artifacts_dir");
        FsArtifactStore files = FsArtifactStore.open(artifactsDir);
        try {
            return new HomeArtifactStore(files, SqliteBlobTable.open(db));
        } catch (RuntimeException e) {
            files.close();
            throw e;
        }
    }

    /** The file part of the store (plain puts, large blobs, workspaces, and every blob of an older home). */
    @Override
    public FsArtifactStore files() {
        return files;
    }

    /** The table part of the store (small deferred blobs). */
    public SqliteBlobTable table() {
        return table;
    }

    /**
     * Declares that every append to {@code events} is a write transaction of this store's database,
     * so that {@link #syncForAppend} may leave the staged blobs to it. (An {@link SqliteEventStore} on
     * the same database is recognised without this.)
     */
    void carriedBy(EventStore events) {
        carriers.add(Objects.requireNonNull(events, "events"));
    }

    // ------------------------------------------------------------------ writes

    @Override
    public ArtifactId put(ArtifactKind kind, byte[] bytes) {
        return files.put(kind, bytes);
    }

    @Override
    public ArtifactId putStream(ArtifactKind kind, InputStream content) {
        return files.putStream(kind, content);
    }

    /**
     * Stores {@code bytes}, durable once a later {@link #sync()} returns or, for a record of the
     * engine or the orchestrator ({@link #inTable}) up to {@link #TABLE_MAX_BLOB}, once any later
     * write transaction of the database commits. Readable at once.
     */
    @Override
    public ArtifactId putDeferred(ArtifactKind kind, byte[] bytes) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(bytes, "bytes");
        if (!inTable(kind)) {
            return files.putDeferred(kind, bytes);
        }
        if (bytes.length > TABLE_MAX_BLOB) {
            return files.putJournaled(kind, bytes);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw StorageException.interrupted();
        }
        return table.stage(bytes);
    }

    /**
     * Whether deferred blobs of {@code kind} go to the table: the records of the engine and the
     * orchestrator (manifests, context snapshots, fact payloads, pipeline specs). Workspace blobs
     * (trees, file contents) stay files, where the workspaces of every process sharing the
     * directory (opened on {@link #files()}) read and touch them.
     */
    static boolean inTable(ArtifactKind kind) {
        return switch (kind) {
            case ArtifactKind.Manifest m -> true;
            case ArtifactKind.ContextSnapshot c -> true;
            case ArtifactKind.FactPayload f -> true;
            case ArtifactKind.Other o -> o.equals(PIPELINE_SPEC);
            case ArtifactKind.SecretPayload p -> false;
            case ArtifactKind.Output o -> false;
        };
    }

    @Override
    public void sync() {
        files.sync();
        table.sync();
    }

    /**
     * Makes durable what a write transaction of this store's database does not carry: the file
     * part. For a caller about to write one (an append, an acceptance, a task's completion): the
     * table's staged blobs become durable with that write (P1), so they need no transaction of
     * their own first, which is what {@link #sync()} would spend on them.
     */
    public void syncForWrite() {
        files.sync();
    }

    /**
     * Syncs the file part; returns whether an append to {@code events} carries the table's staged
     * blobs (its appends are transactions of this database).
     */
    @Override
    public boolean syncForAppend(EventStore events) {
        syncForWrite();
        return carriers.contains(events)
                || (events instanceof SqliteEventStore sqlite && sqlite.database() == table.database());
    }

    // ------------------------------------------------------------------ reads

    @Override
    public byte[] get(ArtifactId id) {
        Objects.requireNonNull(id, "id");
        if (table.knows(id)) { // staged, or known in the table: no file to look for first
            Optional<byte[]> held = table.get(id);
            if (held.isPresent()) {
                return held.get();
            }
        }
        try {
            return files.get(id);
        } catch (StorageException e) {
            if (!(e.error() instanceof StorageError.NotFound)) {
                throw e;
            }
            return table.get(id).orElseThrow(() -> e);
        }
    }

    @Override
    public boolean exists(ArtifactId id) {
        Objects.requireNonNull(id, "id");
        return table.knows(id) || files.exists(id) || table.exists(id);
    }

    @Override
    public long size(ArtifactId id) {
        Objects.requireNonNull(id, "id");
        if (table.knows(id)) {
            OptionalLong held = table.size(id);
            if (held.isPresent()) {
                return held.getAsLong();
            }
        }
        try {
            return files.size(id);
        } catch (StorageException e) {
            if (!(e.error() instanceof StorageError.NotFound)) {
                throw e;
            }
            OptionalLong stored = table.size(id);
            if (stored.isEmpty()) {
                throw e;
            }
            return stored.getAsLong();
        }
    }

    /** A file's bytes streamed and verified as they are read; a table blob's bytes, verified first. */
    @Override
    public InputStream openStream(ArtifactId id) {
        Objects.requireNonNull(id, "id");
        if (table.knows(id)) {
            Optional<byte[]> held = table.get(id);
            if (held.isPresent()) {
                return new ByteArrayInputStream(held.get());
            }
        }
        try {
            return files.openStream(id);
        } catch (StorageException e) {
            if (!(e.error() instanceof StorageError.NotFound)) {
                throw e;
            }
            return new ByteArrayInputStream(table.get(id).orElseThrow(() -> e));
        }
    }

    // ------------------------------------------------------------------ retention

    /**
     * What a collector needs: every blob of both parts (a blob in both is listed twice, once per
     * copy), touched in both, deleted from both. {@code deleteIfNotModifiedSince} answers {@code true}
     * only when no copy is left: a copy touched at or after the cut-off keeps the blob.
     */
    public BlobInventory inventory() {
        BlobInventory fileInventory = BlobInventory.of(files);
        String identity = "home:" + files.root();
        return new BlobInventory() {
            @Override
            public String identity() {
                return identity;
            }

            @Override
            public void forEach(Consumer<Blob> visitor) {
                fileInventory.forEach(visitor);
                table.forEachBlob(b -> visitor.accept(new Blob(b.id(), b.sizeBytes(), b.lastModified())));
            }

            @Override
            public boolean freshen(ArtifactId id) {
                boolean inTable = table.touch(id);
                boolean inFiles = files.touch(id);
                return inTable || inFiles;
            }

            @Override
            public boolean deleteIfNotModifiedSince(ArtifactId id, Instant cutoff) {
                boolean fromTable = table.deleteIfNotModifiedSince(id, cutoff);
                boolean fromFiles = files.deleteIfNotModifiedSince(id, cutoff);
                return (fromTable || fromFiles) && !exists(id);
            }

            @Override
            public OptionalLong sizeOf(ArtifactId id) {
                try {
                    return OptionalLong.of(Files.size(files.pathOf(id)));
                } catch (IOException e) {
                    return table.size(id);
                }
            }

            @Override
            public String toString() {
                return "BlobInventory[" + identity + "]";
            }
        };
    }

    /**
     * Makes the staged blobs durable (while the database is open) and closes the file store, which
     * syncs its own. Closing twice does nothing.
     */
    @Override
    public void close() {
        try {
            table.close();
        } finally {
            files.close();
        }
    }

    @Override
    public String toString() {
        return "HomeArtifactStore[" + files.root() + " + " + table + "]";
    }
}
