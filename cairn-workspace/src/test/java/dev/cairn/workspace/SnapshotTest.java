package dev.cairn.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.store.fs.FsArtifactStore;
import dev.cairn.testkit.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots on a real filesystem store: content, links, the stat cache, racy files, presence. */
class SnapshotTest {

    @TempDir
    Path tmp;

    FsArtifactStore store;
    Workspaces workspaces;

    @BeforeEach
    void open() {
        store = FsArtifactStore.open(tmp.resolve("store"));
        workspaces = Workspaces.open(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aSnapshotMaterializesBackToTheSameContentAndTheSameId() {
        long seed = Dirs.seed("aSnapshotMaterializesBackToTheSameContentAndTheSameId");
        assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")), "needs UTF-8 file names");
        Path ws = tmp.resolve("ws");
        Dirs.random(new Random(seed), ws, 200);
        Dirs.write(ws.resolve("empty-dir/.keep"), "");
        Dirs.link(ws.resolve("escaping"), "../../../etc");

        SnapshotResult first = workspaces.snapshot(ws);
        Path copy = tmp.resolve("copy");
        MaterializeResult written = workspaces.materialize(first.tree(), copy);
        SnapshotResult second = workspaces.snapshot(copy);

        assertThat(Dirs.describe(copy)).isEqualTo(Dirs.describe(ws));
        assertThat(second.tree()).isEqualTo(first.tree());
        assertThat(written.files()).isEqualTo(first.files());
        assertThat(written.symlinks()).isEqualTo(first.symlinks());
        assertThat(written.directories()).isEqualTo(first.directories() - 1); // the root existed
        assertThat(second.storedBlobs()).isZero();
        assertThat(workspaces.diff(first.tree(), second.tree())).isEmpty();
    }

    @Test
    void aSnapshotOfKnownContentHasAKnownId() {
        Path ws = tmp.resolve("ws");
        Dirs.write(ws.resolve("README"), "hello\n");
        Dirs.write(ws.resolve("\uFFFD.txt"), "hello\n");
        Dirs.write(ws.resolve("\uD83D\uDE00"), "hello\n");
        Dirs.write(ws.resolve("run.sh"), "");
        Dirs.executable(ws.resolve("run.sh"), true);
        Dirs.link(ws.resolve("latest"), "../out//v2/");
        assertThat(ws.resolve("src").toFile().mkdirs()).isTrue();

        SnapshotResult result = workspaces.snapshot(ws);

        assertThat(result.tree().value()).isEqualTo(TreeModelTest.GOLDEN_ID); // the link target is normalized
        assertThat(workspaces.trees().read(result.tree())).isEqualTo(TreeModelTest.golden());
        assertThat(result.files()).isEqualTo(4);
        assertThat(result.directories()).isEqualTo(2);
        assertThat(result.symlinks()).isEqualTo(1);
        assertThat(result.fileBytes()).isEqualTo(18);
        // blobs: hello, empty, the two tree objects; "hello" three times is stored once
        assertThat(result.storedBlobs()).isEqualTo(4);
        long treeBytes = workspaces.trees().read(result.tree()).canonicalBytes().length
                + WorkspaceTree.EMPTY.canonicalBytes().length;
        assertThat(result.uniqueBytes()).isEqualTo(6 + treeBytes);
    }

    @Test
    void linksAreKeptAndNeverFollowed() throws IOException {
        Path outside = Dirs.write(tmp.resolve("outside/secret.txt"), "not part of the workspace");
        Path ws = tmp.resolve("ws");
        Dirs.link(ws.resolve("to-file"), outside.toString());
        Dirs.link(ws.resolve("to-dir"), outside.getParent().toString());
        Dirs.link(ws.resolve("dangling"), "nowhere");

        SnapshotResult result = workspaces.snapshot(ws);

        WorkspaceTree tree = workspaces.trees().read(result.tree());
        assertThat(tree.entries())
                .containsExactly(
                        new TreeEntry.Symlink("dangling", "nowhere"),
                        new TreeEntry.Symlink("to-dir", outside.getParent().toString()),
                        new TreeEntry.Symlink("to-file", outside.toString()));
        assertThat(result.files()).isZero();
        assertThat(store.exists(new ArtifactId(ArtifactIds.ofBytes(Files.readAllBytes(outside)))))
                .isFalse();
    }

    @Test
    void specialFilesAreLeftOutAndListed() throws Exception {
        Path ws = tmp.resolve("ws");
        Dirs.write(ws.resolve("sub/a.txt"), "a");
        Process mkfifo = new ProcessBuilder("mkfifo", ws.resolve("sub/pipe").toString())
                .inheritIO()
                .start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo is needed");

        SnapshotResult result = workspaces.snapshot(ws);

        assertThat(result.skipped()).containsExactly("sub/pipe");
        assertThat(result.files()).isEqualTo(1);
    }

    @Test
    void unchangedFilesAreNotReadAgain() throws IOException {
        Path ws = tmp.resolve("ws");
        Dirs.random(new Random(7), ws, 100);
        Dirs.age(ws);
        StatCache cache = StatCache.inMemory();

        SnapshotResult first = workspaces.snapshot(ws, cache);
        SnapshotResult again = workspaces.snapshot(ws, cache);
        int known = cache.size();
        Files.setLastModifiedTime(Dirs.write(ws.resolve("new.txt"), "a new file"), Dirs.OLD);
        SnapshotResult changed = workspaces.snapshot(ws, cache);

        assertThat(first.hashedFiles()).isEqualTo(first.files());
        assertThat(known).isEqualTo((int) first.files());
        assertThat(cache.size()).isEqualTo(known + 1);
        assertThat(again.tree()).isEqualTo(first.tree());
        assertThat(again.hashedFiles()).isZero();
        assertThat(again.storedBlobs()).isZero();
        assertThat(changed.hashedFiles()).isEqualTo(1);
        assertThat(changed.hashedBytes()).isEqualTo(10);
        assertThat(workspaces.diff(first.tree(), changed.tree()))
                .extracting(TreeChange::toString)
                .containsExactly("A new.txt");
    }

    @Test
    void aContentChangeThatKeepsSizeAndModificationTimeIsSeenByTheChangeTime() throws Exception {
        Path ws = tmp.resolve("ws");
        Path file = Dirs.write(ws.resolve("f"), "aaaa");
        Files.setLastModifiedTime(file, Dirs.OLD);
        StatCache cache = StatCache.inMemory();
        TreeId before = workspaces.snapshot(ws, cache).tree();

        Thread.sleep(20); // let the change time move past the coarse clock's tick
        Files.writeString(file, "bbbb");
        Files.setLastModifiedTime(file, Dirs.OLD); // same size, same mtime: only ctime tells
        SnapshotResult after = workspaces.snapshot(ws, cache);

        assertThat(after.hashedFiles()).isEqualTo(1);
        assertThat(after.tree()).isNotEqualTo(before);
    }

    @Test
    void racyFilesAreHashedAgainUntilTheirTimeIsSafelyPast() throws IOException {
        Path ws = tmp.resolve("ws");
        Path file = Dirs.write(ws.resolve("just-written"), "fresh");
        StatCache cache = StatCache.inMemory();

        SnapshotResult first = workspaces.snapshot(ws, cache);
        SnapshotResult second = workspaces.snapshot(ws, cache);
        Files.setLastModifiedTime(file, Dirs.OLD); // as if written long ago
        SnapshotResult third = workspaces.snapshot(ws, cache);
        SnapshotResult fourth = workspaces.snapshot(ws, cache);

        assertThat(first.hashedFiles()).isEqualTo(1);
        assertThat(second.hashedFiles()).as("written within the racy window").isEqualTo(1);
        assertThat(third.hashedFiles()).as("its stat changed").isEqualTo(1);
        assertThat(fourth.hashedFiles()).as("now safely in the past").isZero();
        assertThat(fourth.tree()).isEqualTo(first.tree());
    }

    @Test
    void identicalFilesAreStoredOnceAndLargeOnesStream() {
        Workspaces smallLimit = Workspaces.open(
                store, WorkspaceOptions.builder().smallFileBytes(1024).build());
        Path ws = tmp.resolve("ws");
        byte[] large = Dirs.bytes(new Random(3), 300_000);
        Dirs.write(ws.resolve("a/large.bin"), large);
        Dirs.write(ws.resolve("b/large-copy.bin"), large);
        Dirs.write(ws.resolve("small.txt"), "small");

        SnapshotResult result = smallLimit.snapshot(ws);

        assertThat(result.hashedBytes()).isEqualTo(600_005);
        assertThat(result.storedBytes())
                .isEqualTo(300_005 + treeBytes(smallLimit, result.tree()))
                .as("the large blob once, the small one, the tree objects");
        assertThat(store.get(new ArtifactId(ArtifactIds.ofBytes(large)))).isEqualTo(large);
        Path copy = tmp.resolve("copy");
        smallLimit.materialize(result.tree(), copy);
        assertThat(Dirs.describe(copy)).isEqualTo(Dirs.describe(ws));
    }

    private static long treeBytes(Workspaces ws, TreeId root) {
        long total = 0;
        for (TreeEntry e : ws.trees().read(root).entries()) {
            if (e instanceof TreeEntry.Directory d) {
                total += treeBytes(ws, d.tree());
            }
        }
        return total + ws.trees().read(root).canonicalBytes().length;
    }

    @Test
    void recentlyConfirmedBlobsAreNotTouchedAgainUntilTheirPresenceExpires() throws IOException {
        ManualClock clock = new ManualClock(System.currentTimeMillis());
        Workspaces ws = Workspaces.open(
                store,
                WorkspaceOptions.builder()
                        .clock(clock)
                        .presenceTtl(Duration.ofMinutes(10))
                        .build());
        Path dir = tmp.resolve("ws");
        Path file = Dirs.write(dir.resolve("f.txt"), "content");
        Files.setLastModifiedTime(file, Dirs.OLD);
        StatCache cache = StatCache.inMemory();
        clock.advance(Duration.ofSeconds(5)); // past the racy window of the file's change time
        ws.snapshot(dir, cache);
        ArtifactId blob = new ArtifactId(ArtifactIds.ofBytes("content".getBytes(StandardCharsets.UTF_8)));
        Path blobFile = store.pathOf(blob);
        FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(blobFile, old);

        clock.advance(Duration.ofMinutes(5));
        SnapshotResult within = ws.snapshot(dir, cache);
        assertThat(Files.getLastModifiedTime(blobFile))
                .as("trusted: not touched")
                .isEqualTo(old);

        clock.advance(Duration.ofMinutes(6));
        ws.snapshot(dir, cache);
        assertThat(Files.getLastModifiedTime(blobFile)).as("expired: touched").isGreaterThan(old);

        // A blob that disappeared (collected) is stored again once its presence has expired.
        Files.delete(blobFile);
        clock.advance(Duration.ofMinutes(11));
        SnapshotResult restored = ws.snapshot(dir, cache);
        assertThat(within.hashedFiles()).isZero();
        assertThat(restored.hashedFiles()).isEqualTo(1);
        assertThat(store.get(blob)).isEqualTo("content".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theStatCacheSurvivesInAFileAndIgnoresDamage() throws IOException {
        Path dir = tmp.resolve("ws");
        Dirs.random(new Random(11), dir, 40);
        Dirs.age(dir);
        Path file = tmp.resolve("state/ws.statcache");
        StatCache cache = StatCache.load(file);
        assertThat(cache.size()).isZero();
        SnapshotResult first = workspaces.snapshot(dir, cache);
        cache.save(file);

        StatCache loaded = StatCache.load(file);
        assertThat(loaded.size()).isEqualTo(cache.size());
        assertThat(loaded.knownBlobs()).isEqualTo(cache.knownBlobs());
        assertThat(loaded.root()).contains(dir.toAbsolutePath().normalize().toString());
        assertThat(workspaces.snapshot(dir, loaded).hashedFiles()).isZero();

        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        assertThat(StatCache.load(file).size()).isZero();
        Files.write(file, new byte[] {1, 2, 3});
        assertThat(StatCache.load(file).size()).isZero();

        // Bound to its root: used for another directory, it starts empty.
        Path other = tmp.resolve("other");
        workspaces.materialize(first.tree(), other);
        assertThat(workspaces.snapshot(other, loaded).hashedFiles()).isEqualTo(first.files());
        assertThat(loaded.root()).contains(other.toAbsolutePath().normalize().toString());
    }

    @Test
    void namesTheFileNameEncodingCannotDecodeAreRefused() throws Exception {
        assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")), "needs UTF-8 file names");
        Path dir = tmp.resolve("ws");
        Files.createDirectories(dir);
        Process touch = new ProcessBuilder("sh", "-c", "touch \"$(printf 'bad\\377name')\"")
                .directory(dir.toFile())
                .inheritIO()
                .start();
        assumeTrue(touch.waitFor() == 0, "sh and touch are needed");

        assertThatThrownBy(() -> workspaces.snapshot(dir))
                .isInstanceOfSatisfying(
                        WorkspaceException.class, e -> assertThat(e.code()).isEqualTo("unrepresentable_name"));
    }

    @Test
    void aPathThatIsNotADirectoryIsRefused() {
        Path file = Dirs.write(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> workspaces.snapshot(file))
                .isInstanceOfSatisfying(
                        WorkspaceException.class, e -> assertThat(e.code()).isEqualTo("not_a_directory"));
        assertThatThrownBy(() -> workspaces.snapshot(tmp.resolve("missing")))
                .isInstanceOfSatisfying(
                        WorkspaceException.class, e -> assertThat(e.code()).isEqualTo("not_a_directory"));
    }

    @Test
    void anInMemoryStoreWorksWithoutCollection() {
        var memory = new dev.cairn.testkit.InMemoryArtifactStore();
        Workspaces ws = Workspaces.uncollected(memory, WorkspaceOptions.defaults());
        Path dir = tmp.resolve("ws");
        Dirs.random(new Random(5), dir, 30);
        Dirs.age(dir);
        StatCache cache = StatCache.inMemory();

        SnapshotResult first = ws.snapshot(dir, cache);
        SnapshotResult second = ws.snapshot(dir, cache);
        Path copy = tmp.resolve("copy");
        ws.materialize(first.tree(), copy);

        assertThat(second.hashedFiles()).isZero();
        assertThat(cache.knownBlobs()).isZero();
        assertThat(Dirs.describe(copy)).isEqualTo(Dirs.describe(dir));
        assertThat(first.tree()).isEqualTo(workspaces.snapshot(dir).tree());
        assertThat(memory.size()).isGreaterThan(0);
        assertThat(List.of(first.tree())).doesNotContainNull();
        assertThat(Files.isDirectory(copy, LinkOption.NOFOLLOW_LINKS)).isTrue();
    }
}
