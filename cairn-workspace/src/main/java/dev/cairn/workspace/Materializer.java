package dev.cairn.workspace;

import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes trees into directories: whole (into an empty directory) or as the difference between the
 * tree a directory holds and another. Files are always created new ({@code O_CREAT|O_EXCL}, never
 * through an existing name), so a link in the workspace is never written through; directories are
 * created by this code or checked, without following links, to be directories before anything is
 * written below them.
 */
final class Materializer {

    private static final String EMPTY_DIGEST = ArtifactIds.ofBytes(new byte[0]);
    private static final Set<OpenOption> CREATE =
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    private static final FileAttribute<Set<PosixFilePermission>> REGULAR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));
    private static final FileAttribute<Set<PosixFilePermission>> EXECUTABLE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"));
    private static final int CHUNK = 1 << 16;

    private final ArtifactStore store;
    private final TreeReader trees;
    private final Optional<BlobInventory> inventory;
    private final WorkspaceOptions options;

    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private long directories;
    private long symlinks;
    private long removed;

    /** A file to write: where, what, and its path relative to the root. */
    private record FileJob(String rel, Path path, TreeEntry.File file) {}

    Materializer(ArtifactStore store, TreeReader trees, Optional<BlobInventory> inventory, WorkspaceOptions options) {
        this.store = store;
        this.trees = trees;
        this.inventory = inventory;
        this.options = options;
    }

    // ------------------------------------------------------------------ whole trees

    MaterializeResult materialize(TreeId tree, Path dir, Optional<StatCache> cache, boolean pinned) {
        Path root = dir.toAbsolutePath().normalize();
        prepareEmpty(root);
        List<FileJob> jobs = new ArrayList<>();
        Set<ArtifactId> blobs = new HashSet<>();
        blobs.add(tree.artifactId());
        plan(tree, "", root, jobs, blobs, new HashMap<>());
        Map<String, StatCache.Entry> primed = write(jobs, cache.isPresent());
        cache.ifPresent(c -> c.replace(root.toString(), storeIdentity(), primed, presence(pinned, blobs, Map.of())));
        return new MaterializeResult(tree, files.get(), directories, symlinks, bytes.get(), 0);
    }

    private static void prepareEmpty(Path root) {
        try {
            if (!Files.exists(root)) {
                Files.createDirectories(root);
                return;
            }
            if (!Files.isDirectory(root)) {
                throw WorkspaceException.notADirectory(root);
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
                if (entries.iterator().hasNext()) {
                    throw WorkspaceException.notEmpty(root);
                }
            }
        } catch (IOException e) {
            throw WorkspaceException.io("preparing", root, e);
        }
    }

    /** Creates the directories and links of {@code id} under {@code dir}, and lists its files. */
    private void plan(
            TreeId id,
            String rel,
            Path dir,
            List<FileJob> jobs,
            Set<ArtifactId> blobs,
            Map<TreeId, WorkspaceTree> read) {
        if (Thread.currentThread().isInterrupted()) {
            throw WorkspaceException.interrupted();
        }
        WorkspaceTree tree = read.computeIfAbsent(id, trees::read);
        for (TreeEntry entry : tree.entries()) {
            String childRel = rel.isEmpty() ? entry.name() : rel + "/" + entry.name();
            Path path = dir.resolve(entry.name());
            switch (entry) {
                case TreeEntry.File f -> {
                    jobs.add(new FileJob(childRel, path, f));
                    blobs.add(f.digest());
                }
                case TreeEntry.Directory d -> {
                    mkdir(path, childRel);
                    blobs.add(d.tree().artifactId());
                    plan(d.tree(), childRel, path, jobs, blobs, read);
                }
                case TreeEntry.Symlink l -> link(path, childRel, l);
            }
        }
    }

    private void mkdir(Path path, String rel) {
        try {
            Files.createDirectory(path);
            directories++;
        } catch (FileAlreadyExistsException e) {
            throw WorkspaceException.drift(rel, "already exists");
        } catch (IOException e) {
            throw WorkspaceException.io("creating the directory", path, e);
        }
    }

    private void link(Path path, String rel, TreeEntry.Symlink link) {
        try {
            Files.createSymbolicLink(path, path.getFileSystem().getPath(link.target()));
            symlinks++;
        } catch (FileAlreadyExistsException e) {
            throw WorkspaceException.drift(rel, "already exists");
        } catch (IOException e) {
            throw WorkspaceException.io("creating the link", path, e);
        }
    }

    /** Writes the files in parallel; with {@code prime}, returns the stat cache entries of what it wrote. */
    private Map<String, StatCache.Entry> write(List<FileJob> jobs, boolean prime) {
        Map<String, StatCache.Entry> primed = new ConcurrentHashMap<>();
        // Files get a modification time just before the racy window of any later snapshot, so that
        // the snapshot can trust their stat (StatCache); a later write sets a current time.
        long primeMillis = options.clock().nowMillis() - options.racyWindow().toMillis() - TimeUnit.SECONDS.toMillis(1);
        FileTime primeTime = FileTime.fromMillis(primeMillis);
        Parallel.forEach(options.parallelism(), jobs, job -> {
            writeFile(job);
            if (prime) {
                primed.put(
                        job.rel(),
                        new StatCache.Entry(
                                primeStat(job.path(), primeTime), job.file().digest()));
            }
        });
        return primed;
    }

    private void writeFile(FileJob job) {
        TreeEntry.File file = job.file();
        FileAttribute<Set<PosixFilePermission>> mode = file.mode() == FileMode.EXECUTABLE ? EXECUTABLE : REGULAR;
        try (FileChannel out = FileChannel.open(job.path(), CREATE, mode)) {
            long written;
            if (file.size() == 0 && file.digest().value().equals(EMPTY_DIGEST)) {
                written = 0;
            } else if (file.size() <= options.smallFileBytes()) {
                byte[] content = store.get(file.digest());
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                written = content.length;
            } else {
                written = copy(file.digest(), out, job.path());
            }
            if (written != file.size()) {
                throw WorkspaceException.invalidEntry(
                        job.rel(), "says " + file.size() + " bytes but its blob " + file.digest() + " has " + written);
            }
        } catch (FileAlreadyExistsException e) {
            throw WorkspaceException.drift(job.rel(), "already exists");
        } catch (ClosedByInterruptException e) {
            deleteQuietly(job.path());
            throw WorkspaceException.interrupted();
        } catch (IOException e) {
            deleteQuietly(job.path());
            throw WorkspaceException.io("writing", job.path(), e);
        } catch (RuntimeException e) {
            deleteQuietly(job.path());
            throw e;
        }
        files.incrementAndGet();
        bytes.addAndGet(file.size());
    }

    /** Streams a large blob into {@code out}; the store verifies its digest when the stream ends. */
    private long copy(ArtifactId id, FileChannel out, Path path) throws IOException {
        long total = 0;
        try (InputStream in = store.openStream(id)) {
            byte[] chunk = new byte[CHUNK];
            for (int n; (n = in.read(chunk)) >= 0; ) {
                ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, n);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                total += n;
            }
        } catch (IOException e) {
            if (e.getCause() instanceof StorageException corrupt) {
                throw corrupt; // the blob did not hash to its id: the caller deletes the partial file
            }
            throw e;
        }
        return total;
    }

    private static StatCache.FileStat stat(Path path) {
        try {
            return Snapshotter.statOf(
                    Files.readAttributes(path, Snapshotter.STAT_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            throw WorkspaceException.io("reading the attributes of", path, e);
        }
    }

    private static StatCache.FileStat primeStat(Path path, FileTime time) {
        try {
            Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(time, time, null);
            return Snapshotter.statOf(
                    Files.readAttributes(path, Snapshotter.STAT_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            throw WorkspaceException.io("setting the times of", path, e);
        }
    }

    private String storeIdentity() {
        return inventory.map(BlobInventory::identity).orElse("");
    }

    /**
     * The presence a cache keeps after writing: {@code kept}, plus the written tree's blobs when the
     * caller keeps the tree pinned (they are then safe from collection without a touch).
     */
    private Map<ArtifactId, Long> presence(boolean pinned, Set<ArtifactId> blobs, Map<ArtifactId, Long> kept) {
        if (inventory.isEmpty()) {
            return Map.of();
        }
        Map<ArtifactId, Long> out = new HashMap<>(kept);
        if (pinned) {
            long now = options.clock().nowMillis();
            blobs.forEach(id -> out.put(id, now));
        }
        return out;
    }

    // ------------------------------------------------------------------ updates

    MaterializeResult update(
            Path dir, TreeId from, TreeId to, List<TreeChange> changes, Optional<StatCache> cache, boolean pinned) {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw WorkspaceException.notADirectory(root);
        }
        String rootKey = root.toString();
        StatCache.View view =
                cache.map(c -> c.view(rootKey, storeIdentity())).orElse(new StatCache.View(Map.of(), Map.of()));
        Map<String, StatCache.Entry> entries = new HashMap<>(view.files());
        Set<String> realDirs = new HashSet<>();
        realDirs.add("");
        Set<ArtifactId> blobs = new HashSet<>();
        blobs.add(to.artifactId());
        List<FileJob> jobs = new ArrayList<>();
        List<String> removedPrefixes = new ArrayList<>();
        for (TreeChange change : changes) {
            if (Thread.currentThread().isInterrupted()) {
                throw WorkspaceException.interrupted();
            }
            String rel = change.path();
            Path path = root.resolve(rel);
            if (change.after().isEmpty() && underAny(rel, removedPrefixes)) {
                continue; // went with its removed directory
            }
            if (change.before().isPresent()) {
                TreeEntry before = change.before().get();
                ensureRealDir(root, parentOf(rel), realDirs);
                expect(path, rel, before);
                if (before instanceof TreeEntry.File b
                        && change.after().orElse(null) instanceof TreeEntry.File a
                        && a.digest().equals(b.digest())) {
                    StatCache.Entry known = entries.remove(rel);
                    boolean confirmed = known != null && known.stat().equals(stat(path));
                    chmod(path, a.mode());
                    if (confirmed) { // same content, as the cache confirms: only the stat moved
                        entries.put(rel, new StatCache.Entry(stat(path), known.digest()));
                    }
                    continue;
                }
                remove(path, before);
                forget(entries, rel);
                if (before instanceof TreeEntry.Directory) {
                    removedPrefixes.add(rel + "/");
                    realDirs.removeIf(d -> d.equals(rel) || d.startsWith(rel + "/"));
                }
            }
            if (change.after().isPresent()) {
                ensureRealDir(root, parentOf(rel), realDirs);
                switch (change.after().get()) {
                    case TreeEntry.File f -> {
                        jobs.add(new FileJob(rel, path, f));
                        blobs.add(f.digest());
                    }
                    case TreeEntry.Directory d -> {
                        mkdir(path, rel);
                        realDirs.add(rel);
                        blobs.add(d.tree().artifactId());
                    }
                    case TreeEntry.Symlink l -> link(path, rel, l);
                }
            }
        }
        Map<String, StatCache.Entry> primed = write(jobs, cache.isPresent());
        entries.putAll(primed);
        cache.ifPresent(c -> c.replace(rootKey, storeIdentity(), entries, presence(pinned, blobs, view.presence())));
        return new MaterializeResult(to, files.get(), directories, symlinks, bytes.get(), removed);
    }

    private static boolean underAny(String rel, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (rel.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static String parentOf(String rel) {
        int slash = rel.lastIndexOf('/');
        return slash < 0 ? "" : rel.substring(0, slash);
    }

    /** Checks, without following links, that {@code rel} and its ancestors are directories. */
    private static void ensureRealDir(Path root, String rel, Set<String> realDirs) {
        if (realDirs.contains(rel)) {
            return;
        }
        ensureRealDir(root, parentOf(rel), realDirs);
        BasicFileAttributes attributes = attributesOf(root.resolve(rel), rel);
        if (attributes == null || !attributes.isDirectory()) {
            throw WorkspaceException.drift(rel, attributes == null ? "is missing" : "is not a directory");
        }
        realDirs.add(rel);
    }

    private static BasicFileAttributes attributesOf(Path path, String rel) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw WorkspaceException.io("reading the attributes of", path, e);
        }
    }

    /** Checks that {@code path} is an entry of the kind {@code expected} says. */
    private static void expect(Path path, String rel, TreeEntry expected) {
        BasicFileAttributes attributes = attributesOf(path, rel);
        if (attributes == null) {
            throw WorkspaceException.drift(rel, "is missing");
        }
        boolean matches =
                switch (expected) {
                    case TreeEntry.File f -> attributes.isRegularFile();
                    case TreeEntry.Directory d -> attributes.isDirectory();
                    case TreeEntry.Symlink l -> attributes.isSymbolicLink();
                };
        if (!matches) {
            throw WorkspaceException.drift(rel, "is not a " + kindName(expected));
        }
    }

    private static String kindName(TreeEntry entry) {
        return switch (entry) {
            case TreeEntry.File f -> "file";
            case TreeEntry.Directory d -> "directory";
            case TreeEntry.Symlink l -> "link";
        };
    }

    private void remove(Path path, TreeEntry before) {
        try {
            if (before instanceof TreeEntry.Directory) {
                deleteTree(path);
            } else {
                Files.delete(path);
            }
            removed++;
        } catch (IOException e) {
            throw WorkspaceException.io("removing", path, e);
        }
    }

    /** Deletes a directory and everything below it; links are deleted, never followed. */
    static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void forget(Map<String, StatCache.Entry> entries, String rel) {
        entries.remove(rel);
        String prefix = rel + "/";
        entries.keySet().removeIf(k -> k.startsWith(prefix));
    }

    private static void chmod(Path path, FileMode mode) {
        try {
            Files.setPosixFilePermissions(
                    path, PosixFilePermissions.fromString(mode == FileMode.EXECUTABLE ? "rwxr-xr-x" : "rw-r--r--"));
        } catch (IOException e) {
            throw WorkspaceException.io("changing the mode of", path, e);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // the caller reports the original failure
        }
    }
}
