package dev.cairn.store.fs;

import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The embedded {@link ArtifactStore}: one file per blob under a directory, named by its id.
 *
 * <p><b>Layout.</b> {@code <root>/objects/ab/<id>} where {@code ab} are the id's first two hex
 * digits (256 shard directories, created when the store is); {@code <root>/tmp/} holds files being
 * written; {@code <root>/cairn-artifacts.properties} names the format and layout version, so a later
 * Cairn can recognise and upgrade an older store and an older Cairn refuses a newer one. The kind
 * of an artifact is not stored: the same bytes stored as two kinds are one blob, and retention
 * works from what the event log references, not from kinds.
 *
 * <p><b>Durability.</b> {@link #put} and {@link #putStream} write a temporary file, flush it
 * ({@code fdatasync}), rename it atomically to its final name and flush the shard directory before
 * returning: a blob whose put returned survives a crash of the process or the machine, and a crash
 * never leaves a partial file under a final name. {@link #putJournaled} of a small blob (up to 1 MiB)
 * holds it in memory; {@link #sync()} appends all of them to this process's journal ({@code
 * <root>/journal/<pid>-<start>.<n>.journal}) and flushes it once, and they become files (written and
 * renamed, then flushed all at once, before the journal is deleted) at the next <em>checkpoint</em>: when the journal passes {@link
 * FsStoreOptions#journalBytes()}, and on {@link #close()}. Opening the store writes out the
 * journals of processes that are gone, up to the first torn record (a sync that never returned),
 * then deletes them. {@link #putDeferred} (and a larger journaled blob) writes a temporary file, and {@code sync()}
 * flushes and renames those in parallel, flushing each shard directory once. Until its checkpoint
 * a journaled blob is visible to this store only (another process sharing the directory sees it
 * after the checkpoint, or after opening the store once this process is gone). Identical bytes are
 * stored once: a put of a blob already present (same size) only makes sure its directory entry is
 * durable and touches it; within {@link FsStoreOptions#presenceWindow()} of this store writing or
 * touching a blob, {@link #exists} and a put of the same bytes answer from memory.
 *
 * <p><b>Integrity.</b> Every read re-hashes the bytes: {@link #get} throws {@code
 * StorageError.Corruption} ({@code artifact_corrupt}) instead of returning bytes that do not hash to
 * their id. {@link #openStream} hashes while the caller reads and fails the read that reaches the end
 * with an {@link IOException} whose cause is that {@link StorageException}; a caller must read to
 * the end before trusting what it read. A put of the right bytes repairs a blob whose file has the
 * wrong size.
 *
 * <p><b>Crashes and sharing.</b> Temporary files carry the writing process's id and start time;
 * opening the store deletes those of processes that are gone. Several processes may share one
 * store: renames are atomic and content addressing makes concurrent puts of the same blob agree.
 *
 * <p><b>Retention.</b> Blobs are never deleted by the store itself. A garbage collector lists them
 * ({@link #forEachBlob}), keeps the ones in use fresh ({@link #touch}) and deletes the rest with
 * {@link #deleteIfNotModifiedSince}, which never deletes a blob touched after the cut-off, even
 * when the touch races with the deletion.
 *
 * <p>Thread-safe. Interrupts: an operation called with the interrupt flag set throws {@link
 * StorageException#interrupted()} without doing anything; a put interrupted while writing or
 * waiting for its source deletes its temporary file, keeps the flag set and throws the same.
 */
public final class FsArtifactStore implements ArtifactStore, AutoCloseable {

    /** The file that marks a directory as an artifact store and names its layout. */
    public static final String MARKER = "cairn-artifacts.properties";

    /** The format named in the marker. */
    public static final String FORMAT = "cairn-fs-artifacts";

    /** The layout this code writes and reads. */
    public static final int LAYOUT_VERSION = 1;

    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** {@link #putStream} reads this much before deciding to write a temporary file. */
    private static final int STREAM_CHUNK = 1 << 16;

    private static final String TRASH_SUFFIX = ".gc";
    private static final int DURABLE_CACHE_LIMIT = 1 << 16;
    private static final AtomicLong TEMP_COUNTER = new AtomicLong();
    private static final String OWNER = ownerToken(ProcessHandle.current());

    private final FsStoreOptions options;
    private final Path root;
    private final Path objects;
    private final Path tmp;
    private final Path journalDir;
    private final Map<ArtifactId, Pending> pending = new ConcurrentHashMap<>();
    /** Small blobs made durable by this store's journal and not yet written out as files. */
    private final Map<ArtifactId, byte[]> journaled = new ConcurrentHashMap<>();
    /** This store's journal files since the last checkpoint (guarded by {@code syncLock}). */
    private final List<Path> journalFiles = new ArrayList<>();
    /** The journal appended to, or {@code null} (guarded by {@code syncLock}). */
    private FileChannel journal;
    /** Bytes appended to the journal since the last checkpoint (guarded by {@code syncLock}). */
    private long journalSize;

    /**
     * Blobs whose file this store knows durable (written and flushed, or found and its directory
     * flushed), with the {@link System#nanoTime()} at or before which this store last set the
     * file's modification time (wrote or touched it): within {@link FsStoreOptions#presenceWindow()}
     * of that, {@link #exists} and a put of the same bytes answer without asking the filesystem.
     */
    private final Map<ArtifactId, Long> knownDurable = new ConcurrentHashMap<>();

    private final Object syncLock = new Object();
    private volatile boolean closed;

    /**
     * A deferred blob: written to {@code temp}, not yet flushed nor renamed; or, for a small blob
     * going to the journal, held as {@code bytes} ({@code temp} is then {@code null}).
     */
    private record Pending(Path temp, Path target, byte[] bytes, long writtenNanos) {}

    /** The largest deferred blob that goes to the journal; larger ones are files at once. */
    static final int JOURNAL_MAX_BLOB = 1 << 20;

    private static final String JOURNAL_SUFFIX = ".journal";

    /** The journal files of the stores open in this process (another instance must not replay them). */
    private static final Set<Path> OPEN_JOURNALS = ConcurrentHashMap.newKeySet();

    private FsArtifactStore(FsStoreOptions options) {
        this.options = options;
        this.root = options.root().toAbsolutePath().normalize();
        this.objects = root.resolve("objects");
        this.tmp = root.resolve("tmp");
        this.journalDir = root.resolve("journal");
    }

    /** Opens (or creates) the store at {@code root} with the default options. */
    public static FsArtifactStore open(Path root) {
        return open(FsStoreOptions.builder(root).build());
    }

    /**
     * Opens (or creates) the store {@code options} name, and deletes the temporary files left by
     * processes that are gone.
     *
     * @throws StorageException {@code artifact_store_layout} when the directory holds something
     *     else, or a store of a newer layout; {@code storage_unavailable} when it cannot be read or
     *     created
     */
    public static FsArtifactStore open(FsStoreOptions options) {
        Objects.requireNonNull(options, "options");
        FsArtifactStore store = new FsArtifactStore(options);
        store.initialize();
        return store;
    }

    /** The store's directory. */
    public Path root() {
        return root;
    }

    /** Where the blob {@code id} lives once durable: {@code <root>/objects/ab/<id>}. */
    public Path pathOf(ArtifactId id) {
        Objects.requireNonNull(id, "id");
        return objects.resolve(id.value().substring(0, 2)).resolve(id.value());
    }

    // ------------------------------------------------------------------ writes

    @Override
    public ArtifactId put(ArtifactKind kind, byte[] bytes) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(bytes, "bytes");
        ensureUsable();
        ArtifactId id = new ArtifactId(ArtifactIds.ofBytes(bytes));
        Path target = pathOf(id);
        if (alreadyStored(id, target, bytes.length)) {
            return id;
        }
        Path temp = newTemp();
        long written = System.nanoTime();
        try {
            writeTemp(temp, bytes, true);
            publish(id, temp, target, written);
            return id;
        } catch (RuntimeException | Error e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    @Override
    public ArtifactId putStream(ArtifactKind kind, InputStream content) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(content, "content");
        ensureUsable();
        // A stream that ends within the first chunk is stored as bytes: its id is known before any
        // file is made, so a blob already stored (an output every task writes alike) costs no
        // temporary file, no fsync and no delete.
        byte[] chunk = new byte[STREAM_CHUNK];
        int head = 0;
        while (head < chunk.length) {
            int n = readSource(content, chunk, head, chunk.length - head);
            if (n < 0) {
                return put(kind, Arrays.copyOf(chunk, head));
            }
            head += n;
        }
        Path temp = newTemp();
        long written = System.nanoTime();
        try {
            MessageDigest digest = ArtifactIds.sha256();
            long size = 0;
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                digest.update(chunk, 0, head);
                writeFully(out, ByteBuffer.wrap(chunk, 0, head));
                size += head;
                for (int n; (n = readSource(content, chunk, 0, chunk.length)) >= 0; ) {
                    digest.update(chunk, 0, n);
                    writeFully(out, ByteBuffer.wrap(chunk, 0, n));
                    size += n;
                }
                out.force(false);
            } catch (ClosedByInterruptException e) {
                throw interrupted();
            } catch (IOException e) {
                throw FsErrors.io("writing", temp, e);
            }
            ArtifactId id = new ArtifactId(HexFormat.of().formatHex(digest.digest()));
            Path target = pathOf(id);
            if (alreadyStored(id, target, size)) {
                deleteQuietly(temp);
                return id;
            }
            publish(id, temp, target, written);
            return id;
        } catch (RuntimeException | Error e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    /**
     * Writes {@code bytes} to a temporary file without flushing it; {@link #sync()} (called by itself
     * once {@link FsStoreOptions#maxDeferred()} blobs wait, and by {@link #close()}) makes it durable.
     * Readable at once.
     */
    @Override
    public ArtifactId putDeferred(ArtifactKind kind, byte[] bytes) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(bytes, "bytes");
        ensureUsable();
        ArtifactId id = new ArtifactId(ArtifactIds.ofBytes(bytes));
        if (pending.containsKey(id) || journaled.containsKey(id)) {
            return id;
        }
        Path target = pathOf(id);
        if (alreadyStored(id, target, bytes.length)) {
            return id;
        }
        Path temp = newTemp();
        long written = System.nanoTime();
        try {
            writeTemp(temp, bytes, false);
        } catch (RuntimeException | Error e) {
            deleteQuietly(temp);
            throw e;
        }
        if (pending.putIfAbsent(id, new Pending(temp, target, null, written)) != null) {
            deleteQuietly(temp); // another thread deferred the same bytes first
        }
        if (pending.size() >= options.maxDeferred()) {
            sync();
        }
        return id;
    }

    /**
     * Like {@link #putDeferred}, for a caller that needs no file until the blob is durable: a blob
     * up to 1 MiB is held in memory, and {@link #sync()} makes it durable by appending it to the
     * journal (one flush for all of them); it becomes a file at the next checkpoint. Until then it is
     * readable through this store only ({@link #get}, {@link #openStream}, {@link #exists}, …), not
     * at {@link #pathOf} nor by another process, and {@link #forEachBlob} does not list it. Larger
     * blobs, and every blob when {@link FsStoreOptions#journalBytes()} is 0, take {@link
     * #putDeferred}'s path. The engine's snapshots and fact payloads are such blobs ({@link
     * #journaling()}).
     */
    public ArtifactId putJournaled(ArtifactKind kind, byte[] bytes) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(bytes, "bytes");
        if (options.journalBytes() == 0 || bytes.length > JOURNAL_MAX_BLOB) {
            return putDeferred(kind, bytes);
        }
        ensureUsable();
        ArtifactId id = new ArtifactId(ArtifactIds.ofBytes(bytes));
        if (pending.containsKey(id) || journaled.containsKey(id)) {
            return id;
        }
        if (alreadyStored(id, pathOf(id), bytes.length)) {
            return id;
        }
        pending.putIfAbsent(id, new Pending(null, pathOf(id), bytes.clone(), 0));
        if (pending.size() >= options.maxDeferred()) {
            sync();
        }
        return id;
    }

    /**
     * This store, with {@link ArtifactStore#putDeferred} going to {@link #putJournaled}: what an
     * engine whose deferred blobs are read back through the store only (snapshots, fact payloads)
     * is given. Every other method is this store's.
     */
    public ArtifactStore journaling() {
        FsArtifactStore store = this;
        return new ArtifactStore() {
            @Override
            public ArtifactId put(ArtifactKind kind, byte[] bytes) {
                return store.put(kind, bytes);
            }

            @Override
            public byte[] get(ArtifactId id) {
                return store.get(id);
            }

            @Override
            public boolean exists(ArtifactId id) {
                return store.exists(id);
            }

            @Override
            public long size(ArtifactId id) {
                return store.size(id);
            }

            @Override
            public ArtifactId putStream(ArtifactKind kind, InputStream content) {
                return store.putStream(kind, content);
            }

            @Override
            public ArtifactId putDeferred(ArtifactKind kind, byte[] bytes) {
                return store.putJournaled(kind, bytes);
            }

            @Override
            public void sync() {
                store.sync();
            }

            @Override
            public InputStream openStream(ArtifactId id) {
                return store.openStream(id);
            }

            @Override
            public String toString() {
                return store + " (journaling)";
            }
        };
    }

    /**
     * Makes every deferred blob durable: appends the journaled ones ({@link #putJournaled}) to the journal and flushes it once
     * (they are written out as files at the next checkpoint: when the journal passes {@link
     * FsStoreOptions#journalBytes()}, and on {@link #close()}); flushes the files of the others in
     * parallel, renames them into place and flushes each shard directory once. Waits for the flushes even when interrupted (a half-done
     * sync would help no one); the flag stays set.
     */
    @Override
    public void sync() {
        ensureUsable();
        synchronized (syncLock) {
            syncPending();
        }
    }

    /** Syncs the deferred blobs; the store cannot be used afterwards. Closing twice does nothing. */
    @Override
    public void close() {
        synchronized (syncLock) {
            if (closed) {
                return;
            }
            try {
                syncPending();
                checkpoint();
            } finally {
                closed = true;
                closeJournal();
                for (Pending p : pending.values()) {
                    deleteQuietly(p.temp());
                }
                pending.clear();
            }
        }
    }

    // ------------------------------------------------------------------ reads

    @Override
    public byte[] get(ArtifactId id) {
        Objects.requireNonNull(id, "id");
        ensureUsable();
        byte[] held = held(id);
        if (held != null) {
            return held.clone();
        }
        Pending deferred = pending.get(id);
        if (deferred != null && deferred.temp() != null) {
            Optional<byte[]> bytes = readVerified(id, deferred.temp());
            if (bytes.isPresent()) {
                return bytes.get();
            } // renamed into place meanwhile: read it there
        }
        return readVerified(id, pathOf(id)).orElseThrow(() -> StorageException.artifactNotFound(id));
    }

    @Override
    public boolean exists(ArtifactId id) {
        Objects.requireNonNull(id, "id");
        ensureUsable();
        return pending.containsKey(id)
                || journaled.containsKey(id)
                || recentlyConfirmed(id)
                || Files.exists(pathOf(id));
    }

    /** The size of the blob's file, without reading it (a damaged blob may report a wrong size). */
    @Override
    public long size(ArtifactId id) {
        Objects.requireNonNull(id, "id");
        ensureUsable();
        byte[] held = held(id);
        if (held != null) {
            return held.length;
        }
        Pending deferred = pending.get(id);
        if (deferred != null && deferred.temp() != null) {
            Optional<Long> size = sizeOf(deferred.temp());
            if (size.isPresent()) {
                return size.get();
            } // renamed into place meanwhile
        }
        return sizeOf(pathOf(id)).orElseThrow(() -> {
            knownDurable.remove(id);
            return StorageException.artifactNotFound(id);
        });
    }

    private static Optional<Long> sizeOf(Path path) {
        return attributesIfExists(path).map(BasicFileAttributes::size);
    }

    /**
     * The file's attributes, or empty when there is none: asked without an exception for the
     * missing case, which is the common one on the put path (a new blob).
     */
    private static Optional<BasicFileAttributes> attributesIfExists(Path path) {
        try {
            return Optional.ofNullable(
                    path.getFileSystem().provider().readAttributesIfExists(path, BasicFileAttributes.class));
        } catch (IOException e) {
            throw FsErrors.io("inspecting", path, e);
        }
    }

    /**
     * The blob's bytes, verified as they are read: the read that reaches the end throws an {@link
     * IOException} caused by a {@code Corruption} {@link StorageException} when they do not hash to
     * {@code id}. Read to the end before trusting the bytes.
     */
    @Override
    public InputStream openStream(ArtifactId id) {
        Objects.requireNonNull(id, "id");
        ensureUsable();
        byte[] held = held(id);
        if (held != null) {
            return new java.io.ByteArrayInputStream(held);
        }
        Pending deferred = pending.get(id);
        if (deferred != null && deferred.temp() != null) {
            Optional<InputStream> in = openVerified(id, deferred.temp());
            if (in.isPresent()) {
                return in.get();
            }
        }
        return openVerified(id, pathOf(id)).orElseThrow(() -> StorageException.artifactNotFound(id));
    }

    @Override
    public String toString() {
        return "FsArtifactStore[" + root + "]";
    }

    // ------------------------------------------------------------------ retention

    /**
     * A durable blob, as {@link #forEachBlob} lists it.
     *
     * @param id its id
     * @param sizeBytes its size
     * @param lastModified when it was written or last {@linkplain #touch touched}
     */
    public record StoredBlob(ArtifactId id, long sizeBytes, Instant lastModified) {
        public StoredBlob {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(lastModified, "last_modified");
        }
    }

    /**
     * Calls {@code visitor} for every durable blob, shard by shard, in no particular order. Blobs
     * written by {@link #putDeferred} and not yet synced are not listed; files whose names are not
     * ids are skipped. Blobs put or deleted meanwhile may or may not be listed.
     */
    public void forEachBlob(Consumer<StoredBlob> visitor) {
        Objects.requireNonNull(visitor, "visitor");
        ensureUsable();
        for (int shard = 0; shard < 256; shard++) {
            Path dir = objects.resolve(String.format("%02x", shard));
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    if (!ArtifactIds.isValid(name)) {
                        continue;
                    }
                    BasicFileAttributes attributes;
                    try {
                        attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    } catch (NoSuchFileException e) {
                        continue; // deleted meanwhile
                    }
                    if (attributes.isRegularFile()) {
                        visitor.accept(new StoredBlob(
                                new ArtifactId(name),
                                attributes.size(),
                                attributes.lastModifiedTime().toInstant()));
                    }
                }
            } catch (NoSuchFileException e) {
                // a shard directory removed by hand holds no blobs
            } catch (ClosedByInterruptException e) {
                throw interrupted();
            } catch (IOException e) {
                throw FsErrors.io("listing", dir, e);
            }
        }
    }

    /**
     * Marks blob {@code id} as in use now: sets its modification time to the current time, so that a
     * collector with an older cut-off keeps it. Returns whether the blob is stored: {@code false}
     * when it is not (or was deleted meanwhile), and then the caller must put it again before relying
     * on it. A blob waiting for {@link #sync()} counts as stored (collectors never see it).
     */
    public boolean touch(ArtifactId id) {
        Objects.requireNonNull(id, "id");
        ensureUsable();
        if (pending.containsKey(id) || journaled.containsKey(id)) {
            return true;
        }
        FileTime now = FileTime.fromMillis(System.currentTimeMillis());
        try {
            Files.getFileAttributeView(pathOf(id), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(now, now, null);
            return true;
        } catch (NoSuchFileException e) {
            knownDurable.remove(id); // gone: the caller will put it again, and that put must write
            return false;
        } catch (IOException e) {
            throw FsErrors.io("touching", pathOf(id), e);
        }
    }

    /**
     * Deletes blob {@code id} if it was last modified (written or {@linkplain #touch touched}) before
     * {@code cutoff}; returns whether it deleted it.
     *
     * <p>Safe against a concurrent {@link #touch}: the blob is first renamed out of {@code objects/}
     * (atomically), then its time is read. A touch that came before the rename is seen, and the blob
     * is renamed back; a touch after the rename finds no blob and returns {@code false}, so its
     * caller puts the blob again. A process that dies between the two renames leaves the blob in
     * {@code tmp/}, and the next {@link #open} moves it back. A blob waiting for {@link #sync()} is
     * never deleted.
     */
    public boolean deleteIfNotModifiedSince(ArtifactId id, Instant cutoff) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(cutoff, "cutoff");
        ensureUsable();
        if (pending.containsKey(id) || journaled.containsKey(id)) {
            return false;
        }
        Path target = pathOf(id);
        Path trash = tmp.resolve(OWNER + "." + TEMP_COUNTER.incrementAndGet() + "." + id.value() + TRASH_SUFFIX);
        try {
            Files.move(target, trash, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            knownDurable.remove(id);
            return false;
        } catch (IOException e) {
            throw FsErrors.io("moving aside", target, e);
        }
        try {
            Instant modified =
                    Files.getLastModifiedTime(trash, LinkOption.NOFOLLOW_LINKS).toInstant();
            if (!modified.isBefore(cutoff)) {
                Files.move(trash, target, StandardCopyOption.ATOMIC_MOVE);
                flushDirectory(target.getParent());
                return false;
            }
            knownDurable.remove(id);
            Files.delete(trash);
            return true;
        } catch (IOException e) {
            restoreQuietly(trash, target);
            throw FsErrors.io("deleting", target, e);
        }
    }

    private static void restoreQuietly(Path trash, Path target) {
        try {
            Files.move(trash, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // the next open moves it back
        }
    }

    // ------------------------------------------------------------------ internals

    private Optional<byte[]> readVerified(ArtifactId id, Path path) {
        byte[] bytes;
        try {
            long size = Files.size(path);
            if (size > MAX_ARRAY) {
                throw FsErrors.tooLarge(id, size);
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            forgetIfMissing(id, path);
            return Optional.empty();
        } catch (ClosedByInterruptException e) {
            throw interrupted();
        } catch (IOException e) {
            throw FsErrors.io("reading", path, e);
        }
        String actual = ArtifactIds.ofBytes(bytes);
        if (!actual.equals(id.value())) {
            forgetIfMissing(id, path);
            throw StorageException.artifactCorrupt(id, new ArtifactId(actual));
        }
        return Optional.of(bytes);
    }

    /**
     * Forgets that blob {@code id} is stored when its file, {@code path}, was found missing or
     * damaged (deleted or changed behind the store's back): the next put of its bytes then writes
     * it again instead of trusting the presence window.
     */
    private void forgetIfMissing(ArtifactId id, Path path) {
        if (path.equals(pathOf(id))) {
            knownDurable.remove(id);
        }
    }

    private Optional<InputStream> openVerified(ArtifactId id, Path path) {
        try {
            return Optional.of(new VerifyingInputStream(id, Files.newInputStream(path), ArtifactIds.sha256()));
        } catch (NoSuchFileException e) {
            forgetIfMissing(id, path);
            return Optional.empty();
        } catch (IOException e) {
            throw FsErrors.io("opening", path, e);
        }
    }

    /**
     * Whether {@code target} already holds {@code size} bytes (then, as a put that found it, makes
     * sure its directory entry is durable: it may have been renamed by a process that died before
     * flushing the directory). A file of another size is a damaged copy, to be replaced. A blob found
     * is {@linkplain #touch touched}, so that a put that returns always leaves a fresh blob behind,
     * even when a collector is deleting it at the same time.
     */
    private boolean alreadyStored(ArtifactId id, Path target, long size) {
        if (recentlyConfirmed(id)) {
            return true;
        }
        Optional<BasicFileAttributes> attributes = attributesIfExists(target);
        long touched = System.nanoTime();
        if (attributes.isEmpty() || attributes.get().size() != size || !touch(id)) {
            return false;
        }
        if (!knownDurable.containsKey(id)) {
            flushDirectory(target.getParent());
        }
        rememberDurable(id, touched);
        return true;
    }

    /**
     * Whether this store wrote or touched blob {@code id}'s file, durable, less than {@link
     * FsStoreOptions#presenceWindow()} ago: then the file is there with a modification time that
     * recent (only a collector deletes blobs, and it spares those younger than its grace period,
     * which is far longer; one in this store forgets the blob as it deletes it), and a put of the
     * same bytes or an {@link #exists} need not ask the filesystem.
     */
    private boolean recentlyConfirmed(ArtifactId id) {
        Long confirmed = knownDurable.get(id);
        return confirmed != null
                && System.nanoTime() - confirmed < options.presenceWindow().toNanos();
    }

    private void writeTemp(Path temp, byte[] bytes, boolean flush) {
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(out, ByteBuffer.wrap(bytes));
            if (flush) {
                out.force(false);
            }
        } catch (ClosedByInterruptException e) {
            throw interrupted();
        } catch (IOException e) {
            throw FsErrors.io("writing", temp, e);
        }
    }

    /**
     * Renames a flushed temporary file, written from {@code writtenNanos} on, to its final name and
     * flushes the directory entry.
     */
    private void publish(ArtifactId id, Path temp, Path target, long writtenNanos) {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw FsErrors.layout(
                    root, "objects/ and tmp/ are on different filesystems", "Keep the store in one filesystem.");
        } catch (IOException e) {
            throw FsErrors.io("renaming into place", target, e);
        }
        flushDirectory(target.getParent());
        rememberDurable(id, writtenNanos);
    }

    /** The bytes of a small blob held in memory (deferred, or journaled and not yet a file). */
    private byte[] held(ArtifactId id) {
        Pending deferred = pending.get(id);
        if (deferred != null && deferred.bytes() != null) {
            return deferred.bytes();
        }
        return journaled.get(id);
    }

    private void syncPending() {
        List<Map.Entry<ArtifactId, Pending>> all = List.copyOf(pending.entrySet());
        if (all.isEmpty()) {
            return;
        }
        List<Map.Entry<ArtifactId, Pending>> small = new ArrayList<>();
        List<Map.Entry<ArtifactId, Pending>> batch = new ArrayList<>();
        all.forEach(entry -> (entry.getValue().bytes() != null ? small : batch).add(entry));
        StorageException journalFailure = null;
        if (!small.isEmpty()) {
            try {
                appendToJournal(small);
            } catch (StorageException e) {
                journalFailure = e;
            }
        }
        try {
            syncFiles(batch);
        } catch (StorageException e) {
            if (journalFailure != null) {
                e.addSuppressed(journalFailure);
            }
            throw e;
        }
        if (journalFailure != null) {
            throw journalFailure;
        }
        if (journalSize >= options.journalBytes()) {
            checkpoint();
        }
    }

    /**
     * Appends small deferred blobs to the journal ({@code <sha256><length><bytes>} records) and
     * flushes it: one {@code fdatasync} makes them all durable. The write runs on a thread of its own
     * so that an interrupt of the caller cannot tear it. A failed append leaves the blobs deferred
     * (the next sync tries again) and starts a new journal file, so that no record follows a torn one.
     */
    private void appendToJournal(List<Map.Entry<ArtifactId, Pending>> small) {
        int size = 0;
        for (Map.Entry<ArtifactId, Pending> entry : small) {
            size += 36 + entry.getValue().bytes().length;
        }
        ByteBuffer records = ByteBuffer.allocate(size);
        HexFormat hex = HexFormat.of();
        for (Map.Entry<ArtifactId, Pending> entry : small) {
            byte[] bytes = entry.getValue().bytes();
            records.put(hex.parseHex(entry.getKey().value()))
                    .putInt(bytes.length)
                    .put(bytes);
        }
        records.flip();
        Optional<StorageException> failed = uninterruptibly(() -> {
            try {
                if (journal == null) {
                    openJournal();
                }
                writeFully(journal, records);
                journal.force(false);
            } catch (IOException e) {
                throw FsErrors.io("appending to the journal in", journalDir, e);
            }
        });
        if (failed.isPresent()) {
            closeJournal();
            throw failed.get();
        }
        journalSize += size;
        for (Map.Entry<ArtifactId, Pending> entry : small) {
            journaled.put(entry.getKey(), entry.getValue().bytes());
            pending.remove(entry.getKey(), entry.getValue());
        }
    }

    private void openJournal() throws IOException {
        if (mkdir(journalDir)) {
            flushDirectory(root);
        }
        Path file = journalDir.resolve(OWNER + "." + TEMP_COUNTER.incrementAndGet() + JOURNAL_SUFFIX);
        OPEN_JOURNALS.add(file);
        journal = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        journalFiles.add(file);
        flushDirectory(journalDir);
    }

    /** Runs {@code action} on a virtual thread and waits for it, also when interrupted (flag kept). */
    private static Optional<StorageException> uninterruptibly(Action action) {
        boolean interrupted = Thread.interrupted();
        try (ExecutorService thread = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Optional<StorageException>> future = thread.submit(() -> attempt(action));
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    return Optional.of(StorageException.unavailable(
                            "appending to the journal failed: " + e.getCause(), e.getCause()));
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeJournal() {
        if (journal != null) {
            try {
                journal.close();
            } catch (IOException e) {
                // its records were flushed or are dropped; nothing more is written to it
            }
            journal = null;
        }
    }

    /**
     * Writes the journaled blobs out as files, flushes them, then deletes this store's journal files.
     * On failure the journal stays, and so do the blobs in it.
     *
     * <p>The files are written and renamed into place first, unflushed: until the journal is deleted
     * it holds every one of these blobs durably, and opening the store after a crash writes out the
     * journal again, replacing any file a crash left short. Then one {@code syncfs} flushes them all
     * ({@link FileSystemSync}); where that is unavailable or fails, each file and each shard
     * directory is flushed (in parallel). Only then is the journal deleted. (Formerly each file was
     * flushed before its rename: thousands of {@code fsync}s, each a filesystem journal commit, while
     * the sync that ran the checkpoint, and every commit behind it, waited.)
     */
    private void checkpoint() {
        if (journaled.isEmpty() && journalFiles.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        List<Map.Entry<ArtifactId, byte[]>> blobs = List.copyOf(journaled.entrySet());
        List<StorageException> failures = writeOutAll(blobs);
        if (failures.isEmpty() && !blobs.isEmpty() && !FileSystemSync.sync(objects)) {
            Set<Path> directories = new LinkedHashSet<>();
            blobs.forEach(entry -> directories.add(pathOf(entry.getKey()).getParent()));
            inParallel(blobs.stream()
                            .map(entry -> (Action) () -> flushFile(pathOf(entry.getKey())))
                            .toList())
                    .forEach(r -> r.ifPresent(failures::add));
            if (failures.isEmpty()) {
                inParallel(directories.stream()
                                .map(dir -> (Action) () -> flushDirectory(dir))
                                .toList())
                        .forEach(r -> r.ifPresent(failures::add));
            }
        }
        if (!failures.isEmpty()) {
            StorageException first = failures.get(0);
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
        closeJournal();
        try {
            for (Path file : journalFiles) {
                Files.deleteIfExists(file);
                OPEN_JOURNALS.remove(file);
            }
            flushDirectory(journalDir);
        } catch (IOException e) {
            throw FsErrors.io("deleting the journal in", journalDir, e);
        }
        journalFiles.clear();
        journalSize = 0;
        for (Map.Entry<ArtifactId, byte[]> entry : blobs) {
            rememberDurable(entry.getKey(), started);
            journaled.remove(entry.getKey(), entry.getValue());
        }
    }

    /**
     * Writes the files of a checkpoint, unflushed: {@link FsStoreOptions#syncParallelism()} threads
     * at most, each writing a share of the blobs in turn (a virtual thread per blob added its start
     * and scheduling to every small file; more threads than that do not create files faster here).
     * Returns the failures.
     */
    private List<StorageException> writeOutAll(List<Map.Entry<ArtifactId, byte[]>> blobs) {
        List<StorageException> failures = Collections.synchronizedList(new ArrayList<>());
        int shares = Math.min(options.syncParallelism(), blobs.size());
        List<Action> actions = new ArrayList<>(shares);
        for (int share = 0; share < shares; share++) {
            List<Map.Entry<ArtifactId, byte[]>> part =
                    blobs.subList(share * blobs.size() / shares, (share + 1) * blobs.size() / shares);
            actions.add(() -> {
                for (Map.Entry<ArtifactId, byte[]> entry : part) {
                    try {
                        writeOut(entry.getKey(), entry.getValue(), false);
                    } catch (StorageException e) {
                        failures.add(e);
                    }
                }
            });
        }
        inParallel(actions).forEach(r -> r.ifPresent(failures::add));
        return new ArrayList<>(failures);
    }

    /**
     * Writes a blob's file (flushed when {@code flush}) through a temporary file renamed over
     * whatever is under its name: no look first. A checkpoint writes only blobs that were not there
     * when they were put (a put looks), so a look would nearly always find nothing and cost a
     * {@code statx} per blob; a copy written meanwhile by someone else has the same bytes, and
     * replacing it is harmless (a reader that opened it keeps reading it), and a damaged copy is
     * repaired. The rename keeps the file whole or absent for every reader, including other
     * processes: writing under the final name directly would save the rename but let a reader see
     * a partial file, which it would report as corrupt.
     */
    private void writeOut(ArtifactId id, byte[] bytes, boolean flush) {
        Path target = pathOf(id);
        Path temp = newTemp();
        try {
            writeTemp(temp, bytes, flush);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw FsErrors.io("renaming into place", target, e);
        } catch (RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    private void syncFiles(List<Map.Entry<ArtifactId, Pending>> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<StorageException> failures = new ArrayList<>();
        List<Map.Entry<ArtifactId, Pending>> flushed = new ArrayList<>();
        List<Optional<StorageException>> results = inParallel(batch.stream()
                .map(entry -> (Action) () -> flushFile(entry.getValue().temp()))
                .toList());
        for (int i = 0; i < batch.size(); i++) {
            Map.Entry<ArtifactId, Pending> entry = batch.get(i);
            if (results.get(i).isPresent()) {
                failures.add(results.get(i).get());
                forget(entry);
                continue;
            }
            try {
                Files.move(entry.getValue().temp(), entry.getValue().target(), StandardCopyOption.ATOMIC_MOVE);
                flushed.add(entry);
            } catch (IOException e) {
                failures.add(FsErrors.io("renaming into place", entry.getValue().target(), e));
                forget(entry);
            }
        }
        Set<Path> directories = new LinkedHashSet<>();
        flushed.forEach(entry -> directories.add(entry.getValue().target().getParent()));
        List<Optional<StorageException>> dirs = inParallel(directories.stream()
                .map(dir -> (Action) () -> flushDirectory(dir))
                .toList());
        dirs.forEach(r -> r.ifPresent(failures::add));
        if (dirs.stream().allMatch(Optional::isEmpty)) {
            flushed.forEach(
                    entry -> rememberDurable(entry.getKey(), entry.getValue().writtenNanos()));
        }
        flushed.forEach(entry -> pending.remove(entry.getKey(), entry.getValue()));
        if (!failures.isEmpty()) {
            StorageException first = failures.get(0);
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    private void forget(Map.Entry<ArtifactId, Pending> entry) {
        pending.remove(entry.getKey(), entry.getValue());
        deleteQuietly(entry.getValue().temp());
    }

    /** A step of a sync; throws {@link StorageException}. */
    @FunctionalInterface
    private interface Action {
        void run();
    }

    /**
     * Runs {@code actions} on virtual threads, at most {@link FsStoreOptions#syncParallelism()} at a
     * time, and waits for all of them, also when interrupted (the flag is restored). One result per
     * action: its failure, or empty.
     */
    private List<Optional<StorageException>> inParallel(List<Action> actions) {
        List<Optional<StorageException>> results = new ArrayList<>(actions.size());
        if (actions.size() == 1) {
            results.add(attempt(actions.get(0)));
            return results;
        }
        Semaphore slots = new Semaphore(options.syncParallelism());
        boolean interrupted = Thread.interrupted();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Optional<StorageException>>> futures = new ArrayList<>(actions.size());
            for (Action action : actions) {
                futures.add(threads.submit(() -> {
                    slots.acquireUninterruptibly();
                    try {
                        return attempt(action);
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (Future<Optional<StorageException>> future : futures) {
                while (true) {
                    try {
                        results.add(future.get());
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (ExecutionException e) {
                        results.add(Optional.of(StorageException.unavailable(
                                "flushing a deferred artifact failed: " + e.getCause(), e.getCause())));
                        break;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return results;
    }

    private static Optional<StorageException> attempt(Action action) {
        try {
            action.run();
            return Optional.empty();
        } catch (StorageException e) {
            return Optional.of(e);
        }
    }

    private static void flushFile(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(false);
        } catch (IOException e) {
            throw FsErrors.io("flushing", file, e);
        }
    }

    private static void flushDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            throw FsErrors.io("flushing directory", dir, e);
        }
    }

    /** Notes that blob {@code id}'s file is durable, its modification time set at or after {@code confirmedNanos}. */
    private void rememberDurable(ArtifactId id, long confirmedNanos) {
        if (knownDurable.size() >= DURABLE_CACHE_LIMIT) {
            knownDurable.clear(); // forgetting only costs a directory flush on the next sighting
        }
        knownDurable.put(id, confirmedNanos);
    }

    private static int readSource(InputStream content, byte[] chunk, int offset, int length) {
        try {
            return content.read(chunk, offset, length);
        } catch (InterruptedIOException e) {
            throw interrupted();
        } catch (IOException e) {
            throw StorageException.streamFailed(e);
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    private Path newTemp() {
        return tmp.resolve(OWNER + "." + TEMP_COUNTER.incrementAndGet() + ".tmp");
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a leftover temporary file is deleted when the store is next opened
        }
    }

    /** {@link StorageException#interrupted()}, with the flag set again (some waits clear it). */
    private static StorageException interrupted() {
        Thread.currentThread().interrupt();
        return StorageException.interrupted();
    }

    private void ensureUsable() {
        if (closed) {
            throw FsErrors.closed(root);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw StorageException.interrupted();
        }
    }

    // ------------------------------------------------------------------ opening

    private void initialize() {
        try {
            Files.createDirectories(root);
            Path marker = root.resolve(MARKER);
            if (Files.exists(marker)) {
                checkMarker(marker);
            } else {
                refuseForeignContent();
            }
            boolean created = mkdir(objects) | mkdir(tmp);
            for (int shard = 0; shard < 256; shard++) {
                created |= mkdir(objects.resolve(String.format("%02x", shard)));
            }
            if (created) {
                flushDirectory(objects);
                flushDirectory(root);
            }
            if (!Files.exists(marker)) {
                writeMarker(marker);
            }
            deleteOrphanedTemps();
            replayJournals();
        } catch (IOException e) {
            throw FsErrors.io("opening the artifact store at", root, e);
        }
    }

    private static boolean mkdir(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return false;
        }
        Files.createDirectories(dir);
        return true;
    }

    private void checkMarker(Path marker) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(marker, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        if (!FORMAT.equals(properties.getProperty("format"))) {
            throw FsErrors.layout(
                    root,
                    MARKER + " names format '" + properties.getProperty("format") + "', not " + FORMAT,
                    "Point Cairn at a directory of its own.");
        }
        int layout;
        try {
            layout = Integer.parseInt(properties.getProperty("layout", ""));
        } catch (NumberFormatException e) {
            throw FsErrors.layout(
                    root,
                    MARKER + " has no valid layout number ('" + properties.getProperty("layout") + "')",
                    "Restore " + MARKER + " from a backup; it reads format=" + FORMAT + " and layout=" + LAYOUT_VERSION
                            + " for this version.");
        }
        if (layout > LAYOUT_VERSION) {
            throw FsErrors.layout(
                    root,
                    "it was written by a newer Cairn (layout " + layout + "; this Cairn reads up to " + LAYOUT_VERSION
                            + ")",
                    "Run the Cairn version that wrote it, or a newer one.");
        }
    }

    /** A directory without a marker may hold only what an interrupted creation leaves. */
    private void refuseForeignContent() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.equals("objects") && !name.equals("tmp")) {
                    throw FsErrors.layout(
                            root,
                            "the directory is not empty and has no " + MARKER + " (found '" + name + "')",
                            "Give the artifact store an empty directory of its own.");
                }
            }
        }
    }

    private void writeMarker(Path marker) throws IOException {
        Path temp = newTemp();
        try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW)) {
            out.write("# Cairn artifact store: objects/ab/<sha256 of the bytes>\n");
            out.write("format=" + FORMAT + "\n");
            out.write("layout=" + LAYOUT_VERSION + "\n");
        }
        flushFile(temp);
        Files.move(temp, marker, StandardCopyOption.ATOMIC_MOVE);
        flushDirectory(root);
    }

    /**
     * Deletes the temporary files of processes that are gone (and any not named by this store), and
     * moves back the blobs a collector of such a process had moved aside ({@code <owner>.<n>.<id>.gc}).
     */
    private void deleteOrphanedTemps() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.endsWith(TRASH_SUFFIX)) {
                    restoreOrphanedTrash(entry, name);
                } else if (!ownerAlive(name)) {
                    deleteQuietly(entry);
                }
            }
        }
    }

    private void restoreOrphanedTrash(Path entry, String name) throws IOException {
        String[] parts =
                name.substring(0, name.length() - TRASH_SUFFIX.length()).split("\\.");
        if (parts.length != 3 || !ArtifactIds.isValid(parts[2])) {
            deleteQuietly(entry);
            return;
        }
        if (ownerAlive(parts[0] + "." + parts[1] + ".tmp")) {
            return; // its collector is still deciding
        }
        Path target = pathOf(new ArtifactId(parts[2]));
        if (Files.exists(target)) {
            deleteQuietly(entry);
        } else {
            Files.move(entry, target, StandardCopyOption.ATOMIC_MOVE);
            flushDirectory(target.getParent());
        }
    }

    /**
     * Writes out the blobs in the journals of processes that are gone, then deletes those journals:
     * every record up to the first torn or damaged one (what a sync that never returned leaves) is
     * a blob whose sync returned. A file already holding the right bytes is flushed; any other is
     * replaced.
     */
    private void replayJournals() throws IOException {
        if (!Files.isDirectory(journalDir)) {
            return;
        }
        List<Path> replayed = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(journalDir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (OPEN_JOURNALS.contains(entry)
                        || (name.endsWith(JOURNAL_SUFFIX)
                                && !name.startsWith(OWNER + ".")
                                && ownerAlive(name.substring(0, name.length() - JOURNAL_SUFFIX.length()) + ".tmp"))) {
                    continue; // a store open in this process or another one still uses it
                }
                if (name.endsWith(JOURNAL_SUFFIX)) {
                    replay(Files.readAllBytes(entry));
                }
                replayed.add(entry);
            }
        }
        if (!replayed.isEmpty()) {
            for (int shard = 0; shard < 256; shard++) {
                flushDirectory(objects.resolve(String.format("%02x", shard)));
            }
            for (Path file : replayed) {
                Files.deleteIfExists(file);
            }
            flushDirectory(journalDir);
        }
    }

    private void replay(byte[] journalBytes) {
        ByteBuffer in = ByteBuffer.wrap(journalBytes);
        HexFormat hex = HexFormat.of();
        while (in.remaining() >= 36) {
            byte[] digest = new byte[32];
            in.get(digest);
            int length = in.getInt();
            if (length < 0 || length > in.remaining()) {
                return; // torn
            }
            byte[] bytes = new byte[length];
            in.get(bytes);
            ArtifactId id = new ArtifactId(hex.formatHex(digest));
            if (!ArtifactIds.ofBytes(bytes).equals(id.value())) {
                return; // damaged: nothing after it was acknowledged
            }
            Path target = pathOf(id);
            boolean intact;
            try {
                intact = readVerified(id, target).isPresent();
            } catch (StorageException e) {
                intact = false;
            }
            if (intact) {
                flushFile(target);
            } else {
                writeOut(id, bytes, true); // a file of the right size with wrong bytes is replaced too
            }
        }
    }

    /** {@code <pid>-<start millis>} of a process; the start time tells a reused pid apart. */
    private static String ownerToken(ProcessHandle process) {
        long start = process.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
        return process.pid() + "-" + start;
    }

    static boolean ownerAlive(String tempName) {
        int dot = tempName.indexOf('.');
        int dash = tempName.indexOf('-');
        if (dot < 0 || dash < 0 || dash > dot || !tempName.endsWith(".tmp")) {
            return false;
        }
        long pid;
        long start;
        try {
            pid = Long.parseLong(tempName.substring(0, dash));
            start = Long.parseLong(tempName.substring(dash + 1, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return false;
        }
        return start == 0 || ownerToken(process.get()).equals(pid + "-" + start);
    }
}
