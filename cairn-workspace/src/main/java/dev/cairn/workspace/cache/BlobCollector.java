package dev.cairn.workspace.cache;

import dev.cairn.machine.errors.StorageError;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.time.Clock;
import dev.cairn.workspace.BlobInventory;
import dev.cairn.workspace.TreeEntry;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.TreeReader;
import dev.cairn.workspace.WorkspaceException;
import dev.cairn.workspace.WorkspaceTree;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The garbage collector of the artifact store: mark and sweep.
 *
 * <ol>
 *   <li><b>Roots</b>, read in one transaction of the cache ({@link ActionCache#roots()}): every
 *       entry's snapshot tree and outputs, every unexpired pin; plus the caller's {@link GcRoots}
 *       (what the runs reference).
 *   <li><b>Mark</b>: every tree reachable from the roots is read, and its tree objects and file
 *       blobs are marked. A root tree that cannot be read (missing or corrupt) is reported as broken;
 *       a store that fails otherwise stops the collection before anything is deleted.
 *   <li><b>Sweep</b>: every blob of the store that is not marked and was last modified before the
 *       cut-off (the start minus {@link GcOptions#grace()}) is deleted with {@link
 *       BlobInventory#deleteIfNotModifiedSince}, which spares a blob touched meanwhile.
 * </ol>
 *
 * <p>Why nothing in use is deleted: a committed entry or a pin is a root; a blob written or reused
 * by a snapshot not yet committed is younger than the grace period (snapshots touch what they
 * reuse, and the deletion re-checks the time atomically); see {@code docs/workspaces.md}.
 */
public final class BlobCollector {

    private final ActionCache cache;
    private final TreeReader trees;
    private final BlobInventory inventory;
    private final Clock clock;

    public BlobCollector(ActionCache cache, TreeReader trees, BlobInventory inventory, Clock clock) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.trees = Objects.requireNonNull(trees, "trees");
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Collects what neither the cache, its pins nor {@code roots} keep. */
    public GcReport collect(GcRoots roots, GcOptions options) {
        Objects.requireNonNull(roots, "roots");
        Objects.requireNonNull(options, "options");
        Instant cutoff = Instant.ofEpochMilli(clock.nowMillis()).minus(options.grace());
        ActionCache.Roots own = cache.roots();

        Set<ArtifactId> marked = new HashSet<>(own.blobs());
        marked.addAll(roots.blobs());
        List<String> broken = new ArrayList<>();
        Set<TreeId> seen = new HashSet<>();
        for (TreeId tree : own.trees()) {
            mark(tree, own.origins().getOrDefault(tree, "cache"), marked, seen, broken);
        }
        for (TreeId tree : roots.trees()) {
            mark(tree, "a given root", marked, seen, broken);
        }

        long[] counts = new long[5]; // scanned, deleted, deleted bytes, kept recent, kept recent bytes
        List<BlobInventory.Blob> candidates = new ArrayList<>();
        inventory.forEach(blob -> {
            counts[0]++;
            if (marked.contains(blob.id())) {
                return;
            }
            if (blob.lastModified().isBefore(cutoff)) {
                candidates.add(blob);
            } else {
                counts[3]++;
                counts[4] += blob.sizeBytes();
            }
        });
        for (BlobInventory.Blob blob : candidates) {
            if (Thread.currentThread().isInterrupted()) {
                throw WorkspaceException.interrupted();
            }
            if (options.dryRun() || inventory.deleteIfNotModifiedSince(blob.id(), cutoff)) {
                counts[1]++;
                counts[2] += blob.sizeBytes();
            } else {
                counts[3]++;
                counts[4] += blob.sizeBytes();
            }
        }
        return new GcReport(
                cutoff,
                own.entries(),
                own.pins(),
                own.expiredPins(),
                marked.size(),
                counts[0],
                counts[1],
                counts[2],
                counts[3],
                counts[4],
                broken,
                options.dryRun());
    }

    /** Marks {@code root}'s tree objects and files, iteratively (trees may be deep). */
    private void mark(TreeId root, String origin, Set<ArtifactId> marked, Set<TreeId> seen, List<String> broken) {
        Deque<TreeId> pending = new ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            TreeId id = pending.pop();
            if (!seen.add(id)) {
                continue;
            }
            marked.add(id.artifactId());
            WorkspaceTree tree;
            try {
                tree = trees.read(id);
            } catch (StorageException e) {
                if (e.error() instanceof StorageError.NotFound || e.error() instanceof StorageError.Corruption) {
                    broken.add("tree " + id + " (kept by " + origin + "): " + e.getMessage());
                    continue;
                }
                throw e;
            } catch (WorkspaceException e) {
                broken.add("tree " + id + " (kept by " + origin + "): " + e.getMessage());
                continue;
            }
            for (TreeEntry entry : tree.entries()) {
                switch (entry) {
                    case TreeEntry.File f -> marked.add(f.digest());
                    case TreeEntry.Directory d -> pending.push(d.tree());
                    case TreeEntry.Symlink l -> {
                        // a link refers to no blob
                    }
                }
            }
        }
    }
}
