package dev.cairn.bench;

import dev.cairn.bench.BenchReport.Figure;
import dev.cairn.bench.BenchReport.Input;
import dev.cairn.bench.BenchReport.Ratio;
import dev.cairn.machine.time.Clock;
import dev.cairn.store.fs.FsArtifactStore;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteOptions;
import dev.cairn.workspace.MaterializeResult;
import dev.cairn.workspace.SnapshotResult;
import dev.cairn.workspace.StatCache;
import dev.cairn.workspace.TreeProtection;
import dev.cairn.workspace.Workspaces;
import dev.cairn.workspace.cache.CacheCommit;
import dev.cairn.workspace.cache.CacheEntry;
import dev.cairn.workspace.cache.CacheKey;
import dev.cairn.workspace.cache.SqliteActionCache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * {@code cache-hit}: what a cache hit on a step whose workspace holds 1,000 files (20 directories,
 * sizes 0–4 KB) costs, in wall-clock time, with the filesystem store and the SQLite action cache:
 *
 * <ul>
 *   <li>{@code restore_1000_files}: materialize the entry's snapshot into an empty directory, with
 *       the stat cache primed (what a hit that restores the workspace does beyond the lookup);
 *   <li>{@code hit_lookup}: read the entry and its root tree (what a hit that serves the recorded
 *       outputs without restoring files does);
 *   <li>{@code hit_lookup_for_use}: the host's lookup that counts the use and pins the snapshot, one
 *       durable transaction.
 * </ul>
 *
 * Baselines, same run: {@code raw_copy_1000_files} (copy the same files from a plain directory with
 * {@code Files.copy}: the filesystem's floor for writing 1,000 files) and {@code
 * raw_hardlink_1000_files} (hard-link them instead: what restoring by linking store blobs would
 * cost, were it safe). The goal compares a hit with a
 * sandboxed no-op step, {@value #SANDBOX_NOOP_MS} ms as measured in {@code docs/cells.md}: not
 * measured in this run (this module does not start cells); the integration of the runner measures
 * the real ratio. Goal: a hit at 20% of that or less, i.e. {@code sandbox_noop / hit} at 5 or more.
 */
public final class CacheHitWorkload implements Workload {

    /** A sandboxed no-op step ({@code CellRuntime.run}, sandbox, cgroups AUTO), from {@code docs/cells.md}. */
    public static final double SANDBOX_NOOP_MS = 8.37;

    /** How many times faster than a no-op step a hit should be. */
    public static final double GOAL = 5;

    static final int FILES = 1_000;
    private static final int DIRS = 20;

    private final int files;

    /** The workload as {@code cairn bench cache-hit} runs it: 1,000 files. */
    public CacheHitWorkload() {
        this(FILES);
    }

    /** Another number of files, for tests. */
    CacheHitWorkload(int files) {
        this.files = files;
    }

    @Override
    public String name() {
        return "cache-hit";
    }

    @Override
    public String description() {
        return "a cache hit restoring a 1,000-file workspace from the store, against the ~8 ms sandboxed"
                + " no-op step of docs/cells.md (goal: <= 20% of it)";
    }

    @Override
    public BenchReport run(BenchSettings settings) {
        Path dir;
        try {
            dir = Files.createTempDirectory("cairn-bench-cache-hit");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (FsArtifactStore store = FsArtifactStore.open(dir.resolve("store"));
                SqliteDatabase db = SqliteDatabase.open(SqliteOptions.builder(dir.resolve("cairn.db"))
                        .migrationModule(SqliteActionCache.MIGRATION_MODULE)
                        .build())) {
            return measure(settings, dir, store, db);
        } finally {
            BenchFiles.deleteQuietly(dir);
        }
    }

    private BenchReport measure(BenchSettings settings, Path dir, FsArtifactStore store, SqliteDatabase db) {
        Path source = dir.resolve("source");
        List<Path> files = generate(source, new Random(1_000), this.files);
        long bytes = 0;
        for (Path f : files) {
            bytes += size(f);
        }
        Workspaces workspaces = Workspaces.open(store);
        SnapshotResult snapshot = workspaces.snapshot(source);
        SqliteActionCache cache = SqliteActionCache.open(db, Clock.system());
        CacheKey key = new CacheKey("c".repeat(64));
        cache.commit(
                new CacheCommit(key, snapshot.tree(), List.of(), snapshot.uniqueBytes(), "bench", Optional.empty()));

        int samples = Math.max(5, settings.rounds() * 5);
        int warmups = Math.max(2, settings.warmupRounds() * 2);
        int[] n = {0};
        double[] restore = Samples.millis(
                warmups,
                samples,
                () -> dir.resolve("restore-" + n[0]++),
                target -> {
                    MaterializeResult r = workspaces.materialize(
                            snapshot.tree(), target, StatCache.inMemory(), TreeProtection.PINNED);
                    if (r.files() != this.files) {
                        throw BenchException.selfCheckFailed(name(), "restored " + r.files() + " files");
                    }
                },
                BenchFiles::deleteQuietly);
        double[] copy = Samples.millis(
                warmups,
                samples,
                () -> dir.resolve("copy-" + n[0]++),
                target -> copy(source, target),
                BenchFiles::deleteQuietly);
        double[] link = Samples.millis(
                warmups,
                samples,
                () -> dir.resolve("link-" + n[0]++),
                target -> link(source, target),
                BenchFiles::deleteQuietly);
        double[] lookup = Samples.millis(
                warmups * 10,
                samples * 20,
                () -> key,
                k -> {
                    CacheEntry entry = cache.lookup(k).orElseThrow();
                    workspaces.trees().read(entry.snapshot());
                },
                k -> {});
        double[] lookupForUse = Samples.millis(
                warmups,
                samples,
                () -> key,
                k -> cache.lookupForUse(k, "bench", Duration.ofMinutes(5)).orElseThrow(),
                k -> {});

        Figure restoreFigure = Samples.figure("restore_1000_files", restore);
        Figure lookupFigure = Samples.figure("hit_lookup", lookup);
        Figure lookupForUseFigure = Samples.figure("hit_lookup_for_use", lookupForUse);
        Figure copyFigure = Samples.figure("raw_copy_1000_files", copy);
        Figure linkFigure = Samples.figure("raw_hardlink_1000_files", link);
        return new BenchReport(
                name(),
                BenchReport.Environment.current(),
                new BenchReport.Settings(warmups, samples, 0, 1, "wall"),
                List.of(Input.documents("workspace", this.files, bytes)),
                List.of(restoreFigure, lookupFigure, lookupForUseFigure),
                List.of(copyFigure, linkFigure),
                List.of(
                        reference("sandbox_noop_over_restore", restoreFigure),
                        reference("sandbox_noop_over_hit_lookup", lookupFigure),
                        reference("sandbox_noop_over_hit_lookup_for_use", lookupForUseFigure),
                        Ratio.of("restore_over_raw_copy", restoreFigure, copyFigure, Optional.empty()),
                        Ratio.of("restore_over_raw_hardlink", restoreFigure, linkFigure, Optional.empty())));
    }

    /** {@value #SANDBOX_NOOP_MS} ms (docs/cells.md, not measured here) over a figure in ms. */
    private static Ratio reference(String name, Figure figure) {
        double value = SANDBOX_NOOP_MS / figure.median();
        return new Ratio(
                name,
                "sandbox_noop_step_ms_from_docs_cells",
                figure.name(),
                value,
                Optional.of(GOAL),
                Optional.of(value >= GOAL));
    }

    static List<Path> generate(Path root, Random random, int count) {
        List<Path> files = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                Path file = root.resolve("dir-" + i % DIRS).resolve("file-" + i + ".txt");
                Files.createDirectories(file.getParent());
                byte[] content = new byte[random.nextInt(4097)];
                random.nextBytes(content);
                Files.write(file, content);
                files.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Hard links to the files instead of copies: what restoring by linking store blobs would cost. */
    private static void link(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.createLink(target, p);
                }
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }
}
