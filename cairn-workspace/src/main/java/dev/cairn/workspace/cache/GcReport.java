package dev.cairn.workspace.cache;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a collection did.
 *
 * @param cutoff blobs modified before this were candidates (the start minus the grace period)
 * @param entries cache entries whose snapshots and outputs were kept
 * @param pins active pins honoured
 * @param expiredPins expired pins removed
 * @param reachable blobs reachable from the entries, pins and roots
 * @param scanned blobs in the store
 * @param deleted blobs deleted (or that would be, in a dry run)
 * @param deletedBytes their size
 * @param keptRecent unreferenced blobs kept because they are younger than the grace period
 * @param keptRecentBytes their size
 * @param broken roots whose trees could not be read (missing or corrupt), described
 * @param dryRun whether nothing was actually deleted
 */
public record GcReport(
        Instant cutoff,
        long entries,
        long pins,
        long expiredPins,
        long reachable,
        long scanned,
        long deleted,
        long deletedBytes,
        long keptRecent,
        long keptRecentBytes,
        List<String> broken,
        boolean dryRun) {

    public GcReport {
        Objects.requireNonNull(cutoff, "cutoff");
        broken = List.copyOf(broken);
    }
}
