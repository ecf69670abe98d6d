package dev.cairn.workspace.cache;

import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.workspace.TreeId;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The action cache: cache key → what the step produced ({@link CacheEntry}), and the pins that keep
 * trees and blobs in use from collection. The host reads it to decide ({@link CacheDecisions}); the
 * executor commits to it after a successful {@code MissBuildAs} step and reads it to serve a hit.
 * {@link SqliteActionCache} keeps it in the database of the event log.
 *
 * <p>Methods block; failures are {@code StorageException}s of the database, or {@link
 * dev.cairn.workspace.WorkspaceException}s for bad arguments. Thread-safe.
 */
public interface ActionCache {

    /** The entry of {@code key}; reading does not count as a use. */
    Optional<CacheEntry> lookup(CacheKey key);

    /**
     * The entry of {@code key} for a step about to use it (a hit, or a chain's parent): in one
     * transaction, counts the use ({@link #touch}) and pins the entry's snapshot and outputs for
     * {@code owner} until {@code ttl} from now. Taking the pin together with the lookup is what
     * makes it safe against a concurrent collection (see {@code docs/workspaces.md}).
     */
    Optional<CacheEntry> lookupForUse(CacheKey key, String owner, Duration ttl);

    /** Every entry whose key starts with {@code hexPrefix} (at least 4 hex digits), by key. */
    List<CacheEntry> find(String hexPrefix);

    /** Every entry, most recently used first. */
    List<CacheEntry> list();

    /** Counts of entries, bytes, hits and pins. */
    CacheStats stats();

    /**
     * Records {@code commit} as the entry of its key (replacing an older one: the last commit wins)
     * and returns the entry as stored.
     */
    CacheEntry commit(CacheCommit commit);

    /** Marks the entry as used now (one more hit); whether it exists. */
    boolean touch(CacheKey key);

    /** Removes the entry; whether it existed. Its blobs go at the next collection unless referenced. */
    boolean remove(CacheKey key);

    /** Removes the entries not used since {@code cutoff}; how many. */
    int removeUnusedSince(Instant cutoff);

    /** Removes least recently used entries until their sizes sum to at most {@code maxBytes}; how many. */
    int trimToSize(long maxBytes);

    /**
     * Pins {@code targets} for {@code owner} until {@code ttl} from now (renewing pins it already
     * holds on them). Pin only what is safe from a collection already running: a tree just
     * snapshotted (its blobs are fresh), a tree reachable from an entry you hold a pin on, or a root
     * the collection was given. An entry's tree is best pinned with {@link #lookupForUse}.
     */
    List<Pin> pin(String owner, Collection<PinTarget> targets, Duration ttl);

    /** Releases every pin of {@code owner}; how many. */
    int unpin(String owner);

    /** The pins that have not expired. */
    List<Pin> pins();

    /**
     * What a collection keeps, read in one consistent snapshot: the trees and outputs of every
     * entry, and the targets of every unexpired pin; expired pins are deleted first.
     */
    Roots roots();

    /**
     * The cache's own roots.
     *
     * @param entries entries read
     * @param pins unexpired pins read
     * @param expiredPins expired pins deleted
     * @param trees trees to keep (entries' snapshots, pinned trees)
     * @param blobs blobs to keep (outputs, pinned blobs)
     * @param origins for each tree, the first entry or pin that keeps it, to name broken ones
     */
    record Roots(
            long entries,
            long pins,
            long expiredPins,
            Set<TreeId> trees,
            Set<ArtifactId> blobs,
            Map<TreeId, String> origins) {}
}
