package dev.cairn.workspace.cache;

import dev.cairn.executor.protocol.SnapshotRef;
import dev.cairn.json.ArtifactIds;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.WorkspaceException;
import java.util.Objects;

/**
 * The snapshot references Cairn hands out and resolves. {@link SnapshotRef} is opaque to the host
 * (seed 002); Cairn's executor uses two forms:
 *
 * <ul>
 *   <li>{@code cache:<key>} — the action-cache entry of a {@link CacheKey}: the tag of {@code
 *       MissBuildAs} and {@code Hit}. It resolves, through the cache, to the entry's snapshot tree,
 *       exit code and outputs.
 *   <li>{@code tree:<id>} — a workspace tree itself: resolves from the artifact store alone, e.g. a
 *       parent snapshot the host already resolved (and pinned).
 * </ul>
 */
public final class SnapshotRefs {

    /** The prefix of cache tags. */
    public static final String CACHE_PREFIX = "cache:";

    /** The prefix of tree references. */
    public static final String TREE_PREFIX = "tree:";

    /** What a Cairn snapshot reference names. */
    public sealed interface Target {
        /** An action-cache entry. */
        record Cache(CacheKey key) implements Target {
            public Cache {
                Objects.requireNonNull(key, "key");
            }
        }

        /** A tree. */
        record Tree(TreeId tree) implements Target {
            public Tree {
                Objects.requireNonNull(tree, "tree");
            }
        }
    }

    private SnapshotRefs() {}

    /** {@code cache:<key>}. */
    public static SnapshotRef cacheTag(CacheKey key) {
        return new SnapshotRef(CACHE_PREFIX + key.value());
    }

    /** {@code tree:<id>}. */
    public static SnapshotRef treeRef(TreeId tree) {
        return new SnapshotRef(TREE_PREFIX + tree.value());
    }

    /**
     * What {@code ref} names.
     *
     * @throws WorkspaceException {@code invalid_snapshot_ref} when it is neither form (a reference
     *     another executor made, for instance)
     */
    public static Target parse(SnapshotRef ref) {
        Objects.requireNonNull(ref, "ref");
        String value = ref.value();
        if (value.startsWith(CACHE_PREFIX) && ArtifactIds.isValid(value.substring(CACHE_PREFIX.length()))) {
            return new Target.Cache(new CacheKey(value.substring(CACHE_PREFIX.length())));
        }
        if (value.startsWith(TREE_PREFIX) && ArtifactIds.isValid(value.substring(TREE_PREFIX.length()))) {
            return new Target.Tree(new TreeId(value.substring(TREE_PREFIX.length())));
        }
        throw WorkspaceException.invalidSnapshotRef(value, "is not a reference Cairn made");
    }

    /**
     * The tree {@code ref} names: itself, or the snapshot of its cache entry.
     *
     * @throws WorkspaceException {@code cache_entry_not_found} when the entry is gone; {@code
     *     invalid_snapshot_ref}
     */
    public static TreeId resolveTree(SnapshotRef ref, ActionCache cache) {
        return switch (parse(ref)) {
            case Target.Tree t -> t.tree();
            case Target.Cache c ->
                cache.lookup(c.key())
                        .orElseThrow(() ->
                                WorkspaceException.cacheEntryNotFound(c.key().value()))
                        .snapshot();
        };
    }
}
