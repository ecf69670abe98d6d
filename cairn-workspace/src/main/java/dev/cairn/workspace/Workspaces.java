package dev.cairn.workspace;

import dev.cairn.executor.protocol.InputFile;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.store.fs.FsArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Content-addressed workspaces: snapshot a directory into a Merkle tree in the artifact store,
 * materialize a tree into a directory, update a directory from one tree to another, diff trees,
 * select a step's outputs. See {@code docs/workspaces.md} for the format, the algorithms and their
 * invariants.
 *
 * <pre>{@code
 * Workspaces workspaces = Workspaces.open(fsStore);
 * StatCache cache = StatCache.inMemory();
 * workspaces.materialize(parent, dir, cache);          // the step's starting point
 * // ... the step runs in dir ...
 * SnapshotResult after = workspaces.snapshot(dir, cache); // rereads only what the step changed
 * List<OutputArtifact> outputs = workspaces.outputs(after.tree(), step.outputs());
 * }</pre>
 *
 * <p>Thread-safe: operations on different directories may run concurrently. Two operations on one
 * directory, or a snapshot of a directory something else writes to, are the caller's to avoid (a
 * snapshot that sees a file change fails with {@code workspace_changed}). Operations block; an
 * interrupt stops them with {@code interrupted}, leaving the directory partly written.
 */
public final class Workspaces {

    /** The artifact kind of workspace files (the kind is metadata; the id is the bytes' SHA-256). */
    public static final ArtifactKind FILE_KIND = new ArtifactKind.Other("file");

    private final ArtifactStore store;
    private final Optional<BlobInventory> inventory;
    private final WorkspaceOptions options;
    private final TreeStore trees;

    private Workspaces(ArtifactStore store, Optional<BlobInventory> inventory, WorkspaceOptions options) {
        this.store = Objects.requireNonNull(store, "store");
        this.inventory = inventory;
        this.options = Objects.requireNonNull(options, "options");
        this.trees = new TreeStore(store);
    }

    /** Workspaces on a filesystem store, whose blobs a collector may delete; default options. */
    public static Workspaces open(FsArtifactStore store) {
        return open(store, WorkspaceOptions.defaults());
    }

    /** Workspaces on a filesystem store, whose blobs a collector may delete. */
    public static Workspaces open(FsArtifactStore store, WorkspaceOptions options) {
        return new Workspaces(store, Optional.of(BlobInventory.of(store)), options);
    }

    /**
     * Workspaces on {@code store}, whose blobs {@code inventory} lists, touches and deletes: snapshots
     * touch the blobs they reuse so that a collector keeps them.
     */
    public static Workspaces open(ArtifactStore store, BlobInventory inventory, WorkspaceOptions options) {
        return new Workspaces(store, Optional.of(Objects.requireNonNull(inventory, "inventory")), options);
    }

    /**
     * Workspaces on a store nothing ever deletes from (an in-memory store, say): snapshots check
     * with {@link ArtifactStore#exists} instead of touching, and the stat cache keeps no presence.
     */
    public static Workspaces uncollected(ArtifactStore store, WorkspaceOptions options) {
        return new Workspaces(store, Optional.empty(), options);
    }

    /** The artifact store. */
    public ArtifactStore store() {
        return store;
    }

    /** The tree objects of the store. */
    public TreeStore trees() {
        return trees;
    }

    /** The options in effect. */
    public WorkspaceOptions options() {
        return options;
    }

    // ------------------------------------------------------------------ snapshots

    /** Snapshots {@code dir} with no knowledge of earlier snapshots: every file is read. */
    public SnapshotResult snapshot(Path dir) {
        return snapshot(dir, StatCache.inMemory());
    }

    /**
     * Stores the content of {@code dir} as a tree and returns its id. Files whose stat matches
     * {@code cache} are not read; blobs the store already holds are not written again (but touched,
     * unless the cache confirmed them recently); small blobs are made durable together at the end.
     * Symbolic links are kept as links and never followed; sockets, FIFOs and devices are left out
     * and listed in {@link SnapshotResult#skipped()}. The cache then describes {@code dir} as
     * snapshotted.
     *
     * @throws WorkspaceException {@code workspace_changed} (retryable) when a file changed while it
     *     was read; {@code not_a_directory}; {@code invalid_entry_name} or {@code unrepresentable_name}
     *     for a name a tree cannot hold; {@code workspace_io}
     */
    public SnapshotResult snapshot(Path dir, StatCache cache) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(cache, "cache");
        return new Snapshotter(store, inventory, options, dir, cache).run();
    }

    // ------------------------------------------------------------------ materialization

    /** Writes tree {@code tree} into {@code dir}, which must be empty or absent. */
    public MaterializeResult materialize(TreeId tree, Path dir) {
        Objects.requireNonNull(tree, "tree");
        Objects.requireNonNull(dir, "dir");
        return new Materializer(store, trees, inventory, options).materialize(tree, dir, Optional.empty(), false);
    }

    /**
     * Writes tree {@code tree} into {@code dir}, which must be empty or absent, and primes {@code
     * cache} with the files written, so that the next snapshot of {@code dir} reads only the files
     * changed meanwhile. Files get modes {@code 0644}/{@code 0755} and a modification time a few
     * seconds in the past (see {@link StatCache}); links are created as they are recorded.
     *
     * @param protection {@link TreeProtection#PINNED} when the caller keeps the tree pinned until the
     *     next snapshot is committed, so that the snapshot need not touch the tree's blobs
     * @throws WorkspaceException {@code workspace_not_empty}, {@code not_a_directory}, {@code
     *     workspace_io}; the store's {@code StorageException} when a blob is missing or corrupt (the
     *     partial file is deleted)
     */
    public MaterializeResult materialize(TreeId tree, Path dir, StatCache cache, TreeProtection protection) {
        Objects.requireNonNull(tree, "tree");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(protection, "protection");
        return new Materializer(store, trees, inventory, options)
                .materialize(tree, dir, Optional.of(cache), protection == TreeProtection.PINNED);
    }

    /** {@link #materialize(TreeId, Path, StatCache, TreeProtection)} with {@link TreeProtection#UNPROTECTED}. */
    public MaterializeResult materialize(TreeId tree, Path dir, StatCache cache) {
        return materialize(tree, dir, cache, TreeProtection.UNPROTECTED);
    }

    /**
     * Changes {@code dir}, which holds tree {@code from}, into tree {@code to}, touching only the
     * entries that differ: removed entries are deleted (directories with their content, links
     * without following them), changed files are deleted and written anew (never in place), a mode
     * change is a {@code chmod}. {@code cache} loses the entries of what changed and is primed with
     * what was written.
     *
     * <p>The caller vouches that {@code dir} holds {@code from}: a snapshot taken with {@code cache}
     * right before costs little and proves it. What is checked on the way: every directory written
     * into is a real directory (not a link), and every entry removed has the kind {@code from} says;
     * otherwise {@code workspace_drift}, with the directory partly updated.
     */
    public MaterializeResult update(Path dir, TreeId from, TreeId to, StatCache cache, TreeProtection protection) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(protection, "protection");
        List<TreeChange> changes = diff(from, to);
        return new Materializer(store, trees, inventory, options)
                .update(dir, from, to, changes, Optional.of(cache), protection == TreeProtection.PINNED);
    }

    /** {@link #update(Path, TreeId, TreeId, StatCache, TreeProtection)} with {@link TreeProtection#UNPROTECTED}. */
    public MaterializeResult update(Path dir, TreeId from, TreeId to, StatCache cache) {
        return update(dir, from, to, cache, TreeProtection.UNPROTECTED);
    }

    // ------------------------------------------------------------------ trees

    /** What changed from tree {@code from} to tree {@code to} ({@link TreeDiff}). */
    public List<TreeChange> diff(TreeId from, TreeId to) {
        return new TreeDiff(trees).between(from, to);
    }

    /**
     * The files of {@code tree} that match any of {@code globs} ({@code java.nio} glob syntax against
     * the path relative to the root, as {@code CommandStep.outputs}), in tree order. Links are not
     * outputs, even when their names match.
     */
    public List<OutputArtifact> outputs(TreeId tree, List<String> globs) {
        Objects.requireNonNull(tree, "tree");
        List<PathMatcher> matchers = new ArrayList<>();
        for (String glob : globs) {
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }
        List<OutputArtifact> out = new ArrayList<>();
        if (!matchers.isEmpty()) {
            collectOutputs(tree, "", matchers, out);
        }
        return out;
    }

    private void collectOutputs(TreeId id, String prefix, List<PathMatcher> matchers, List<OutputArtifact> out) {
        for (TreeEntry entry : trees.read(id).entries()) {
            String path = prefix + entry.name();
            switch (entry) {
                case TreeEntry.File f -> {
                    Path relative = Path.of(path);
                    if (matchers.stream().anyMatch(m -> m.matches(relative))) {
                        out.add(new OutputArtifact(path, f.digest(), MediaTypes.guess(path), f.size()));
                    }
                }
                case TreeEntry.Directory d -> collectOutputs(d.tree(), path + "/", matchers, out);
                case TreeEntry.Symlink l -> {
                    // links are not outputs
                }
            }
        }
    }

    /** A builder of a tree from content already in the store. */
    public TreeBuilder treeBuilder() {
        return new TreeBuilder(store);
    }

    /**
     * The tree of a step's input files ({@code CommandTask.inputs}): each file at its path with its
     * content and executable bit. Its id is the step's input tree id for the cache key, and
     * materializing it places the inputs. Sizes come from the store (read whole when it cannot tell
     * them otherwise).
     */
    public TreeId inputTree(List<InputFile> inputs) {
        TreeBuilder builder = treeBuilder();
        for (InputFile input : inputs) {
            ArtifactId id = new ArtifactId(input.artifactId());
            builder.file(input.path(), input.executable() ? FileMode.EXECUTABLE : FileMode.REGULAR, sizeOf(id), id);
        }
        return builder.build();
    }

    /** The size of blob {@code id}: from the inventory, or by reading it. */
    public long sizeOf(ArtifactId id) {
        OptionalLong known = inventory.map(i -> i.sizeOf(id)).orElse(OptionalLong.empty());
        if (known.isPresent()) {
            return known.getAsLong();
        }
        try (InputStream in = store.openStream(id)) {
            return in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            if (e.getCause() instanceof StorageException storage) {
                throw storage;
            }
            throw StorageException.unavailable("reading blob " + id + " failed: " + e, e);
        }
    }
}
