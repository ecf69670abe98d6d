package dev.cairn.workspace.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.store.fs.FsArtifactStore;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteOptions;
import dev.cairn.testkit.ManualClock;
import dev.cairn.workspace.BlobInventory;
import dev.cairn.workspace.SnapshotResult;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.Workspaces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Collection on a real filesystem store and SQLite cache: what is kept, what goes, and why. */
class BlobCollectorTest {

    static final FileTime LONG_AGO = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));

    @TempDir
    Path tmp;

    FsArtifactStore store;
    SqliteDatabase db;
    ManualClock clock;
    SqliteActionCache cache;
    Workspaces workspaces;
    BlobCollector collector;

    @BeforeEach
    void open() {
        store = FsArtifactStore.open(tmp.resolve("store"));
        db = SqliteDatabase.open(SqliteOptions.builder(tmp.resolve("cairn.db"))
                .migrationModule(SqliteActionCache.MIGRATION_MODULE)
                .build());
        clock = new ManualClock(System.currentTimeMillis());
        cache = SqliteActionCache.open(db, clock);
        workspaces = Workspaces.open(store);
        collector = new BlobCollector(cache, workspaces.trees(), BlobInventory.of(store), clock);
    }

    @AfterEach
    void close() {
        db.close();
        store.close();
    }

    private SnapshotResult snapshot(String name, String... files) {
        Path dir = tmp.resolve("ws").resolve(name);
        for (int i = 0; i < files.length; i++) {
            write(dir.resolve("sub" + i % 2).resolve("f" + i), files[i]);
        }
        return workspaces.snapshot(dir);
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<ArtifactId> blobs() {
        List<ArtifactId> out = new ArrayList<>();
        store.forEachBlob(b -> out.add(b.id()));
        return out;
    }

    private void ageEverything() {
        store.forEachBlob(b -> {
            try {
                Files.setLastModifiedTime(store.pathOf(b.id()), LONG_AGO);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private boolean restorable(TreeId tree) {
        try {
            workspaces.materialize(tree, Files.createTempDirectory(tmp, "check"));
            return true;
        } catch (StorageException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void keepsCachePinsAndRootsAndDeletesTheRest() {
        SnapshotResult cached = snapshot("cached", "shared", "only in cached");
        SnapshotResult pinned = snapshot("pinned", "shared", "only in pinned");
        SnapshotResult rooted = snapshot("rooted", "only in rooted");
        SnapshotResult garbage = snapshot("garbage", "shared", "only in garbage", "also only in garbage");
        ArtifactId looseRoot = store.put(Workspaces.FILE_KIND, bytes("a run's manifest"));
        ArtifactId looseGarbage = store.put(new ArtifactKind.Output(), bytes("nobody wants me"));
        cache.commit(new CacheCommit(
                new CacheKey("1".repeat(64)), cached.tree(), List.of(), cached.uniqueBytes(), "", Optional.empty()));
        cache.pin("step", List.of(new PinTarget.Tree(pinned.tree())), Duration.ofHours(2));
        ageEverything();
        int before = blobs().size();

        GcReport report =
                collector.collect(new GcRoots(Set.of(rooted.tree()), Set.of(looseRoot)), GcOptions.defaults());

        // garbage's own blobs: two files, its root tree, its two subtrees (sub0 holds "shared" too,
        // but with another sibling, so that subtree differs); plus the loose blob
        assertThat(report.deleted()).isEqualTo(before - blobs().size());
        assertThat(report.deleted()).isEqualTo(6);
        assertThat(report.scanned()).isEqualTo(before);
        assertThat(report.entries()).isEqualTo(1);
        assertThat(report.pins()).isEqualTo(1);
        assertThat(report.broken()).isEmpty();
        assertThat(report.dryRun()).isFalse();
        assertThat(restorable(cached.tree())).isTrue();
        assertThat(restorable(pinned.tree())).isTrue();
        assertThat(restorable(rooted.tree())).isTrue();
        assertThat(restorable(garbage.tree())).isFalse();
        assertThat(store.exists(looseRoot)).isTrue();
        assertThat(store.exists(looseGarbage)).isFalse();
    }

    @Test
    void aDryRunDeletesNothing() {
        snapshot("garbage", "a", "b");
        ageEverything();
        int before = blobs().size();

        GcReport report = collector.collect(
                GcRoots.none(), GcOptions.builder().dryRun(true).build());

        assertThat(report.deleted()).isEqualTo(before);
        assertThat(report.dryRun()).isTrue();
        assertThat(blobs()).hasSize(before);
    }

    @Test
    void youngBlobsAreKeptForTheGracePeriod() {
        SnapshotResult young = snapshot("young", "just written, not committed yet");

        GcReport report = collector.collect(GcRoots.none(), GcOptions.defaults());

        assertThat(report.deleted()).isZero();
        assertThat(report.keptRecent()).isEqualTo(blobs().size());
        assertThat(restorable(young.tree())).isTrue();

        clock.advance(Duration.ofHours(2));
        assertThat(collector.collect(GcRoots.none(), GcOptions.defaults()).deleted())
                .isEqualTo(report.keptRecent());
    }

    @Test
    void aSnapshotReusingOldBlobsProtectsThemUntilItsCommit() {
        snapshot("first", "content that a later step produces again");
        ageEverything();
        // A later step's workspace has the same content: its snapshot reuses the old blobs (touching
        // them) and is not committed yet when the collection runs.
        SnapshotResult later = snapshot("later", "content that a later step produces again");

        GcReport report = collector.collect(GcRoots.none(), GcOptions.defaults());

        assertThat(report.deleted()).isZero();
        assertThat(restorable(later.tree())).isTrue();
    }

    @Test
    void expiredPinsNoLongerProtect() {
        SnapshotResult pinned = snapshot("pinned", "x");
        cache.pin("crashed-step", List.of(new PinTarget.Tree(pinned.tree())), Duration.ofMinutes(10));
        ageEverything();
        clock.advance(Duration.ofMinutes(20));

        GcReport report = collector.collect(GcRoots.none(), GcOptions.defaults());

        assertThat(report.expiredPins()).isEqualTo(1);
        assertThat(report.pins()).isZero();
        assertThat(restorable(pinned.tree())).isFalse();
    }

    @Test
    void aRootWhoseTreeIsMissingIsReportedAndTheRestProceeds() throws IOException {
        SnapshotResult kept = snapshot("kept", "k");
        SnapshotResult broken = snapshot("broken", "b");
        cache.commit(new CacheCommit(new CacheKey("2".repeat(64)), broken.tree(), List.of(), 1, "", Optional.empty()));
        cache.commit(new CacheCommit(new CacheKey("3".repeat(64)), kept.tree(), List.of(), 1, "", Optional.empty()));
        Files.delete(store.pathOf(broken.tree().artifactId()));
        ageEverything();

        GcReport report = collector.collect(GcRoots.none(), GcOptions.defaults());

        assertThat(report.broken())
                .singleElement()
                .asString()
                .contains(broken.tree().value(), "cache entry");
        assertThat(restorable(kept.tree())).isTrue();
    }

    @Test
    void aStoreThatFailsStopsTheCollectionBeforeAnyDeletion() {
        SnapshotResult entry = snapshot("entry", "e");
        snapshot("garbage", "g");
        cache.commit(new CacheCommit(new CacheKey("4".repeat(64)), entry.tree(), List.of(), 1, "", Optional.empty()));
        ageEverything();
        int before = blobs().size();
        BlobCollector failing = new BlobCollector(
                cache,
                id -> {
                    throw StorageException.unavailable("disk on fire", null);
                },
                BlobInventory.of(store),
                clock);

        assertThatThrownBy(() -> failing.collect(GcRoots.none(), GcOptions.defaults()))
                .isInstanceOf(StorageException.class);
        assertThat(blobs()).hasSize(before);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
