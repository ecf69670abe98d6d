package dev.cairn.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.json.CodedError;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.store.fs.FsArtifactStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Materialization and incremental updates: content, modes, links, safety, the primed stat cache. */
class MaterializeTest {

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

    private TreeId snapshotOf(String name, Random random, int files) {
        Path dir = tmp.resolve(name);
        Dirs.random(random, dir, files);
        return workspaces.snapshot(dir).tree();
    }

    @Test
    void modesAndLinksAreWrittenAsRecorded() throws IOException {
        Path src = tmp.resolve("src");
        Dirs.write(src.resolve("tool"), "#!/bin/sh\n");
        Dirs.executable(src.resolve("tool"), true);
        Dirs.write(src.resolve("data"), "x");
        Dirs.link(src.resolve("abs"), "/etc/passwd");
        Dirs.link(src.resolve("up"), "../../..");
        TreeId tree = workspaces.snapshot(src).tree();

        Path out = tmp.resolve("out");
        workspaces.materialize(tree, out);

        Set<PosixFilePermission> tool = Files.getPosixFilePermissions(out.resolve("tool"));
        assertThat(tool).contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.getPosixFilePermissions(out.resolve("data")))
                .doesNotContain(PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.readSymbolicLink(out.resolve("abs")).toString()).isEqualTo("/etc/passwd");
        assertThat(Files.readSymbolicLink(out.resolve("up")).toString()).isEqualTo("../../..");
    }

    @Test
    void onlyAnEmptyOrAbsentDirectoryIsMaterializedInto() {
        TreeId tree = snapshotOf("src", new Random(1), 5);
        Path busy = Dirs.write(tmp.resolve("busy/file"), "x").getParent();
        Path file = Dirs.write(tmp.resolve("a-file"), "x");

        assertCode(() -> workspaces.materialize(tree, busy), "workspace_not_empty");
        assertCode(() -> workspaces.materialize(tree, file), "not_a_directory");
        workspaces.materialize(tree, tmp.resolve("absent/deeper"));
        assertThat(Dirs.describe(tmp.resolve("absent/deeper"))).isEqualTo(Dirs.describe(tmp.resolve("src")));
    }

    @Test
    void aMaterializedWorkspaceSnapshotsWithoutReadingAFile() {
        TreeId tree = snapshotOf("src", new Random(2), 80);
        StatCache cache = StatCache.inMemory();
        Path ws = tmp.resolve("ws");

        MaterializeResult written = workspaces.materialize(tree, ws, cache);
        SnapshotResult after = workspaces.snapshot(ws, cache);

        assertThat(cache.size()).isEqualTo((int) written.files());
        assertThat(after.tree()).isEqualTo(tree);
        assertThat(after.hashedFiles()).isZero();
    }

    @Test
    void aStepWritingRightAfterMaterializationIsSeenEvenWithTheSameSize() throws IOException {
        Path src = tmp.resolve("src");
        Dirs.write(src.resolve("counter"), "0001");
        TreeId tree = workspaces.snapshot(src).tree();
        StatCache cache = StatCache.inMemory();
        Path ws = tmp.resolve("ws");

        workspaces.materialize(tree, ws, cache);
        try (RandomAccessFile f = new RandomAccessFile(ws.resolve("counter").toFile(), "rw")) {
            f.write("0002".getBytes()); // in place, same size, within the same clock tick
        }
        SnapshotResult after = workspaces.snapshot(ws, cache);

        assertThat(after.hashedFiles()).isEqualTo(1);
        assertThat(workspaces.diff(tree, after.tree()))
                .extracting(TreeChange::toString)
                .containsExactly("M counter");
    }

    @Test
    void aPinnedTreeNeedsNoTouchOnTheNextSnapshot() throws IOException {
        Path src = tmp.resolve("src");
        Dirs.write(src.resolve("a"), "a");
        TreeId tree = workspaces.snapshot(src).tree();
        StatCache unpinned = StatCache.inMemory();
        StatCache pinned = StatCache.inMemory();

        workspaces.materialize(tree, tmp.resolve("u"), unpinned);
        workspaces.materialize(tree, tmp.resolve("p"), pinned, TreeProtection.PINNED);

        assertThat(unpinned.knownBlobs()).isZero();
        assertThat(pinned.knownBlobs()).isEqualTo(2); // the file and the tree object
        // A missing blob goes unnoticed only where the caller vouched for it with a pin.
        Files.delete(store.pathOf(new ArtifactId(dev.cairn.json.ArtifactIds.ofBytes("a".getBytes()))));
        assertThat(workspaces.snapshot(tmp.resolve("u"), unpinned).storedBlobs())
                .isEqualTo(1);
    }

    @Test
    void aCorruptBlobFailsAndLeavesNoPartialFile() throws IOException {
        Workspaces streaming = Workspaces.open(
                store, WorkspaceOptions.builder().smallFileBytes(16).build());
        Path src = tmp.resolve("src");
        Dirs.write(src.resolve("big.bin"), Dirs.bytes(new Random(4), 100_000));
        Dirs.write(src.resolve("small.txt"), "small");
        SnapshotResult snapshot = streaming.snapshot(src);
        WorkspaceTree tree = streaming.trees().read(snapshot.tree());
        for (TreeEntry e : tree.entries()) {
            Path blob = store.pathOf(((TreeEntry.File) e).digest());
            byte[] bytes = Files.readAllBytes(blob);
            bytes[bytes.length - 1] ^= 1;
            Files.write(blob, bytes);
        }

        for (Workspaces ws : List.of(streaming, workspaces)) {
            Path out = tmp.resolve("out-" + System.identityHashCode(ws));
            assertThatThrownBy(() -> ws.materialize(snapshot.tree(), out))
                    .isInstanceOfSatisfying(
                            StorageException.class, e -> assertThat(e.code()).isEqualTo("artifact_corrupt"));
            try (Stream<Path> left = Files.list(out)) {
                assertThat(left).isEmpty();
            }
        }
    }

    @Test
    void emptyFilesNeedNoBlob() {
        TreeId tree = workspaces
                .treeBuilder()
                .file("empty", FileMode.REGULAR, 0, TreeModelTest.EMPTY)
                .directory("dir/sub")
                .build();
        assertThat(store.exists(TreeModelTest.EMPTY)).isFalse();

        Path out = tmp.resolve("out");
        workspaces.materialize(tree, out);

        assertThat(out.resolve("empty")).isEmptyFile();
        assertThat(out.resolve("dir/sub")).isEmptyDirectory();
    }

    @Test
    void updatesTurnOneRandomTreeIntoAnother() {
        long seed = Dirs.seed("updatesTurnOneRandomTreeIntoAnother");
        assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")), "needs UTF-8 file names");
        Random random = new Random(seed);
        for (int round = 0; round < 4; round++) {
            Path a = tmp.resolve("a" + round);
            Dirs.random(random, a, 60);
            Path b = tmp.resolve("b" + round);
            copyTree(a, b);
            mutate(random, b);
            TreeId from = workspaces.snapshot(a).tree();
            TreeId to = workspaces.snapshot(b).tree();
            StatCache cache = StatCache.inMemory();
            Path ws = tmp.resolve("ws" + round);
            workspaces.materialize(from, ws, cache);

            MaterializeResult updated = workspaces.update(ws, from, to, cache);
            SnapshotResult after = workspaces.snapshot(ws, cache);

            assertThat(Dirs.describe(ws)).as("round %d", round).isEqualTo(Dirs.describe(b));
            assertThat(after.tree()).isEqualTo(to);
            assertThat(after.hashedFiles()).as("the cache knew every file").isZero();
            assertThat(updated.tree()).isEqualTo(to);
        }
    }

    @Test
    void kindChangesAreApplied() {
        Path a = tmp.resolve("a");
        Dirs.write(a.resolve("x"), "file");
        Dirs.write(a.resolve("y/inner"), "in a dir");
        Dirs.link(a.resolve("z"), "target");
        Dirs.write(a.resolve("m"), "same");
        Path b = tmp.resolve("b");
        Dirs.write(b.resolve("x/now-a-dir"), "!");
        Dirs.write(b.resolve("y"), "now a file");
        Dirs.write(b.resolve("z"), "now a file");
        Dirs.write(b.resolve("m"), "same");
        Dirs.executable(b.resolve("m"), true);
        TreeId from = workspaces.snapshot(a).tree();
        TreeId to = workspaces.snapshot(b).tree();

        assertThat(workspaces.diff(from, to))
                .extracting(TreeChange::toString)
                .containsExactly("M m", "M x", "A x/now-a-dir", "M y", "D y/inner", "M z");

        Path ws = tmp.resolve("ws");
        workspaces.materialize(from, ws);
        MaterializeResult result = workspaces.update(ws, from, to, StatCache.inMemory());

        assertThat(Dirs.describe(ws)).isEqualTo(Dirs.describe(b));
        assertThat(result.removed()).isEqualTo(3);
    }

    @Test
    void anUpdateNeverWritesThroughALinkWhereTheTreeSaysDirectory() throws IOException {
        Path a = tmp.resolve("a");
        Dirs.write(a.resolve("sub/keep"), "k");
        Path b = tmp.resolve("b");
        Dirs.write(b.resolve("sub/keep"), "k");
        Dirs.write(b.resolve("sub/new"), "written where?");
        TreeId from = workspaces.snapshot(a).tree();
        TreeId to = workspaces.snapshot(b).tree();
        Path ws = tmp.resolve("ws");
        workspaces.materialize(from, ws);
        // The workspace drifted: a step replaced the directory with a link to elsewhere.
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Dirs.write(elsewhere.resolve("keep"), "k");
        Materializer.deleteTree(ws.resolve("sub"));
        Files.createSymbolicLink(ws.resolve("sub"), elsewhere);

        assertCode(() -> workspaces.update(ws, from, to, StatCache.inMemory()), "workspace_drift");
        assertThat(elsewhere.resolve("new")).doesNotExist();
    }

    @Test
    void anUpdateRefusesAnEntryOfTheWrongKind() throws IOException {
        Path a = tmp.resolve("a");
        Dirs.write(a.resolve("f"), "1");
        Path b = tmp.resolve("b");
        Dirs.write(b.resolve("f"), "2");
        TreeId from = workspaces.snapshot(a).tree();
        TreeId to = workspaces.snapshot(b).tree();
        Path ws = tmp.resolve("ws");
        workspaces.materialize(from, ws);
        Files.delete(ws.resolve("f"));
        Files.createSymbolicLink(ws.resolve("f"), Path.of("/etc/hostname"));

        assertCode(() -> workspaces.update(ws, from, to, StatCache.inMemory()), "workspace_drift");
        assertThat(Files.isSymbolicLink(ws.resolve("f"))).isTrue();
    }

    @Test
    void filesAreCreatedNewNeverOpenedThroughAnExistingLink() throws IOException {
        // A full materialization into a directory holding a link is refused before anything is written.
        TreeId tree = workspaces
                .treeBuilder()
                .file("f", FileMode.REGULAR, 1, store.put(Workspaces.FILE_KIND, "x".getBytes()))
                .build();
        Path victim = Dirs.write(tmp.resolve("victim"), "untouched");
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Files.createSymbolicLink(ws.resolve("f"), victim);

        assertCode(() -> workspaces.materialize(tree, ws), "workspace_not_empty");
        // An update whose source tree says `f` is absent finds the link there and stops.
        TreeId empty = workspaces.treeBuilder().build();
        assertCode(() -> workspaces.update(ws, empty, tree, StatCache.inMemory()), "workspace_drift");
        assertThat(Files.readString(victim)).isEqualTo("untouched");
        assertThat(Files.isSymbolicLink(ws.resolve("f"))).isTrue();
        assertThat(Files.exists(ws.resolve("f"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    private static void assertCode(Runnable action, String code) {
        assertThatThrownBy(action::run)
                .isInstanceOfSatisfying(RuntimeException.class, e -> assertThat(((CodedError) e).code())
                        .isEqualTo(code));
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Changes content, modes and kinds of some entries, removes some, adds some. */
    private static void mutate(Random random, Path root) {
        try {
            List<Path> all;
            try (Stream<Path> walk = Files.walk(root)) {
                all = walk.filter(p -> !p.equals(root)).toList();
            }
            for (Path p : all) {
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS) || random.nextInt(4) != 0) {
                    continue;
                }
                boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                switch (random.nextInt(5)) {
                    case 0 -> {
                        if (dir) {
                            Materializer.deleteTree(p);
                        } else {
                            Files.delete(p);
                        }
                    }
                    case 1 -> {
                        if (!dir && !Files.isSymbolicLink(p)) {
                            Files.write(p, Dirs.bytes(random, random.nextInt(200)));
                        }
                    }
                    case 2 -> {
                        if (!dir && !Files.isSymbolicLink(p)) {
                            Dirs.executable(p, random.nextBoolean());
                        }
                    }
                    case 3 -> {
                        if (dir) {
                            Materializer.deleteTree(p);
                        } else {
                            Files.delete(p);
                        }
                        Dirs.write(p.resolve("became-a-dir"), "!");
                    }
                    default -> {
                        if (dir) {
                            Dirs.write(p.resolve("added-" + random.nextInt(100)), "new");
                        } else {
                            Files.delete(p);
                            Files.createSymbolicLink(p, Path.of("became-a-link"));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
