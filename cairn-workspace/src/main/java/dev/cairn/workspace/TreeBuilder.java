package dev.cairn.workspace;

import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Builds a workspace tree from paths whose content is already in the store (a step's input files,
 * say) without touching a disk: {@code builder.file("src/a.txt", REGULAR, 12, digest).build()}.
 * Intermediate directories are implied; {@link #directory} adds an empty one. Not thread-safe.
 */
public final class TreeBuilder {

    private final ArtifactStore store;
    private final Dir root = new Dir();

    /** A directory being built: its entries by name, in tree order. */
    private static final class Dir {
        final Map<String, Object> children = new TreeMap<>(Names.ORDER);
    }

    TreeBuilder(ArtifactStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** Adds a file at {@code path} ({@code /}-separated, relative, no {@code .} or {@code ..} segment). */
    public TreeBuilder file(String path, FileMode mode, long size, ArtifactId digest) {
        List<String> segments = segments(path);
        String name = segments.getLast();
        put(path, segments, new TreeEntry.File(name, mode, size, digest));
        return this;
    }

    /** Adds a symbolic link at {@code path} whose text is {@code target}. */
    public TreeBuilder symlink(String path, String target) {
        List<String> segments = segments(path);
        put(path, segments, new TreeEntry.Symlink(segments.getLast(), target));
        return this;
    }

    /** Makes sure a directory exists at {@code path} (empty unless entries are added below it). */
    public TreeBuilder directory(String path) {
        Dir dir = root;
        for (String segment : segments(path)) {
            dir = childDir(dir, segment, path);
        }
        return this;
    }

    /** Writes the tree objects (deferred, then synced once) and returns the root's id. */
    public TreeId build() {
        TreeId id = write(root);
        store.sync();
        return id;
    }

    private TreeId write(Dir dir) {
        List<TreeEntry> entries = new ArrayList<>(dir.children.size());
        for (Map.Entry<String, Object> e : dir.children.entrySet()) {
            entries.add(
                    e.getValue() instanceof Dir d
                            ? new TreeEntry.Directory(e.getKey(), write(d))
                            : (TreeEntry) e.getValue());
        }
        WorkspaceTree tree = new WorkspaceTree(WorkspaceTree.FORMAT_VERSION, entries);
        return TreeId.of(store.putDeferred(TreeStore.KIND, tree.canonicalBytes()));
    }

    private void put(String path, List<String> segments, TreeEntry leaf) {
        Dir dir = root;
        for (String segment : segments.subList(0, segments.size() - 1)) {
            dir = childDir(dir, segment, path);
        }
        if (dir.children.putIfAbsent(leaf.name(), leaf) != null) {
            throw WorkspaceException.invalidValue("path", "`" + path + "` is given twice");
        }
    }

    private static Dir childDir(Dir dir, String segment, String path) {
        Object child = dir.children.computeIfAbsent(segment, k -> new Dir());
        if (child instanceof Dir d) {
            return d;
        }
        throw WorkspaceException.invalidValue(
                "path", "`" + path + "` goes through `" + segment + "`, which is not a directory");
    }

    private static List<String> segments(String path) {
        Objects.requireNonNull(path, "path");
        if (path.isEmpty() || path.startsWith("/") || path.endsWith("/")) {
            throw WorkspaceException.invalidValue(
                    "path",
                    "`" + WorkspaceException.printable(path)
                            + "` must be relative and non-empty, without a trailing `/`");
        }
        List<String> segments = List.of(path.split("/", -1));
        segments.forEach(Names::check);
        return segments;
    }
}
