package dev.cairn.workspace.cache;

import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.workspace.TreeId;
import java.util.Objects;
import java.util.Set;

/**
 * What a collection must keep besides the cache: trees (with everything they reach) and single
 * blobs. The caller computes them, e.g. every artifact the runs it keeps reference (manifests,
 * snapshots, facts, outputs, the trees of committed snapshots).
 *
 * @param trees trees to keep whole
 * @param blobs blobs to keep
 */
public record GcRoots(Set<TreeId> trees, Set<ArtifactId> blobs) {

    public GcRoots {
        trees = Set.copyOf(Objects.requireNonNull(trees, "trees"));
        blobs = Set.copyOf(Objects.requireNonNull(blobs, "blobs"));
    }

    /** No roots beyond the cache's own. */
    public static GcRoots none() {
        return new GcRoots(Set.of(), Set.of());
    }
}
