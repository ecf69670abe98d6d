package dev.cairn.workspace;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The differences between two trees, path by path.
 *
 * <p>Subtrees with equal ids are skipped without being read, so the cost follows the size of the
 * change, not of the trees. A directory present in both with different content is not itself a
 * change; its differing entries are. An added or removed directory is a change, and so is every
 * entry below it. A path whose kind changed (a file became a directory) is one {@link
 * TreeChange.Kind#MODIFIED} change, followed by the entries added or removed below it. Changes come
 * in depth-first order, entries sorted by name ({@link Names#ORDER}), a directory before its
 * content.
 */
public final class TreeDiff {

    private final TreeReader trees;

    public TreeDiff(TreeReader trees) {
        this.trees = Objects.requireNonNull(trees, "trees");
    }

    /** What changed from {@code from} to {@code to}; empty when they are the same tree. */
    public List<TreeChange> between(TreeId from, TreeId to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        List<TreeChange> out = new ArrayList<>();
        if (!from.equals(to)) {
            compare("", trees.read(from), trees.read(to), out);
        }
        return out;
    }

    /** Every entry of {@code tree}, as changes adding it (from an empty workspace). */
    public List<TreeChange> all(TreeId tree) {
        List<TreeChange> out = new ArrayList<>();
        everything("", tree, true, out);
        return out;
    }

    private void compare(String prefix, WorkspaceTree a, WorkspaceTree b, List<TreeChange> out) {
        List<TreeEntry> x = a.entries();
        List<TreeEntry> y = b.entries();
        int i = 0;
        int j = 0;
        while (i < x.size() || j < y.size()) {
            int c = i == x.size()
                    ? 1
                    : j == y.size()
                            ? -1
                            : Names.compare(x.get(i).name(), y.get(j).name());
            if (c < 0) {
                removed(prefix, x.get(i++), out);
            } else if (c > 0) {
                added(prefix, y.get(j++), out);
            } else {
                TreeEntry before = x.get(i++);
                TreeEntry after = y.get(j++);
                if (before.equals(after)) {
                    continue;
                }
                String path = prefix + before.name();
                if (before instanceof TreeEntry.Directory d && after instanceof TreeEntry.Directory e) {
                    compare(path + "/", trees.read(d.tree()), trees.read(e.tree()), out);
                    continue;
                }
                out.add(new TreeChange(path, Optional.of(before), Optional.of(after)));
                if (before instanceof TreeEntry.Directory d) {
                    everything(path + "/", d.tree(), false, out);
                }
                if (after instanceof TreeEntry.Directory e) {
                    everything(path + "/", e.tree(), true, out);
                }
            }
        }
    }

    private void added(String prefix, TreeEntry entry, List<TreeChange> out) {
        String path = prefix + entry.name();
        out.add(new TreeChange(path, Optional.empty(), Optional.of(entry)));
        if (entry instanceof TreeEntry.Directory d) {
            everything(path + "/", d.tree(), true, out);
        }
    }

    private void removed(String prefix, TreeEntry entry, List<TreeChange> out) {
        String path = prefix + entry.name();
        out.add(new TreeChange(path, Optional.of(entry), Optional.empty()));
        if (entry instanceof TreeEntry.Directory d) {
            everything(path + "/", d.tree(), false, out);
        }
    }

    private void everything(String prefix, TreeId tree, boolean add, List<TreeChange> out) {
        for (TreeEntry entry : trees.read(tree).entries()) {
            if (add) {
                added(prefix, entry, out);
            } else {
                removed(prefix, entry, out);
            }
        }
    }
}
