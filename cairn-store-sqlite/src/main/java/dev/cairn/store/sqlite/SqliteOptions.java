package dev.cairn.store.sqlite;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to open a {@link SqliteDatabase}. Build with {@link #builder(Path)}.
 *
 * @param file the database file; created with its directory when absent
 * @param migrationModules modules whose migrations run after the event log's, in this order: each
 *     has its migrations at {@code classpath:db/sqlite/<module>} and its own history table
 * @param readConnections how many connections serve reads concurrently
 * @param maxBatch the most write callbacks one transaction (one fsync) carries
 * @param busyTimeout how long SQLite waits for a lock held by another connection before failing
 * @param cacheMebibytes the page cache of each connection
 * @param walAutocheckpointPages after a commit that leaves at least this many pages in the WAL, the
 *     writer copies them into the database file (SQLite's {@code wal_autocheckpoint}); the WAL then
 *     starts over, so it stays near this size (this many pages of the database's page size)
 * @param newPageSize the page size of a database that {@link SqliteDatabase#open} creates; a database
 *     that exists keeps the page size it was created with (SQLite cannot change it in WAL mode)
 * @param lateJoin how long after its {@code BEGIN} a write transaction still takes the writes queued
 *     while its callbacks ran, up to {@code maxBatch} ({@link #DEFAULT_LATE_JOIN}); zero: a
 *     transaction carries only what was queued when it began
 */
public record SqliteOptions(
        Path file,
        List<String> migrationModules,
        int readConnections,
        int maxBatch,
        Duration busyTimeout,
        int cacheMebibytes,
        int walAutocheckpointPages,
        int newPageSize,
        Duration lateJoin) {

    /** The module name of the event log's own migrations. */
    public static final String EVENTS_MODULE = "events";

    /** Default {@link #readConnections}: twice the processors, at least 4. */
    public static final int DEFAULT_READ_CONNECTIONS =
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    /** Default {@link #maxBatch}. */
    public static final int DEFAULT_MAX_BATCH = 512;

    /** Default {@link #busyTimeout}. */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);

    /** Default {@link #cacheMebibytes}. */
    public static final int DEFAULT_CACHE_MEBIBYTES = 32;

    /**
     * Default {@link #walAutocheckpointPages}: 8,192 pages, a WAL of about 32 MiB with {@link
     * #DEFAULT_NEW_PAGE_SIZE} (64 MiB in a database created with 8 KiB pages). SQLite's own
     * default (1,000) checkpointed every ~30 commits of {@code cairn bench tasks} on the writer
     * thread, and each checkpoint wrote ~370 distinct pages for 1,000 frames: the same hot pages (the
     * tails of the events and tasks tables, their index leaves) again and again. A larger WAL writes
     * each hot page once per checkpoint for many more commits. What it costs: opening after a crash
     * reads the WAL back (tens of milliseconds for 32 MiB), and a checkpoint pauses the writer
     * longer, less often.
     */
    public static final int DEFAULT_WAL_AUTOCHECKPOINT_PAGES = 8_192;

    /**
     * Default {@link #newPageSize}: 4 KiB, SQLite's own. A commit writes one WAL frame per page it
     * dirtied, and its fsync takes longer the more bytes it carries: on the machine of
     * docs/benchmarks.md, an fdatasync after fourteen 8 KiB frames took ~100 us more than after one,
     * and fourteen 4 KiB frames ~40 us less than fourteen 8 KiB ones. A run's acceptance dirties
     * about fourteen pages whatever their size (a leaf of each table and index it writes), so with
     * 4 KiB pages {@code cairn bench submit-latency} fell from 0.78 to 0.68 ms remote p50 (four runs
     * each, alternating). Larger pages hold more of the rows in flight at the tails of the
     * append-ordered B-trees, so under load 8 KiB pages dirtied fewer pages per task (7.0 against 8.8
     * WAL frames, {@code cairn bench tasks} under strace) and cost the writer ~5 % less CPU per task;
     * {@code cairn bench tasks} gave 8 KiB pages 4–10 % more tasks/s (two runs each), within its
     * goals either way. Latency won: every submission waits for its commit, while a busy writer
     * shares each fsync between many. Smaller still, 2 KiB pages took ~50 us off the in-process
     * submission (five pairs), but cost {@code cairn bench tasks} 17–21 % in-process (6,290 → 5,250
     * and 4,960 tasks/s; the writer's CPU per task 125 → 147–159 us: deeper B-trees, more pages per
     * task), below its goal of 5,000 in one run of two.
     */
    public static final int DEFAULT_NEW_PAGE_SIZE = 4_096;

    /**
     * Default {@link #lateJoin}: 1 ms. Under load, writes arrive while a transaction's callbacks
     * run; taking them into it, rather than leaving them for the next, spreads one commit (its
     * fsync, and the WAL frames of the pages every transaction dirties: the tails of the events and
     * tasks tables and their indexes) over more writes. {@code cairn bench tasks} committed 0.17
     * times per in-process task with it against 0.24 without. The bound keeps the first caller's wait
     * for its commit from growing with a steady stream of late arrivals; a write that comes to an
     * idle writer is not delayed at all.
     */
    public static final Duration DEFAULT_LATE_JOIN = Duration.ofMillis(1);

    private static final Pattern MODULE = Pattern.compile("[a-z][a-z0-9_]{0,40}");

    public SqliteOptions {
        Objects.requireNonNull(file, "file");
        migrationModules = List.copyOf(Objects.requireNonNull(migrationModules, "migration_modules"));
        for (String module : migrationModules) {
            if (!MODULE.matcher(module).matches()) {
                throw new IllegalArgumentException(
                        "migration module names are lowercase identifiers (" + MODULE + "), got '" + module + "'");
            }
            if (module.equals(EVENTS_MODULE)) {
                throw new IllegalArgumentException("'" + EVENTS_MODULE + "' is the event log's own module");
            }
        }
        if (new LinkedHashSet<>(migrationModules).size() != migrationModules.size()) {
            throw new IllegalArgumentException("migration modules are listed once each, got " + migrationModules);
        }
        if (readConnections < 1) {
            throw new IllegalArgumentException("read_connections must be at least 1, got " + readConnections);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("max_batch must be at least 1, got " + maxBatch);
        }
        Objects.requireNonNull(busyTimeout, "busy_timeout");
        if (busyTimeout.isNegative()) {
            throw new IllegalArgumentException("busy_timeout must not be negative, got " + busyTimeout);
        }
        if (cacheMebibytes < 1) {
            throw new IllegalArgumentException("cache_mebibytes must be at least 1, got " + cacheMebibytes);
        }
        if (walAutocheckpointPages < 1) {
            throw new IllegalArgumentException(
                    "wal_autocheckpoint_pages must be at least 1, got " + walAutocheckpointPages);
        }
        if (newPageSize < 512 || newPageSize > 65_536 || Integer.bitCount(newPageSize) != 1) {
            throw new IllegalArgumentException(
                    "new_page_size must be a power of two from 512 to 65536, got " + newPageSize);
        }
        Objects.requireNonNull(lateJoin, "late_join");
        if (lateJoin.isNegative()) {
            throw new IllegalArgumentException("late_join must not be negative, got " + lateJoin);
        }
    }

    /** Options for the database at {@code file} with the defaults. */
    public static Builder builder(Path file) {
        return new Builder(file);
    }

    /** Builds {@link SqliteOptions}; validation happens in {@link #build()}. */
    public static final class Builder {
        private final Path file;
        private final List<String> migrationModules = new ArrayList<>();
        private int readConnections = DEFAULT_READ_CONNECTIONS;
        private int maxBatch = DEFAULT_MAX_BATCH;
        private Duration busyTimeout = DEFAULT_BUSY_TIMEOUT;
        private int cacheMebibytes = DEFAULT_CACHE_MEBIBYTES;
        private int walAutocheckpointPages = DEFAULT_WAL_AUTOCHECKPOINT_PAGES;
        private int newPageSize = DEFAULT_NEW_PAGE_SIZE;
        private Duration lateJoin = DEFAULT_LATE_JOIN;

        private Builder(Path file) {
            this.file = file;
        }

        /** Adds a module whose migrations (at {@code classpath:db/sqlite/<module>}) run at open. */
        public Builder migrationModule(String module) {
            migrationModules.add(module);
            return this;
        }

        public Builder readConnections(int readConnections) {
            this.readConnections = readConnections;
            return this;
        }

        public Builder maxBatch(int maxBatch) {
            this.maxBatch = maxBatch;
            return this;
        }

        public Builder busyTimeout(Duration busyTimeout) {
            this.busyTimeout = busyTimeout;
            return this;
        }

        public Builder cacheMebibytes(int cacheMebibytes) {
            this.cacheMebibytes = cacheMebibytes;
            return this;
        }

        public Builder walAutocheckpointPages(int walAutocheckpointPages) {
            this.walAutocheckpointPages = walAutocheckpointPages;
            return this;
        }

        public Builder newPageSize(int newPageSize) {
            this.newPageSize = newPageSize;
            return this;
        }

        public Builder lateJoin(Duration lateJoin) {
            this.lateJoin = lateJoin;
            return this;
        }

        public SqliteOptions build() {
            return new SqliteOptions(
                    file,
                    migrationModules,
                    readConnections,
                    maxBatch,
                    busyTimeout,
                    cacheMebibytes,
                    walAutocheckpointPages,
                    newPageSize,
                    lateJoin);
        }
    }
}
