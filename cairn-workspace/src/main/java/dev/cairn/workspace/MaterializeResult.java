package dev.cairn.workspace;

import java.util.Objects;

/**
 * What a materialization or an update wrote.
 *
 * @param tree the tree the directory now holds
 * @param files regular files written
 * @param directories directories created
 * @param symlinks links created
 * @param bytes bytes written
 * @param removed entries removed (updates only; a removed directory counts once)
 */
public record MaterializeResult(TreeId tree, long files, long directories, long symlinks, long bytes, long removed) {

    public MaterializeResult {
        Objects.requireNonNull(tree, "tree");
    }
}
