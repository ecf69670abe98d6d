package dev.cairn.workspace;

import java.util.List;
import java.util.Objects;

/**
 * What a snapshot produced: the root tree, and what it took.
 *
 * @param tree the id of the workspace's root tree: the snapshot's id
 * @param files regular files in the workspace
 * @param directories directories, the root included
 * @param symlinks symbolic links
 * @param fileBytes the total size of the files
 * @param hashedFiles files read and hashed (the others were known unchanged from the stat cache)
 * @param hashedBytes bytes read and hashed
 * @param storedBlobs blobs (files and tree objects) written to the store because it lacked them
 * @param storedBytes bytes of those blobs
 * @param uniqueBytes the size of the distinct blobs the tree references, tree objects included:
 *     what keeping this snapshot costs the store at most
 * @param skipped paths of entries that are not files, directories or links (sockets, FIFOs,
 *     devices); they are not part of the tree
 */
public record SnapshotResult(
        TreeId tree,
        long files,
        long directories,
        long symlinks,
        long fileBytes,
        long hashedFiles,
        long hashedBytes,
        long storedBlobs,
        long storedBytes,
        long uniqueBytes,
        List<String> skipped) {

    public SnapshotResult {
        Objects.requireNonNull(tree, "tree");
        skipped = List.copyOf(skipped);
    }
}
