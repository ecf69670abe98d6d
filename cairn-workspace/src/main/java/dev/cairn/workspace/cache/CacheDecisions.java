package dev.cairn.workspace.cache;

import dev.cairn.executor.protocol.CacheDecision;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.SnapshotRef;
import dev.cairn.workspace.WorkspaceException;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * The host's side of the cache protocol (seed 002): decide, before a step runs, whether it is a
 * {@code Hit}, a {@code MissBuildAs} or a {@code MissNoCommit}; and the executor's rule for what it
 * commits afterwards. The executor honours the decision and never decides again.
 */
public final class CacheDecisions {

    /** The state tag that marks a step applying a side effect: never cached. */
    public static final String APPLY_SIDE_EFFECT = "apply_side_effect";

    private CacheDecisions() {}

    /**
     * Whether the result of {@code step} may come from, and go to, the cache: the step does not
     * switch caching off and is not tagged {@value #APPLY_SIDE_EFFECT}.
     */
    public static boolean cacheable(CommandStep step, Collection<String> tags) {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(tags, "tags");
        return step.cache() && !tags.contains(APPLY_SIDE_EFFECT);
    }

    /**
     * The decision for a step with key {@code key}: {@code MissNoCommit} when it is not cacheable;
     * {@code Hit(cache:<key>)} when the cache holds an entry ({@code entry}, which the host should
     * have taken with {@link ActionCache#lookupForUse}, pinning it for the step); otherwise {@code
     * MissBuildAs(cache:<key>)}.
     */
    public static CacheDecision decide(boolean cacheable, CacheKey key, Optional<CacheEntry> entry) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(entry, "entry");
        if (!cacheable) {
            return new CacheDecision.MissNoCommit();
        }
        if (entry.isPresent()) {
            if (!entry.get().key().equals(key)) {
                throw new IllegalArgumentException("the entry is " + entry.get().key() + ", not " + key);
            }
            return new CacheDecision.Hit(key.tag());
        }
        return new CacheDecision.MissBuildAs(key.tag());
    }

    /**
     * The key an executor commits to after running a step: the key of the {@code MissBuildAs} tag
     * when the command succeeded; nothing for a failed step, a {@code MissNoCommit} or a {@code Hit}
     * (which did not run).
     */
    public static Optional<CacheKey> commitKey(CacheDecision decision, int exitCode) {
        Objects.requireNonNull(decision, "decision");
        if (exitCode != 0 || !(decision instanceof CacheDecision.MissBuildAs(SnapshotRef tag))) {
            return Optional.empty();
        }
        return switch (SnapshotRefs.parse(tag)) {
            case SnapshotRefs.Target.Cache c -> Optional.of(c.key());
            case SnapshotRefs.Target.Tree t ->
                throw WorkspaceException.invalidSnapshotRef(
                        tag.value(), "names a tree; a MissBuildAs tag names a cache entry (`cache:<key>`)");
        };
    }
}
