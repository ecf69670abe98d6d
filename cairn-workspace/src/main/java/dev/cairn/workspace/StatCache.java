package dev.cairn.workspace;

import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.ids.ArtifactId;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What Cairn remembers about the files of one workspace directory so that a snapshot does not read
 * a file again when its stat says it is unchanged (Git's index, Bazel's file-state cache).
 *
 * <p>Per path relative to the workspace root, an entry holds the file's {@link FileStat} (size,
 * modification and change times in nanoseconds, inode, device, mode) and the digest of its content.
 * A snapshot trusts an entry only when every field of the stat matches; otherwise it reads and
 * hashes the file. A snapshot records an entry only for a file whose modification time is older
 * than the snapshot's start by more than the racy window ({@link WorkspaceOptions#racyWindow()}):
 * a file written in the same clock tick as the snapshot read it could change again without its
 * modification time changing (the racy-git problem), so it is read again next time. As in Git, the
 * change time takes part in the comparison but not in the racy test (a content change that also
 * resets the modification time within one tick of the snapshot goes unseen). A materialization
 * records the files it writes, with their modification time set into the past for this reason.
 *
 * <p>The cache also remembers, per blob, when it was last confirmed stored (and touched) in the
 * artifact store: a blob confirmed less than {@link WorkspaceOptions#presenceTtl()} ago is not
 * checked again. This belongs to one store ({@link BlobInventory#identity()}); a snapshot against
 * another store forgets it.
 *
 * <p>The cache is bound to the first workspace root it is used with; used with another root, it is
 * emptied first. It lives in memory ({@link #inMemory()}) and can be kept in a file next to the
 * workspace ({@link #load}, {@link #save}) — never inside it, or it would be snapshotted too. A file
 * that is missing, truncated, damaged or of another format loads as an empty cache: the cache only
 * saves work, so losing it costs time, never correctness.
 *
 * <p>Thread-safe; a snapshot or materialization replaces the whole content at its end.
 */
public final class StatCache {

    private static final String MAGIC = "cairn-stat-cache";
    private static final int FORMAT = 1;
    private static final int DIGEST_BYTES = 32;
    private static final HexFormat HEX = HexFormat.of();

    /**
     * The stat of a regular file, as compared between snapshots.
     *
     * @param size length in bytes
     * @param mtimeNanos modification time, nanoseconds since the epoch
     * @param ctimeNanos status change time, nanoseconds since the epoch
     * @param inode inode number
     * @param device device number
     * @param mode POSIX mode bits (type and permissions)
     */
    public record FileStat(long size, long mtimeNanos, long ctimeNanos, long inode, long device, int mode) {}

    /** A trusted entry: the stat a file had and the digest of its content then. */
    record Entry(FileStat stat, ArtifactId digest) {}

    /** Everything the cache holds, replaced as a whole. */
    private record Content(String root, String store, Map<String, Entry> files, Map<ArtifactId, Long> presence) {}

    private volatile Content content;

    private StatCache(Content content) {
        this.content = content;
    }

    /** An empty cache kept in memory. */
    public static StatCache inMemory() {
        return new StatCache(new Content("", "", Map.of(), Map.of()));
    }

    /**
     * The cache saved in {@code file}; an empty cache when the file is missing or not a valid cache
     * file.
     *
     * @throws WorkspaceException {@code workspace_io} when the file exists but cannot be read
     */
    public static StatCache load(Path file) {
        Objects.requireNonNull(file, "file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return inMemory();
        } catch (IOException e) {
            throw WorkspaceException.io("reading the stat cache", file, e);
        }
        return decode(bytes).map(StatCache::new).orElseGet(StatCache::inMemory);
    }

    /**
     * Writes the cache to {@code file} (a temporary file renamed over it, so a reader sees the old
     * or the new cache, never a mix). Not flushed to disk: a cache lost in a crash only costs time.
     */
    public void save(Path file) {
        Objects.requireNonNull(file, "file");
        Path temp = file.resolveSibling(file.getFileName() + ".tmp-"
                + ProcessHandle.current().pid() + "-" + Thread.currentThread().threadId());
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
                out.write(encode(content));
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // nothing more to do
            }
            throw WorkspaceException.io("writing the stat cache", file, e);
        }
    }

    /** How many files the cache knows. */
    public int size() {
        return content.files().size();
    }

    /** How many blobs the cache knows as recently confirmed stored. */
    public int knownBlobs() {
        return content.presence().size();
    }

    /** The workspace root the cache is bound to, once it was used. */
    public Optional<String> root() {
        String root = content.root();
        return root.isEmpty() ? Optional.empty() : Optional.of(root);
    }

    /** Forgets everything. */
    public void clear() {
        content = new Content("", "", Map.of(), Map.of());
    }

    // ------------------------------------------------------------------ used by Workspaces

    /**
     * The files of the cache if it describes {@code root} (else none), and the presence it knows
     * for {@code store} (else none).
     */
    View view(String root, String store) {
        Content c = content;
        Map<String, Entry> files = c.root().equals(root) ? c.files() : Map.of();
        Map<ArtifactId, Long> presence = !store.isEmpty() && c.store().equals(store) ? c.presence() : Map.of();
        return new View(files, presence);
    }

    /** Replaces the whole content. */
    void replace(String root, String store, Map<String, Entry> files, Map<ArtifactId, Long> presence) {
        content = new Content(root, store, Map.copyOf(files), Map.copyOf(presence));
    }

    /** A read-only view of the content for one root and store. */
    record View(Map<String, Entry> files, Map<ArtifactId, Long> presence) {}

    // ------------------------------------------------------------------ file format

    /**
     * {@code magic, format, root, store, n, n × (path, size, mtime, ctime, inode, device, mode,
     * digest[32]), m, m × (digest[32], millis), sha256[32]} in {@link DataOutputStream} encoding;
     * the trailing SHA-256 covers everything before it.
     */
    private static byte[] encode(Content c) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 + c.files().size() * 120);
        DataOutputStream out = new DataOutputStream(buffer);
        out.writeUTF(MAGIC);
        out.writeInt(FORMAT);
        out.writeUTF(c.root());
        out.writeUTF(c.store());
        out.writeInt(c.files().size());
        for (Map.Entry<String, Entry> e : c.files().entrySet()) {
            FileStat s = e.getValue().stat();
            out.writeUTF(e.getKey());
            out.writeLong(s.size());
            out.writeLong(s.mtimeNanos());
            out.writeLong(s.ctimeNanos());
            out.writeLong(s.inode());
            out.writeLong(s.device());
            out.writeInt(s.mode());
            out.write(HEX.parseHex(e.getValue().digest().value()));
        }
        out.writeInt(c.presence().size());
        for (Map.Entry<ArtifactId, Long> e : c.presence().entrySet()) {
            out.write(HEX.parseHex(e.getKey().value()));
            out.writeLong(e.getValue());
        }
        out.flush();
        byte[] body = buffer.toByteArray();
        MessageDigest sha = ArtifactIds.sha256();
        sha.update(body);
        out.write(sha.digest());
        out.flush();
        return buffer.toByteArray();
    }

    private static Optional<Content> decode(byte[] bytes) {
        if (bytes.length < DIGEST_BYTES) {
            return Optional.empty();
        }
        MessageDigest sha = ArtifactIds.sha256();
        sha.update(bytes, 0, bytes.length - DIGEST_BYTES);
        if (!Arrays.equals(sha.digest(), Arrays.copyOfRange(bytes, bytes.length - DIGEST_BYTES, bytes.length))) {
            return Optional.empty();
        }
        try (DataInputStream in =
                new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - DIGEST_BYTES))) {
            if (!MAGIC.equals(in.readUTF()) || in.readInt() != FORMAT) {
                return Optional.empty();
            }
            String root = in.readUTF();
            String store = in.readUTF();
            int n = in.readInt();
            if (n < 0) {
                return Optional.empty();
            }
            Map<String, Entry> files = new HashMap<>();
            byte[] digest = new byte[DIGEST_BYTES];
            for (int i = 0; i < n; i++) {
                String path = in.readUTF();
                FileStat stat = new FileStat(
                        in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readInt());
                in.readFully(digest);
                files.put(path, new Entry(stat, new ArtifactId(HEX.formatHex(digest))));
            }
            int m = in.readInt();
            if (m < 0) {
                return Optional.empty();
            }
            Map<ArtifactId, Long> presence = new HashMap<>();
            for (int i = 0; i < m; i++) {
                in.readFully(digest);
                presence.put(new ArtifactId(HEX.formatHex(digest)), in.readLong());
            }
            if (in.read() != -1) {
                return Optional.empty();
            }
            return Optional.of(new Content(root, store, Map.copyOf(files), Map.copyOf(presence)));
        } catch (EOFException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
