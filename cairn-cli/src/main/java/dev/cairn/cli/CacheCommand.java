package dev.cairn.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.time.Clock;
import dev.cairn.orchestrator.embedded.HomeArtifactStore;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteOptions;
import dev.cairn.workspace.OutputArtifact;
import dev.cairn.workspace.TreeStore;
import dev.cairn.workspace.cache.BlobCollector;
import dev.cairn.workspace.cache.CacheEntry;
import dev.cairn.workspace.cache.CacheKey;
import dev.cairn.workspace.cache.CacheStats;
import dev.cairn.workspace.cache.GcOptions;
import dev.cairn.workspace.cache.GcReport;
import dev.cairn.workspace.cache.SqliteActionCache;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code cairn cache ls|show|rm|gc}: the action cache of a Cairn home ({@code <home>/cairn.db}) and
 * the collection of the blobs in its artifact store ({@code <home>/artifacts}) that nothing
 * references any more.
 */
@Command(
        name = "cache",
        mixinStandardHelpOptions = true,
        description = "Inspect and clean the action cache; collect unreferenced blobs.",
        subcommands = {CacheCommand.Ls.class, CacheCommand.Show.class, CacheCommand.Rm.class, CacheCommand.Gc.class})
final class CacheCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw Cairn.missingSubcommand(spec);
    }

    /** The home's database with the action cache's tables, and, for a collection, its store. */
    static final class Opened implements AutoCloseable {
        final CairnHome home;
        final SqliteDatabase db;
        final SqliteActionCache cache;
        private HomeArtifactStore store;

        private Opened(CairnHome home, SqliteDatabase db) {
            this.home = home;
            this.db = db;
            this.cache = SqliteActionCache.open(db, Clock.system());
        }

        static Opened open(HomeOption option) {
            CairnHome home = option.resolve().requireExisting();
            CairnHome.quietLibraries();
            SqliteDatabase db = SqliteDatabase.open(SqliteOptions.builder(home.database())
                    .migrationModule(SqliteActionCache.MIGRATION_MODULE)
                    .readConnections(1)
                    .build());
            try {
                return new Opened(home, db);
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
        }

        /** The home's artifact store: its files and the blobs in the database's table. */
        HomeArtifactStore store() {
            if (store == null) {
                store = HomeArtifactStore.open(db, home.artifacts());
            }
            return store;
        }

        @Override
        public void close() {
            try {
                if (store != null) {
                    store.close();
                }
            } finally {
                db.close();
            }
        }
    }

    /** Runs {@code body} on the opened home; storage failures become the user's errors. */
    static <T> T withHome(HomeOption option, Function<Opened, T> body) {
        try (Opened opened = Opened.open(option)) {
            return body.apply(opened);
        } catch (StorageException e) {
            throw CairnHome.storageFailure(e);
        }
    }

    // ------------------------------------------------------------------ ls

    /**
     * One line of {@code cairn cache ls}.
     *
     * @param key the full cache key
     * @param sizeBytes the distinct bytes of its snapshot and outputs
     * @param hits times served
     * @param lastUsed when committed or last served
     * @param created when committed
     * @param origin who built it
     * @param outputs how many outputs it serves
     */
    record EntrySummary(
            String key, long sizeBytes, long hits, Instant lastUsed, Instant created, String origin, int outputs) {

        static EntrySummary of(CacheEntry e) {
            return new EntrySummary(
                    e.key().value(),
                    e.sizeBytes(),
                    e.hits(),
                    e.lastUsed(),
                    e.created(),
                    e.origin(),
                    e.outputs().size());
        }
    }

    /** What {@code cairn cache ls --json} prints: the totals and the entries, most recently used first. */
    record CacheListing(String home, CacheStats stats, List<EntrySummary> entries, boolean truncated) {}

    @Command(
            name = "ls",
            mixinStandardHelpOptions = true,
            description = "List cache entries, most recently used first: key prefix, size, hits, last use, origin.")
    static final class Ls implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        HomeOption home;

        @Option(names = "--limit", paramLabel = "N", description = "Show at most N entries (default: all).")
        Integer limit;

        @Override
        public Integer call() {
            if (limit != null && limit < 1) {
                throw CliException.usage(
                        "--limit must be 1 or more, got " + limit, "Omit --limit to list every entry.");
            }
            CacheListing listing = withHome(home, opened -> {
                List<CacheEntry> all = opened.cache.list();
                List<CacheEntry> shown = limit == null || all.size() <= limit ? all : all.subList(0, limit);
                return new CacheListing(
                        opened.home.dir().toString(),
                        opened.cache.stats(),
                        shown.stream().map(EntrySummary::of).toList(),
                        shown.size() < all.size());
            });
            Cairn.of(spec).output().result(listing, Ls::human);
            return ExitCodes.OK;
        }

        static String human(CacheListing listing) {
            StringBuilder out = new StringBuilder();
            if (!listing.entries().isEmpty()) {
                out.append(String.format(
                        Locale.ROOT, "%-12s  %10s  %6s  %-20s  %s%n", "KEY", "SIZE", "HITS", "LAST USED", "ORIGIN"));
                for (EntrySummary e : listing.entries()) {
                    out.append(String.format(
                            Locale.ROOT,
                            "%-12s  %10s  %6d  %-20s  %s%n",
                            e.key().substring(0, 12),
                            Units.bytes(e.sizeBytes()),
                            e.hits(),
                            Units.time(e.lastUsed()),
                            e.origin().isEmpty() ? "-" : e.origin()));
                }
            }
            CacheStats stats = listing.stats();
            out.append(stats.entries())
                    .append(stats.entries() == 1 ? " entry, " : " entries, ")
                    .append(Units.bytes(stats.sizeBytes()))
                    .append(", ")
                    .append(stats.hits())
                    .append(" hits, ")
                    .append(stats.pins())
                    .append(" active pins");
            if (listing.truncated()) {
                out.append(" (showing the ").append(listing.entries().size()).append(" most recently used)");
            }
            return out.toString();
        }
    }

    // ------------------------------------------------------------------ show

    /** Finds the one entry {@code keyOrPrefix} names, or fails with a typed error. */
    static CacheEntry resolve(SqliteActionCache cache, String keyOrPrefix) {
        String text = keyOrPrefix.strip().toLowerCase(Locale.ROOT);
        if (text.startsWith("cache:")) {
            text = text.substring("cache:".length());
        }
        if (!text.matches("[0-9a-f]{4,64}")) {
            throw new CliException(
                    "invalid_cache_key",
                    "`" + keyOrPrefix + "` is not a cache key or key prefix",
                    "Give a key or at least its first 4 hex digits, as `cairn cache ls` shows them.",
                    ExitCodes.USAGE,
                    null);
        }
        List<CacheEntry> found = text.length() == 64
                ? cache.lookup(new CacheKey(text)).map(List::of).orElse(List.of())
                : cache.find(text);
        if (found.isEmpty()) {
            throw new CliException(
                    "cache_entry_not_found",
                    "no cache entry has a key starting with " + text,
                    "List the entries with `cairn cache ls`.",
                    ExitCodes.USAGE,
                    null);
        }
        if (found.size() > 1) {
            int shown = Math.min(found.size(), 10);
            String candidates =
                    found.subList(0, shown).stream().map(e -> e.key().value()).collect(Collectors.joining(", "));
            throw new CliException(
                    "ambiguous_cache_key",
                    "the prefix " + text + " matches " + found.size() + " entries: " + candidates
                            + (shown < found.size() ? ", ..." : ""),
                    "Give more digits of the key.",
                    ExitCodes.USAGE,
                    null);
        }
        return found.getFirst();
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Show a cache entry and its preimage: what its key is made of.")
    static final class Show implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        HomeOption home;

        @Parameters(paramLabel = "KEY|PREFIX", description = "The entry's key, or at least its first 4 hex digits.")
        String key;

        @Override
        public Integer call() {
            CacheEntry entry = withHome(home, opened -> resolve(opened.cache, key));
            Cairn.of(spec).output().result(entry, Show::human);
            return ExitCodes.OK;
        }

        static String human(CacheEntry e) {
            StringBuilder out = new StringBuilder();
            out.append("key        ").append(e.key().value()).append('\n');
            out.append("snapshot   tree:").append(e.snapshot().value()).append('\n');
            out.append("exit code  ").append(e.exitCode()).append('\n');
            out.append("size       ").append(Units.bytes(e.sizeBytes())).append('\n');
            out.append("hits       ").append(e.hits()).append('\n');
            out.append("created    ").append(Units.time(e.created())).append('\n');
            out.append("last used  ").append(Units.time(e.lastUsed())).append('\n');
            out.append("origin     ")
                    .append(e.origin().isEmpty() ? "-" : e.origin())
                    .append('\n');
            out.append("outputs    ")
                    .append(e.outputs().isEmpty() ? "none" : "")
                    .append('\n');
            for (OutputArtifact o : e.outputs()) {
                out.append("  ")
                        .append(o.key())
                        .append("  ")
                        .append(Units.bytes(o.sizeBytes()))
                        .append("  ")
                        .append(o.mime())
                        .append("  ")
                        .append(o.id().value())
                        .append('\n');
            }
            out.append("preimage   ");
            if (e.preimage().isEmpty()) {
                out.append("not recorded (the committer gave none)");
            } else {
                out.append('\n').append(pretty(Wire.write(e.preimage().get())));
            }
            return out.toString();
        }

        private static String pretty(String json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            try {
                return mapper.writeValueAsString(mapper.readTree(json));
            } catch (JsonProcessingException e) {
                return json;
            }
        }
    }

    // ------------------------------------------------------------------ rm

    /**
     * What {@code cairn cache rm --json} prints.
     *
     * @param removed how many entries were removed
     * @param keys the keys removed, when one was named
     * @param stats the cache afterwards
     */
    record Removal(long removed, List<String> keys, CacheStats stats) {}

    /** Exactly one of: a key, {@code --unused-since}, {@code --max-size}. */
    static final class Selection {
        @Parameters(paramLabel = "KEY|PREFIX", description = "The entry to remove: its key or a unique prefix.")
        String key;

        @Option(
                names = "--unused-since",
                paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "Remove the entries not used for this long, e.g. 7d, 12h, 30m.")
        Duration unusedSince;

        @Option(
                names = "--max-size",
                paramLabel = "SIZE",
                converter = SizeConverter.class,
                description = "Remove least recently used entries until the rest take at most SIZE, e.g. 10G, 500M.")
        Long maxSize;
    }

    @Command(
            name = "rm",
            mixinStandardHelpOptions = true,
            description = {
                "Remove cache entries: one by key, those unused for a while, or the least recently used beyond a size.",
                "Their blobs are freed by the next `cairn cache gc` unless something else references them."
            })
    static final class Rm implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        HomeOption home;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Selection selection;

        @Override
        public Integer call() {
            Removal removal = withHome(home, opened -> {
                SqliteActionCache cache = opened.cache;
                if (selection.key != null) {
                    CacheEntry entry = resolve(cache, selection.key);
                    boolean removed = cache.remove(entry.key());
                    return new Removal(
                            removed ? 1 : 0, removed ? List.of(entry.key().value()) : List.of(), cache.stats());
                }
                if (selection.unusedSince != null) {
                    Instant cutoff = Instant.now().minus(selection.unusedSince);
                    return new Removal(cache.removeUnusedSince(cutoff), List.of(), cache.stats());
                }
                return new Removal(cache.trimToSize(selection.maxSize), List.of(), cache.stats());
            });
            Cairn.of(spec)
                    .output()
                    .result(
                            removal,
                            r -> "removed " + r.removed() + (r.removed() == 1 ? " entry" : " entries")
                                    + "; " + r.stats().entries() + " left, "
                                    + Units.bytes(r.stats().sizeBytes())
                                    + (r.removed() > 0 ? "\nrun `cairn cache gc` to free their blobs" : ""));
            return ExitCodes.OK;
        }
    }

    // ------------------------------------------------------------------ gc

    /**
     * What the runs of the home keep.
     *
     * @param runs runs in the event log
     * @param events their events
     * @param tasks the orchestrator's tasks read (inputs and outputs not yet in the log)
     * @param trees workspace trees they reference (kept whole)
     * @param artifacts artifacts they reference (manifests, snapshots, facts, outputs, trees)
     * @param scanned JSON artifacts read for further references
     * @param missing artifacts an event references that the store does not hold
     */
    record RunsKept(
            long runs, long events, long tasks, long trees, long artifacts, long scanned, List<String> missing) {}

    /** What {@code cairn cache gc --json} prints. */
    record GcResult(String home, RunsKept runs, GcReport collection) {}

    @Command(
            name = "gc",
            mixinStandardHelpOptions = true,
            description = {
                "Delete the blobs of the artifact store that no cache entry, pin or run references.",
                "Runs keep everything their event log references: manifests, context snapshots, fact payloads,"
                        + " step outputs and workspace trees. Blobs written or touched within the grace period are"
                        + " kept (they may belong to a snapshot not yet committed)."
            })
    static final class Gc implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        HomeOption home;

        @Option(names = "--dry-run", description = "Count what would be deleted; delete nothing.")
        boolean dryRun;

        @Option(
                names = "--grace",
                paramLabel = "DURATION",
                converter = DurationConverter.class,
                defaultValue = "1h",
                description = "Keep unreferenced blobs younger than this (default: ${DEFAULT-VALUE}).")
        Duration grace;

        @Override
        public Integer call() {
            GcResult result = withHome(home, opened -> {
                HomeArtifactStore store = opened.store();
                RunRoots.Result runs = new RunRoots(opened.db, store).compute();
                BlobCollector collector =
                        new BlobCollector(opened.cache, new TreeStore(store), store.inventory(), Clock.system());
                GcReport report = collector.collect(
                        runs.roots(),
                        GcOptions.builder().grace(grace).dryRun(dryRun).build());
                return new GcResult(
                        opened.home.dir().toString(),
                        new RunsKept(
                                runs.runs(),
                                runs.events(),
                                runs.tasks(),
                                runs.roots().trees().size(),
                                runs.roots().blobs().size(),
                                runs.scanned(),
                                runs.missing()),
                        report);
            });
            Cairn.of(spec).output().result(result, Gc::human);
            return ExitCodes.OK;
        }

        static String human(GcResult c) {
            GcReport r = c.collection();
            List<String> lines = new ArrayList<>();
            lines.add((r.dryRun() ? "would delete " : "deleted ") + r.deleted() + " of " + r.scanned() + " blobs ("
                    + Units.bytes(r.deletedBytes()) + ")");
            lines.add("kept " + r.reachable() + " reachable from " + r.entries() + " cache entries, " + r.pins()
                    + " pins and " + c.runs().runs() + " runs (" + c.runs().artifacts() + " artifacts, "
                    + c.runs().trees() + " trees)");
            if (r.keptRecent() > 0) {
                lines.add("kept " + r.keptRecent() + " unreferenced blobs (" + Units.bytes(r.keptRecentBytes())
                        + ") younger than the grace period, written after " + Units.time(r.cutoff()));
            }
            for (String broken : r.broken()) {
                lines.add("warning: " + broken);
            }
            for (String missing : c.runs().missing()) {
                lines.add("warning: a run references artifact " + missing + ", which the store does not hold");
            }
            return String.join("\n", lines);
        }
    }

    // ------------------------------------------------------------------ units

    /** Human forms of sizes and times. */
    static final class Units {
        private Units() {}

        static String bytes(long n) {
            if (n < 1024) {
                return n + " B";
            }
            String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
            double v = n;
            int i = -1;
            while (v >= 1024 && i < units.length - 1) {
                v /= 1024;
                i++;
            }
            return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
        }

        static String time(Instant t) {
            return t.truncatedTo(ChronoUnit.SECONDS).toString();
        }
    }

    /** {@code 1048576}, {@code 512K}, {@code 500M}, {@code 10G}, {@code 1T} (powers of 1024; B, iB accepted). */
    static final class SizeConverter implements ITypeConverter<Long> {
        private static final Pattern SIZE = Pattern.compile("(\\d{1,18})\\s*(|k|m|g|t)(?:i?b)?");

        @Override
        public Long convert(String value) {
            Matcher m = SIZE.matcher(value.strip().toLowerCase(Locale.ROOT));
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                int shift =
                        switch (m.group(2)) {
                            case "k" -> 10;
                            case "m" -> 20;
                            case "g" -> 30;
                            case "t" -> 40;
                            default -> 0;
                        };
                if (n <= (Long.MAX_VALUE >> shift)) {
                    return n << shift;
                }
            }
            throw new TypeConversionException("`" + value + "` is not a size; use e.g. 500M, 10G or a number of bytes");
        }
    }
}
