package dev.cairn.workspace.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.executor.protocol.CacheDecision;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.SnapshotRef;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteOptions;
import dev.cairn.testkit.ManualClock;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.WorkspaceException;
import dev.cairn.workspace.WorkspaceTree;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's decision, the executor's commit rule, and Cairn's snapshot references. */
class CacheDecisionsTest {

    static final CacheKey KEY = new CacheKey(CacheKeyVector.KEY);
    static final TreeId TREE = WorkspaceTree.EMPTY.id();

    static CacheEntry entry() {
        return new CacheEntry(KEY, TREE, 0, List.of(), 1, Instant.EPOCH, Instant.EPOCH, 0, "", Optional.empty());
    }

    @Test
    void stepsThatSwitchCachingOffOrApplySideEffectsAreNeverCached() {
        CommandStep step = CommandStep.argv("make").build();
        assertThat(CacheDecisions.cacheable(step, List.of())).isTrue();
        assertThat(CacheDecisions.cacheable(step, List.of("compute"))).isTrue();
        assertThat(CacheDecisions.cacheable(step, List.of("apply_side_effect"))).isFalse();
        assertThat(CacheDecisions.cacheable(step.toBuilder().cache(false).build(), List.of()))
                .isFalse();
    }

    @Test
    void theHostDecidesHitMissBuildAsOrMissNoCommit() {
        assertThat(CacheDecisions.decide(false, KEY, Optional.of(entry()))).isEqualTo(new CacheDecision.MissNoCommit());
        assertThat(CacheDecisions.decide(true, KEY, Optional.of(entry())))
                .isEqualTo(new CacheDecision.Hit(new SnapshotRef("cache:" + KEY)));
        assertThat(CacheDecisions.decide(true, KEY, Optional.empty()))
                .isEqualTo(new CacheDecision.MissBuildAs(new SnapshotRef("cache:" + KEY)));
        assertThatThrownBy(() -> CacheDecisions.decide(true, new CacheKey("0".repeat(64)), Optional.of(entry())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyASuccessfulMissBuildAsIsCommitted() {
        CacheDecision build = new CacheDecision.MissBuildAs(KEY.tag());
        assertThat(CacheDecisions.commitKey(build, 0)).contains(KEY);
        assertThat(CacheDecisions.commitKey(build, 1)).isEmpty();
        assertThat(CacheDecisions.commitKey(new CacheDecision.MissNoCommit(), 0))
                .isEmpty();
        assertThat(CacheDecisions.commitKey(new CacheDecision.Hit(KEY.tag()), 0))
                .isEmpty();
        assertThatThrownBy(() -> CacheDecisions.commitKey(new CacheDecision.MissBuildAs(SnapshotRefs.treeRef(TREE)), 0))
                .isInstanceOf(WorkspaceException.class);
    }

    @Test
    void snapshotReferencesNameCacheEntriesOrTrees() {
        assertThat(SnapshotRefs.parse(KEY.tag())).isEqualTo(new SnapshotRefs.Target.Cache(KEY));
        assertThat(SnapshotRefs.parse(SnapshotRefs.treeRef(TREE))).isEqualTo(new SnapshotRefs.Target.Tree(TREE));
        for (String bad : List.of("registry/image:tag", "cache:abc", "tree:" + "A".repeat(64), "tree " + TREE)) {
            assertThatThrownBy(() -> SnapshotRefs.parse(new SnapshotRef(bad)))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            WorkspaceException.class, e -> assertThat(e.code()).isEqualTo("invalid_snapshot_ref"));
        }
    }

    @Test
    void aReferenceResolvesToItsTree(@TempDir Path tmp) {
        try (SqliteDatabase db = SqliteDatabase.open(SqliteOptions.builder(tmp.resolve("cairn.db"))
                .migrationModule(SqliteActionCache.MIGRATION_MODULE)
                .build())) {
            ActionCache cache = SqliteActionCache.open(db, new ManualClock());
            assertThatThrownBy(() -> SnapshotRefs.resolveTree(KEY.tag(), cache))
                    .isInstanceOfSatisfying(
                            WorkspaceException.class, e -> assertThat(e.code()).isEqualTo("cache_entry_not_found"));
            cache.commit(new CacheCommit(KEY, TREE, List.of(), 1, "", Optional.empty()));

            assertThat(SnapshotRefs.resolveTree(KEY.tag(), cache)).isEqualTo(TREE);
            assertThat(SnapshotRefs.resolveTree(SnapshotRefs.treeRef(TREE), cache))
                    .isEqualTo(TREE);
        }
    }
}
