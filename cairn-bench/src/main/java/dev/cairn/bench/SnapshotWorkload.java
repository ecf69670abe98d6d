package dev.cairn.bench;

import dev.cairn.bench.BenchReport.Figure;
import dev.cairn.bench.BenchReport.Input;
import dev.cairn.bench.BenchReport.Ratio;
import dev.cairn.json.ArtifactIds;
import dev.cairn.store.fs.FsArtifactStore;
import dev.cairn.workspace.SnapshotResult;
import dev.cairn.workspace.StatCache;
import dev.cairn.workspace.TreeChange;
import dev.cairn.workspace.Workspaces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * {@code snapshot}: snapshots of a 10,000-file, 100 MB workspace (100 directories, file sizes spread
 * from 0 to 20 KB, random content) into a fresh filesystem store, in wall-clock time:
 *
 * <ul>
 *   <li>{@code snapshot_full}: the first snapshot, with an empty stat cache (every file read,
 *       hashed and stored; the small blobs made durable together at the end);
 *   <li>{@code snapshot_one_changed}: again, with the stat cache, after one file changed;
 *   <li>{@code snapshot_unchanged}: again, nothing changed.
 * </ul>
 *
 * Baselines, same run: {@code raw_walk_lstat} (walk the tree and {@code lstat} every entry: the
 * floor of any change detection), {@code raw_read_sha256} (read and hash every file on one thread:
 * the floor of a first snapshot that stored nothing) and {@code raw_write_new_files} (write every
 * file's bytes into a new file, unflushed: the filesystem's floor for storing 10,000 new blobs). Goal: the second snapshot costs a small
 * fraction of the first: {@code snapshot_full / snapshot_one_changed} at 10 or more. The files are
 * dated an hour back, as files of a real workspace usually are, so that none is racy (see {@code
 * docs/workspaces.md}).
 */
public final class SnapshotWorkload implements Workload {

    /** The speed-up the goal asks of the second snapshot. */
    public static final double GOAL = 10;

    static final int FILES = 10_000;
    static final long BYTES = 100_000_000;
    private static final int DIRS = 100;
    private static final int MAX_SAMPLES = 5;

    private final int files;
    private final long bytes;

    /** The workload as {@code cairn bench snapshot} runs it: 10,000 files, 100 MB. */
    public SnapshotWorkload() {
        this(FILES, BYTES);
    }

    /** A smaller workspace, for tests. */
    SnapshotWorkload(int files, long bytes) {
        this.files = files;
        this.bytes = bytes;
    }

    @Override
    public String name() {
        return "snapshot";
    }

    @Override
    public String description() {
        return "snapshot of a 10,000-file, 100 MB workspace, then again after one file changed"
                + " (goal: the second >= 10x faster)";
    }

    @Override
    public BenchReport run(BenchSettings settings) {
        Path dir;
        try {
            dir = Files.createTempDirectory("cairn-bench-snapshot");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return measure(settings, dir);
        } finally {
            BenchFiles.deleteQuietly(dir);
        }
    }

    private BenchReport measure(BenchSettings settings, Path dir) {
        Path ws = dir.resolve("ws");
        List<Path> files = generate(ws, new Random(10_000), this.files, bytes);
        int samples = Math.min(MAX_SAMPLES, settings.rounds());
        int warmups = Math.min(1, settings.warmupRounds());
        Random edits = new Random(1);
        int[] sample = {0};
        double[] full = new double[samples];
        double[] changed = new double[samples];
        double[] unchanged = new double[samples];

        for (int i = 0; i < warmups + samples; i++) {
            Path storeDir = dir.resolve("store-" + i);
            FsArtifactStore store = FsArtifactStore.open(storeDir);
            try {
                Workspaces workspaces = Workspaces.open(store);
                StatCache cache = StatCache.inMemory();
                long t0 = System.nanoTime();
                SnapshotResult first = workspaces.snapshot(ws, cache);
                long t1 = System.nanoTime();
                Path edited = files.get(edits.nextInt(files.size()));
                edit(edited, edits);
                long t2 = System.nanoTime();
                SnapshotResult second = workspaces.snapshot(ws, cache);
                long t3 = System.nanoTime();
                SnapshotResult third = workspaces.snapshot(ws, cache);
                long t4 = System.nanoTime();
                selfCheck(
                        workspaces, first, second, third, ws.relativize(edited).toString());
                // Date this round's edit back too, so that the next round's workspace has no racy file.
                Files.setLastModifiedTime(edited, Files.getLastModifiedTime(files.getFirst()));
                if (i >= warmups) {
                    full[sample[0]] = (t1 - t0) / 1e6;
                    changed[sample[0]] = (t3 - t2) / 1e6;
                    unchanged[sample[0]] = (t4 - t3) / 1e6;
                    sample[0]++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                store.close();
                BenchFiles.deleteQuietly(storeDir);
            }
        }
        double[] walk = Samples.millis(warmups, samples, () -> ws, SnapshotWorkload::walk, w -> {});
        double[] hash = Samples.millis(warmups, samples, () -> files, SnapshotWorkload::readAndHash, f -> {});
        int[] n = {0};
        double[] create = Samples.millis(
                warmups,
                samples,
                () -> Files.createDirectories(dir.resolve("raw-" + n[0]++)),
                target -> createAll(files, target),
                BenchFiles::deleteQuietly);

        Figure fullFigure = Samples.figure("snapshot_full", full);
        Figure changedFigure = Samples.figure("snapshot_one_changed", changed);
        Figure unchangedFigure = Samples.figure("snapshot_unchanged", unchanged);
        Figure walkFigure = Samples.figure("raw_walk_lstat", walk);
        Figure hashFigure = Samples.figure("raw_read_sha256", hash);
        Figure createFigure = Samples.figure("raw_write_new_files", create);
        return new BenchReport(
                name(),
                BenchReport.Environment.current(),
                new BenchReport.Settings(warmups, samples, 0, 1, "wall"),
                List.of(Input.documents("workspace", this.files, bytes)),
                List.of(fullFigure, changedFigure, unchangedFigure),
                List.of(walkFigure, hashFigure, createFigure),
                List.of(
                        Ratio.of("snapshot_full_over_one_changed", fullFigure, changedFigure, Optional.of(GOAL)),
                        Ratio.of("snapshot_one_changed_over_raw_walk", changedFigure, walkFigure, Optional.empty()),
                        Ratio.of("snapshot_full_over_raw_read_sha256", fullFigure, hashFigure, Optional.empty()),
                        Ratio.of(
                                "snapshot_full_over_raw_write_new_files", fullFigure, createFigure, Optional.empty())));
    }

    /** {@code count} files of random content totalling exactly {@code bytes}, dated an hour back. */
    static List<Path> generate(Path root, Random random, int count, long bytes) {
        long[] sizes = new long[count];
        long total = 0;
        for (int i = 0; i < count; i++) {
            sizes[i] = random.nextInt(20_001);
            total += sizes[i];
        }
        double scale = (double) bytes / total;
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sizes[i] = Math.round(sizes[i] * scale);
            sum += sizes[i];
        }
        sizes[count - 1] += bytes - sum;
        FileTime hourAgo = FileTime.from(Instant.ofEpochMilli(System.currentTimeMillis() - 3_600_000));
        List<Path> files = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                int d = i % DIRS;
                Path file = root.resolve("d" + d / 10).resolve("s" + d % 10).resolve("file-" + i + ".dat");
                Files.createDirectories(file.getParent());
                byte[] content = new byte[(int) sizes[i]];
                random.nextBytes(content);
                Files.write(file, content);
                Files.setLastModifiedTime(file, hourAgo);
                files.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** Rewrites a file with other content of the same size, as an edit would. */
    private static void edit(Path file, Random random) {
        try {
            byte[] content = Files.readAllBytes(file);
            byte[] other = new byte[Math.max(1, content.length)];
            random.nextBytes(other);
            Files.write(file, other);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void walk(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.readAttributes(file, "unix:mode,ino,dev,size,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Writes every file's bytes into a new file of one directory, without flushing: the store's floor. */
    private static void createAll(List<Path> files, Path target) throws IOException {
        int i = 0;
        for (Path file : files) {
            Files.write(target.resolve("blob-" + i++), Files.readAllBytes(file), StandardOpenOption.CREATE_NEW);
        }
    }

    private static void readAndHash(List<Path> files) throws IOException {
        MessageDigest sha = ArtifactIds.sha256();
        for (Path file : files) {
            sha.update(Files.readAllBytes(file));
            sha.digest();
        }
    }

    /** The snapshots measured must be right: one change seen, nothing else, and a stable tree. */
    private void selfCheck(
            Workspaces workspaces, SnapshotResult first, SnapshotResult second, SnapshotResult third, String edited) {
        List<TreeChange> diff = workspaces.diff(first.tree(), second.tree());
        if (first.files() != files
                || first.fileBytes() != bytes
                || diff.size() != 1
                || !diff.getFirst().path().equals(edited)
                || second.hashedFiles() != 1
                || !third.tree().equals(second.tree())
                || third.hashedFiles() > 1) { // the edited file is racy: read once more
            throw BenchException.selfCheckFailed(
                    name(),
                    "expected one change at " + edited + ", got " + diff + "; hashed " + second.hashedFiles() + " then "
                            + third.hashedFiles());
        }
    }
}
