package dev.cairn.workspace.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteOptions;
import dev.cairn.testkit.ManualClock;
import dev.cairn.workspace.OutputArtifact;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.WorkspaceException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The action cache on a real SQLite database. */
class SqliteActionCacheTest {

    @TempDir
    Path tmp;

    SqliteDatabase db;
    ManualClock clock = new ManualClock();
    SqliteActionCache cache;

    @BeforeEach
    void open() {
        db = SqliteDatabase.open(SqliteOptions.builder(tmp.resolve("cairn.db"))
                .migrationModule(SqliteActionCache.MIGRATION_MODULE)
                .build());
        cache = SqliteActionCache.open(db, clock);
    }

    @AfterEach
    void close() {
        db.close();
    }

    static CacheKey key(int n) {
        return new CacheKey(ArtifactIds.ofBytes(("key " + n).getBytes(StandardCharsets.UTF_8)));
    }

    static TreeId tree(int n) {
        return new TreeId(ArtifactIds.ofBytes(("tree " + n).getBytes(StandardCharsets.UTF_8)));
    }

    static ArtifactId blob(String s) {
        return new ArtifactId(ArtifactIds.ofBytes(s.getBytes(StandardCharsets.UTF_8)));
    }

    static CacheCommit commit(int n, long size) {
        return new CacheCommit(
                key(n),
                tree(n),
                List.of(new OutputArtifact("dist/app-" + n + ".jar", blob("jar " + n), "application/java-archive", 10)),
                size,
                "run/r" + n + "/step/build",
                Optional.empty());
    }

    @Test
    void aCommittedEntryIsFoundAndServedAsAStepResult() {
        CacheEntry committed = cache.commit(commit(1, 100));

        assertThat(cache.lookup(key(1))).contains(committed);
        assertThat(committed.snapshot()).isEqualTo(tree(1));
        assertThat(committed.exitCode()).isZero();
        assertThat(committed.hits()).isZero();
        assertThat(committed.created()).isEqualTo(Instant.ofEpochMilli(clock.nowMillis()));
        assertThat(committed.toStepResult().committedSnapshot()).isEmpty(); // a hit writes no snapshot
        assertThat(committed.toStepResult().artifacts()).singleElement().satisfies(a -> {
            assertThat(a.key()).isEqualTo("dist/app-1.jar");
            assertThat(a.mime()).isEqualTo("application/java-archive");
            assertThat(a.sizeBytes()).isEqualTo(10);
        });
        assertThat(cache.lookup(key(2))).isEmpty();
    }

    @Test
    void entriesSurviveReopeningTheDatabase() {
        cache.commit(commit(1, 100));
        db.close();
        db = SqliteDatabase.open(SqliteOptions.builder(tmp.resolve("cairn.db"))
                .migrationModule(SqliteActionCache.MIGRATION_MODULE)
                .build());
        cache = SqliteActionCache.open(db, clock);

        assertThat(cache.lookup(key(1))).map(CacheEntry::snapshot).contains(tree(1));
    }

    @Test
    void theLastCommitWinsAndUsesAreCounted() {
        cache.commit(commit(1, 100));
        clock.advance(Duration.ofMinutes(1));
        assertThat(cache.touch(key(1))).isTrue();
        assertThat(cache.touch(key(9))).isFalse();
        clock.advance(Duration.ofMinutes(1));
        CacheEntry replaced = cache.commit(new CacheCommit(key(1), tree(7), List.of(), 5, "again", Optional.empty()));

        assertThat(replaced.snapshot()).isEqualTo(tree(7));
        assertThat(replaced.hits()).isEqualTo(1);
        assertThat(replaced.outputs()).isEmpty();
        assertThat(replaced.lastUsed()).isEqualTo(Instant.ofEpochMilli(clock.nowMillis()));
    }

    @Test
    void thePreimageIsKeptAndMustHashToTheKey() {
        CacheKeyPreimage preimage = CacheKey.preimage(CacheKeyVector.input().build(), CacheKeyVector.hostKey());
        CacheKey key = CacheKey.of(preimage);
        cache.commit(new CacheCommit(key, tree(1), List.of(), 1, "", Optional.of(preimage)));

        assertThat(cache.lookup(key).orElseThrow().preimage()).contains(preimage);
        assertThatThrownBy(
                        () -> cache.commit(new CacheCommit(key(2), tree(1), List.of(), 1, "", Optional.of(preimage))))
                .isInstanceOf(WorkspaceException.class)
                .hasMessageContaining("is not the preimage of key");
    }

    @Test
    void listFindRemoveAndStats() {
        for (int i = 1; i <= 3; i++) {
            cache.commit(commit(i, i * 100L));
            clock.advance(Duration.ofSeconds(1));
        }
        cache.touch(key(1));

        assertThat(cache.list()).extracting(CacheEntry::key).containsExactly(key(1), key(3), key(2));
        assertThat(cache.find(key(2).value().substring(0, 6)))
                .extracting(CacheEntry::key)
                .containsExactly(key(2));
        assertThat(cache.stats()).isEqualTo(new CacheStats(3, 600, 1, 0));
        assertThatThrownBy(() -> cache.find("ab")).isInstanceOf(WorkspaceException.class);
        assertThatThrownBy(() -> cache.find("XYZW")).isInstanceOf(WorkspaceException.class);

        assertThat(cache.remove(key(2))).isTrue();
        assertThat(cache.remove(key(2))).isFalse();
        assertThat(cache.lookup(key(2))).isEmpty();
    }

    @Test
    void evictionByAgeAndBySize() {
        for (int i = 1; i <= 4; i++) {
            cache.commit(commit(i, 100));
            clock.advance(Duration.ofHours(1));
        }
        // used: 1 at t0, 2 at t1, 3 at t2, 4 at t3; now t4
        assertThat(cache.removeUnusedSince(
                        Instant.ofEpochMilli(clock.nowMillis()).minus(Duration.ofMinutes(150))))
                .isEqualTo(2);
        assertThat(cache.list()).extracting(CacheEntry::key).containsExactly(key(4), key(3));
        assertThat(cache.trimToSize(150)).isEqualTo(1);
        assertThat(cache.list()).extracting(CacheEntry::key).containsExactly(key(4));
        assertThat(cache.trimToSize(0)).isEqualTo(1);
        assertThat(cache.list()).isEmpty();
    }

    @Test
    void pinsLastUntilUnpinnedOrExpired() {
        List<Pin> pins = cache.pin(
                "step-a", List.of(new PinTarget.Tree(tree(1)), new PinTarget.Blob(blob("x"))), Duration.ofMinutes(5));
        cache.pin("step-b", List.of(new PinTarget.Tree(tree(2))), Duration.ofMinutes(30));

        assertThat(pins).hasSize(2);
        assertThat(cache.pins()).extracting(Pin::owner).containsExactly("step-a", "step-a", "step-b");
        assertThat(cache.stats().pins()).isEqualTo(3);

        clock.advance(Duration.ofMinutes(10));
        assertThat(cache.pins()).extracting(Pin::target).containsExactly(new PinTarget.Tree(tree(2)));
        ActionCache.Roots roots = cache.roots();
        assertThat(roots.expiredPins()).isEqualTo(2);
        assertThat(roots.trees()).containsExactly(tree(2));

        assertThat(cache.unpin("step-b")).isEqualTo(1);
        assertThat(cache.pins()).isEmpty();
        assertThatThrownBy(() -> cache.pin("", List.of(), Duration.ofMinutes(1)))
                .isInstanceOf(WorkspaceException.class);
        assertThatThrownBy(() -> cache.pin("x", List.of(), Duration.ZERO)).isInstanceOf(WorkspaceException.class);
    }

    @Test
    void lookupForUseCountsTheUseAndPinsTheSnapshotAndOutputs() {
        cache.commit(commit(1, 100));
        clock.advance(Duration.ofMinutes(1));

        Optional<CacheEntry> used = cache.lookupForUse(key(1), "run/r/step/s/attempt/1", Duration.ofHours(1));

        assertThat(used).map(CacheEntry::hits).contains(1L);
        assertThat(used).map(CacheEntry::lastUsed).contains(Instant.ofEpochMilli(clock.nowMillis()));
        assertThat(cache.pins())
                .extracting(Pin::target)
                .containsExactlyInAnyOrder(new PinTarget.Tree(tree(1)), new PinTarget.Blob(blob("jar 1")));
        assertThat(cache.lookupForUse(key(2), "someone", Duration.ofHours(1))).isEmpty();
        assertThat(cache.pins()).hasSize(2);
    }

    @Test
    void rootsAreTheEntriesSnapshotsAndOutputsAndThePinnedTargets() {
        cache.commit(commit(1, 100));
        cache.commit(commit(2, 100));
        cache.pin("p", List.of(new PinTarget.Tree(tree(3)), new PinTarget.Blob(blob("loose"))), Duration.ofHours(1));

        ActionCache.Roots roots = cache.roots();

        assertThat(roots.entries()).isEqualTo(2);
        assertThat(roots.pins()).isEqualTo(2);
        assertThat(roots.trees()).containsExactlyInAnyOrder(tree(1), tree(2), tree(3));
        assertThat(roots.blobs()).containsExactlyInAnyOrder(blob("jar 1"), blob("jar 2"), blob("loose"));
        assertThat(roots.origins().get(tree(3))).isEqualTo("pin of p");
        assertThat(roots.origins().get(tree(1))).startsWith("cache entry ");
    }

    @Test
    void aDatabaseWithoutTheMigrationsIsRefused() {
        try (SqliteDatabase other = SqliteDatabase.open(
                SqliteOptions.builder(tmp.resolve("other.db")).build())) {
            assertThatThrownBy(() -> SqliteActionCache.open(other, clock))
                    .isInstanceOfSatisfying(
                            WorkspaceException.class, e -> assertThat(e.code()).isEqualTo("workspace_schema_missing"));
        }
    }
}
