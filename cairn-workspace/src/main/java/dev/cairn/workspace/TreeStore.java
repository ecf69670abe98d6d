package dev.cairn.workspace;

import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import java.util.Arrays;
import java.util.Objects;

/**
 * Tree objects in an {@link ArtifactStore}, stored as {@link #KIND} artifacts.
 *
 * <p>A read checks that the stored bytes are exactly the canonical JSON of a valid {@link
 * WorkspaceTree}: the store already checks that they hash to the id, so a tree id always names one
 * tree, in one byte form.
 */
public final class TreeStore implements TreeReader {

    /** The artifact kind of tree objects. */
    public static final ArtifactKind KIND = new ArtifactKind.Other("tree");

    private final ArtifactStore store;

    public TreeStore(ArtifactStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The store the trees live in. */
    public ArtifactStore store() {
        return store;
    }

    @Override
    public WorkspaceTree read(TreeId id) {
        Objects.requireNonNull(id, "id");
        return parse(id, store.get(id.artifactId()));
    }

    /** Stores {@code tree} (durably, as {@link ArtifactStore#put}) and returns its id. */
    public TreeId write(WorkspaceTree tree) {
        Objects.requireNonNull(tree, "tree");
        ArtifactId id = store.put(KIND, tree.canonicalBytes());
        return TreeId.of(id);
    }

    /**
     * The tree whose stored bytes are {@code bytes}.
     *
     * @throws WorkspaceException {@code corrupt_tree} when they are not the canonical JSON of a tree
     */
    public static WorkspaceTree parse(TreeId id, byte[] bytes) {
        WorkspaceTree tree;
        try {
            tree = Wire.read(bytes, WorkspaceTree.class);
        } catch (JsonException e) {
            throw WorkspaceException.corruptTree(id, e.getMessage(), e);
        } catch (WorkspaceException e) {
            throw WorkspaceException.corruptTree(id, e.getMessage(), e);
        }
        if (!Arrays.equals(tree.canonicalBytes(), bytes)) {
            throw WorkspaceException.corruptTree(id, "its bytes are not the tree's canonical JSON", null);
        }
        return tree;
    }
}
