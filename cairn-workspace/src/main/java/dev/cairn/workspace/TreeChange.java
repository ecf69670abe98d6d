package dev.cairn.workspace;

import java.util.Objects;
import java.util.Optional;

/**
 * One path whose entry differs between two trees.
 *
 * @param path the path, relative to the root, {@code /}-separated
 * @param before its entry in the first tree, if any
 * @param after its entry in the second tree, if any
 */
public record TreeChange(String path, Optional<TreeEntry> before, Optional<TreeEntry> after) {

    /** What happened to a path. */
    public enum Kind {
        /** Only in the second tree. */
        ADDED,
        /** Only in the first tree. */
        REMOVED,
        /** In both, with different content, mode, target or type. */
        MODIFIED
    }

    public TreeChange {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        if (before.isEmpty() && after.isEmpty()) {
            throw WorkspaceException.invalidValue("change", "of `" + path + "` has neither a before nor an after");
        }
    }

    /** Added, removed or modified. */
    public Kind kind() {
        if (before.isEmpty()) {
            return Kind.ADDED;
        }
        return after.isEmpty() ? Kind.REMOVED : Kind.MODIFIED;
    }

    /** {@code A path}, {@code D path} or {@code M path}, as {@code git diff --name-status} prints. */
    @Override
    public String toString() {
        return switch (kind()) {
                    case ADDED -> "A ";
                    case REMOVED -> "D ";
                    case MODIFIED -> "M ";
                }
                + path;
    }
}
