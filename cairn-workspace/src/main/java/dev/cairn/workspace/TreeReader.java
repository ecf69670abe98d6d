package dev.cairn.workspace;

/** Reads tree objects by id. Implementations are thread-safe. */
@FunctionalInterface
public interface TreeReader {

    /**
     * The tree {@code id} names.
     *
     * @throws dev.cairn.machine.errors.StorageException {@code artifact_not_found} when it is not stored
     * @throws WorkspaceException {@code corrupt_tree} when the stored bytes are not a canonical tree
     */
    WorkspaceTree read(TreeId id);
}
