package dev.cairn.workspace;

import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One snapshot of one directory: walk without following links, hash what the stat cache does not
 * know, store what the store lacks, write the tree objects bottom-up, make the deferred blobs
 * durable, and replace the stat cache's content.
 */
final class Snapshotter {

    /** The attributes one {@code lstat} gives, in the form {@code Files.readAttributes} reads them. */
    static final String STAT_ATTRIBUTES = "unix:mode,ino,dev,size,lastModifiedTime,ctime";

    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;
    private static final int CHUNK = 1 << 16;

    private final ArtifactStore store;
    private final Optional<BlobInventory> inventory;
    private final WorkspaceOptions options;
    private final Path root;
    private final StatCache cache;
    private final String rootKey;
    private final String storeIdentity;
    private final StatCache.View known;
    private final long startMillis;
    private final long racyBeforeNanos;
    private final long presenceTrustedFrom;

    private final Map<String, StatCache.Entry> newFiles = new ConcurrentHashMap<>();
    private final Map<ArtifactId, Long> confirmed = new ConcurrentHashMap<>();
    private final Map<ArtifactId, Long> uniqueSizes = new ConcurrentHashMap<>();
    private final Map<ArtifactId, CompletableFuture<Void>> uploads = new ConcurrentHashMap<>();
    private final Queue<String> skipped = new ConcurrentLinkedQueue<>();
    private final List<FileNode> files = new ArrayList<>();
    private long directories;
    private long symlinks;
    private final AtomicLong hashedFiles = new AtomicLong();
    private final AtomicLong hashedBytes = new AtomicLong();
    private final AtomicLong storedBlobs = new AtomicLong();
    private final AtomicLong storedBytes = new AtomicLong();

    private sealed interface Node permits FileNode, DirNode, LinkNode {
        String name();
    }

    private static final class FileNode implements Node {
        final String name;
        final String rel;
        final Path path;
        final StatCache.FileStat stat;
        volatile ArtifactId digest;

        FileNode(String name, String rel, Path path, StatCache.FileStat stat, ArtifactId digest) {
            this.name = name;
            this.rel = rel;
            this.path = path;
            this.stat = stat;
            this.digest = digest;
        }

        @Override
        public String name() {
            return name;
        }
    }

    private record DirNode(String name, List<Node> children) implements Node {}

    private record LinkNode(String name, String target) implements Node {}

    Snapshotter(
            ArtifactStore store,
            Optional<BlobInventory> inventory,
            WorkspaceOptions options,
            Path root,
            StatCache cache) {
        this.store = store;
        this.inventory = inventory;
        this.options = options;
        this.root = root.toAbsolutePath().normalize();
        this.cache = cache;
        this.rootKey = this.root.toString();
        this.storeIdentity = inventory.map(BlobInventory::identity).orElse("");
        this.known = cache.view(rootKey, storeIdentity);
        this.startMillis = options.clock().nowMillis();
        this.racyBeforeNanos =
                TimeUnit.MILLISECONDS.toNanos(startMillis - options.racyWindow().toMillis());
        this.presenceTrustedFrom = startMillis - options.presenceTtl().toMillis();
    }

    SnapshotResult run() {
        if (!Files.isDirectory(root)) {
            throw WorkspaceException.notADirectory(root);
        }
        DirNode top = walkInParallel();
        collect(top);
        List<FileNode> work = new ArrayList<>();
        for (FileNode file : files) {
            if (!knownAndPresent(file)) {
                work.add(file); // read it, or touch its blob: I/O worth spreading over threads
            }
        }
        Parallel.forEach(options.parallelism(), work, this::process);
        TreeId id = writeTrees(top);
        store.sync();
        cache.replace(rootKey, storeIdentity, newFiles, inventory.isPresent() ? confirmed : Map.of());
        long fileBytes = 0;
        for (FileNode f : files) {
            fileBytes += f.stat.size();
        }
        long unique = 0;
        for (long size : uniqueSizes.values()) {
            unique += size;
        }
        return new SnapshotResult(
                id,
                files.size(),
                directories,
                symlinks,
                fileBytes,
                hashedFiles.get(),
                hashedBytes.get(),
                storedBlobs.get(),
                storedBytes.get(),
                unique,
                skipped.stream().sorted().toList());
    }

    // ------------------------------------------------------------------ walk

    /**
     * Walks the tree on a pool of {@link WorkspaceOptions#parallelism()} threads, a task per
     * directory: listing and {@code lstat}-ing are system calls that two cores do in half the time.
     */
    private DirNode walkInParallel() {
        if (Thread.currentThread().isInterrupted()) {
            throw WorkspaceException.interrupted();
        }
        ForkJoinPool pool = new ForkJoinPool(options.parallelism());
        try {
            return pool.invoke(new Walk(root, "", ""));
        } finally {
            pool.shutdownNow();
        }
    }

    /** Lists one directory and forks a task for each subdirectory. */
    private final class Walk extends RecursiveTask<DirNode> {
        private static final long serialVersionUID = 1L;

        private final transient Path dir;
        private final String name;
        private final String rel;

        Walk(Path dir, String name, String rel) {
            this.dir = dir;
            this.name = name;
            this.rel = rel;
        }

        @Override
        protected DirNode compute() {
            List<Node> children = new ArrayList<>();
            List<Walk> subdirectories = new ArrayList<>();
            List<Integer> slots = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path path : entries) {
                    String childName = path.getFileName().toString();
                    if (childName.indexOf('\uFFFD') >= 0) {
                        checkRepresentable(dir, path, childName);
                    }
                    String childRel = rel.isEmpty() ? childName : rel + "/" + childName;
                    Map<String, Object> attributes = lstat(path, childRel);
                    int mode = (Integer) attributes.get("mode");
                    switch (mode & S_IFMT) {
                        case S_IFREG -> {
                            Names.check(childName);
                            StatCache.FileStat stat = statOf(attributes);
                            StatCache.Entry entry = known.files().get(childRel);
                            ArtifactId digest = entry != null && entry.stat().equals(stat) ? entry.digest() : null;
                            children.add(new FileNode(childName, childRel, path, stat, digest));
                        }
                        case S_IFDIR -> {
                            Names.check(childName);
                            Walk task = new Walk(path, childName, childRel);
                            task.fork();
                            subdirectories.add(task);
                            slots.add(children.size());
                            children.add(null);
                        }
                        case S_IFLNK -> {
                            Names.check(childName);
                            children.add(new LinkNode(childName, linkTarget(path, childRel)));
                        }
                        default -> skipped.add(childRel);
                    }
                }
            } catch (NoSuchFileException e) {
                throw WorkspaceException.changedDuringSnapshot(rel.isEmpty() ? "." : rel);
            } catch (IOException e) {
                throw WorkspaceException.io("listing", dir, e);
            }
            for (int k = 0; k < subdirectories.size(); k++) {
                children.set(slots.get(k), subdirectories.get(k).join());
            }
            return new DirNode(name, children);
        }
    }

    /** Lists the files and counts the directories and links of the walked tree. */
    private void collect(DirNode dir) {
        directories++;
        for (Node child : dir.children()) {
            switch (child) {
                case FileNode f -> files.add(f);
                case DirNode d -> collect(d);
                case LinkNode l -> symlinks++;
            }
        }
    }

    /**
     * Refuses a name that the file-name encoding could not decode: the JVM shows the undecodable
     * bytes as U+FFFD, and a tree holding that text would materialize another name.
     */
    private static void checkRepresentable(Path dir, Path path, String name) {
        Path reencoded = dir.resolve(name);
        boolean same;
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
            same = key != null
                    && key.equals(Files.readAttributes(reencoded, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                            .fileKey());
        } catch (NoSuchFileException e) {
            same = false;
        } catch (IOException e) {
            throw WorkspaceException.io("reading the attributes of", path, e);
        }
        if (!same) {
            throw WorkspaceException.unrepresentableName(dir, name);
        }
    }

    private static Map<String, Object> lstat(Path path, String rel) {
        try {
            return Files.readAttributes(path, STAT_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw WorkspaceException.changedDuringSnapshot(rel);
        } catch (IOException e) {
            throw WorkspaceException.io("reading the attributes of", path, e);
        }
    }

    static StatCache.FileStat statOf(Map<String, Object> a) {
        return new StatCache.FileStat(
                (Long) a.get("size"),
                ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS),
                ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS),
                (Long) a.get("ino"),
                (Long) a.get("dev"),
                (Integer) a.get("mode"));
    }

    /** The link's text in the normal form trees keep: no empty segments, no trailing {@code /}. */
    private static String linkTarget(Path link, String rel) {
        try {
            return normalizeTarget(Files.readSymbolicLink(link).toString());
        } catch (NoSuchFileException e) {
            throw WorkspaceException.changedDuringSnapshot(rel);
        } catch (IOException e) {
            throw WorkspaceException.io("reading the link", link, e);
        }
    }

    static String normalizeTarget(String target) {
        String t = target;
        while (t.contains("//")) {
            t = t.replace("//", "/");
        }
        if (t.length() > 1 && t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }

    // ------------------------------------------------------------------ files

    /**
     * Records an unchanged file whose blob an earlier snapshot confirmed recently, without I/O;
     * whether it could.
     */
    private boolean knownAndPresent(FileNode file) {
        ArtifactId digest = file.digest;
        if (digest == null) {
            return false;
        }
        Long at = confirmed.get(digest);
        if (at == null) {
            at = known.presence().get(digest);
            if (at == null || at < presenceTrustedFrom) {
                return false;
            }
            confirmed.put(digest, at);
        }
        newFiles.put(file.rel, new StatCache.Entry(file.stat, digest));
        uniqueSizes.put(digest, file.stat.size());
        return true;
    }

    private void process(FileNode file) {
        ArtifactId known = file.digest;
        if (known != null && confirmPresent(known)) {
            newFiles.put(file.rel, new StatCache.Entry(file.stat, known));
            uniqueSizes.put(known, file.stat.size());
            return;
        }
        hashAndStore(file);
    }

    /**
     * Whether blob {@code id} is stored and safe from collection until this snapshot is committed:
     * confirmed earlier in this snapshot, confirmed recently by an earlier one (the stat cache), or
     * freshened now. Never uploads.
     */
    private boolean confirmPresent(ArtifactId id) {
        if (confirmed.containsKey(id)) {
            return true;
        }
        Long at = known.presence().get(id);
        if (at != null && at >= presenceTrustedFrom) {
            confirmed.put(id, at);
            return true;
        }
        if (inventory.isPresent()) {
            if (inventory.get().freshen(id)) {
                confirmed.put(id, options.clock().nowMillis());
                return true;
            }
            return false;
        }
        if (store.exists(id)) {
            confirmed.put(id, options.clock().nowMillis());
            return true;
        }
        return false;
    }

    private void hashAndStore(FileNode file) {
        StatCache.FileStat stat = file.stat;
        ArtifactId digest;
        if (stat.size() <= options.smallFileBytes()) {
            byte[] bytes = readSmall(file);
            digest = new ArtifactId(ArtifactIds.ofBytes(bytes));
            checkUnchanged(file);
            if (!confirmPresent(digest)) {
                upload(digest, () -> {
                    store.putDeferred(Workspaces.FILE_KIND, bytes);
                    stored(digest, bytes.length);
                });
            }
        } else {
            digest = hashLarge(file);
            checkUnchanged(file);
            if (!confirmPresent(digest)) {
                upload(digest, () -> {
                    ArtifactId put;
                    try (InputStream in = Channels.newInputStream(open(file))) {
                        put = store.putStream(Workspaces.FILE_KIND, in);
                    } catch (IOException e) {
                        throw WorkspaceException.io("reading", file.path, e);
                    }
                    if (!put.equals(digest)) {
                        throw WorkspaceException.changedDuringSnapshot(file.rel);
                    }
                    stored(digest, stat.size());
                });
            }
        }
        file.digest = digest;
        hashedFiles.incrementAndGet();
        hashedBytes.addAndGet(stat.size());
        uniqueSizes.put(digest, stat.size());
        if (stat.mtimeNanos() < racyBeforeNanos) {
            newFiles.put(file.rel, new StatCache.Entry(stat, digest));
        }
    }

    /**
     * Runs {@code put} once per blob in this snapshot: a second file with the same new content waits
     * for the first one's upload instead of writing it again.
     */
    private void upload(ArtifactId id, Runnable put) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> running = uploads.putIfAbsent(id, mine);
        if (running != null) {
            try {
                running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            return;
        }
        try {
            put.run();
            mine.complete(null);
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private void stored(ArtifactId id, long size) {
        confirmed.put(id, options.clock().nowMillis());
        storedBlobs.incrementAndGet();
        storedBytes.addAndGet(size);
    }

    private static FileChannel open(FileNode file) {
        try {
            return FileChannel.open(file.path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw WorkspaceException.changedDuringSnapshot(file.rel);
        } catch (ClosedByInterruptException e) {
            throw WorkspaceException.interrupted();
        } catch (IOException e) {
            // ELOOP: the file was replaced by a link since the walk
            throw WorkspaceException.io("opening", file.path, e);
        }
    }

    private static byte[] readSmall(FileNode file) {
        int size = (int) file.stat.size();
        byte[] bytes = new byte[size];
        try (FileChannel in = open(file)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                if (in.read(buffer) < 0) {
                    throw WorkspaceException.changedDuringSnapshot(file.rel);
                }
            }
            if (in.read(ByteBuffer.allocate(1)) >= 0) {
                throw WorkspaceException.changedDuringSnapshot(file.rel);
            }
        } catch (ClosedByInterruptException e) {
            throw WorkspaceException.interrupted();
        } catch (IOException e) {
            throw WorkspaceException.io("reading", file.path, e);
        }
        return bytes;
    }

    private static ArtifactId hashLarge(FileNode file) {
        MessageDigest sha = ArtifactIds.sha256();
        long total = 0;
        try (FileChannel in = open(file)) {
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            for (int n; (n = in.read(buffer)) >= 0; ) {
                buffer.flip();
                sha.update(buffer);
                buffer.clear();
                total += n;
            }
        } catch (ClosedByInterruptException e) {
            throw WorkspaceException.interrupted();
        } catch (IOException e) {
            throw WorkspaceException.io("reading", file.path, e);
        }
        if (total != file.stat.size()) {
            throw WorkspaceException.changedDuringSnapshot(file.rel);
        }
        return new ArtifactId(HexFormat.of().formatHex(sha.digest()));
    }

    /** Fails when the file's stat moved while it was read. */
    private static void checkUnchanged(FileNode file) {
        Map<String, Object> after;
        try {
            after = Files.readAttributes(file.path, STAT_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw WorkspaceException.changedDuringSnapshot(file.rel);
        } catch (IOException e) {
            throw WorkspaceException.io("reading the attributes of", file.path, e);
        }
        if (!statOf(after).equals(file.stat)) {
            throw WorkspaceException.changedDuringSnapshot(file.rel);
        }
    }

    // ------------------------------------------------------------------ trees

    private TreeId writeTrees(DirNode dir) {
        List<TreeEntry> entries = new ArrayList<>(dir.children().size());
        for (Node child : dir.children()) {
            entries.add(
                    switch (child) {
                        case FileNode f ->
                            new TreeEntry.File(f.name, FileMode.ofPosix(f.stat.mode()), f.stat.size(), f.digest);
                        case DirNode d -> new TreeEntry.Directory(d.name(), writeTrees(d));
                        case LinkNode l -> new TreeEntry.Symlink(l.name(), l.target());
                    });
        }
        byte[] bytes = WorkspaceTree.of(entries).canonicalBytes();
        ArtifactId id = new ArtifactId(ArtifactIds.ofBytes(bytes));
        if (!confirmPresent(id)) {
            store.putDeferred(TreeStore.KIND, bytes);
            stored(id, bytes.length);
        }
        uniqueSizes.put(id, (long) bytes.length);
        return TreeId.of(id);
    }
}
