package dev.cairn.store.sqlite;

import dev.cairn.machine.errors.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * An embedded SQLite database holding Cairn's event log and the tables derived from it, owned by
 * one process.
 *
 * <p><b>Writes</b> go through {@link #write}: callbacks from every thread are queued to one writer
 * thread, which runs a batch of them in one transaction (each in its own savepoint, so one that
 * fails does not fail the others), commits once and then answers every caller. The database runs in
 * WAL mode with {@code synchronous=FULL}: a commit returns after the WAL is fsynced, so a write that
 * returned is on disk, and concurrent writers share that fsync (group commit).
 *
 * <p><b>Reads</b> go through {@link #read} on a pool of read-only connections, concurrently with
 * the writer (WAL readers never block it); each callback sees one consistent snapshot of what was
 * committed.
 *
 * <p><b>Schema</b>: Flyway migrations, per module ({@code classpath:db/sqlite/<module>}, each with
 * its own history table), run at open: first the event log's ({@value SqliteOptions#EVENTS_MODULE}),
 * then those {@link SqliteOptions#migrationModules()} lists. A database a newer Cairn migrated
 * further is refused ({@code store_incompatible}) rather than misread; so is a SQLite file that is
 * not a Cairn store. The table {@code cairn_store} records which Cairn created the database and
 * which last opened it.
 *
 * <p><b>One process</b>: opening takes an exclusive lock on {@code <file>.lock} (released by the
 * operating system if the process dies), so a second process, or a second open in this one, gets
 * {@code store_locked} naming the holder. Share one {@code SqliteDatabase} between the stores of a
 * process instead. A second process that only needs a few rows the owner does not cache (a running
 * server's tokens) may {@link #attach} without the lock.
 */
public final class SqliteDatabase implements AutoCloseable {

    /** {@code PRAGMA application_id} of a Cairn store: "CAIR". */
    public static final int APPLICATION_ID = 0x43414952;

    /** The dialect of this database. */
    public static final SqlDialect DIALECT = new SqliteDialect();

    private static final String VERSION = readVersion();

    private final SqliteOptions options;
    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final SqlSession writerSession;
    private final GroupCommitWriter writer;
    private final BlockingQueue<SqlSession> readers;
    private final boolean owner;
    private volatile boolean closed;

    private SqliteDatabase(
            SqliteOptions options,
            FileChannel lockChannel,
            FileLock lock,
            SqlSession writerSession,
            List<SqlSession> readSessions,
            boolean owner) {
        this.options = options;
        this.owner = owner;
        this.file = options.file().toAbsolutePath().normalize();
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.writerSession = writerSession;
        this.writer = new GroupCommitWriter(writerSession, file, options.maxBatch(), options.lateJoin());
        this.readers = new ArrayBlockingQueue<>(readSessions.size(), false, readSessions);
    }

    /**
     * Opens (or creates) the database and brings its schema up to date.
     *
     * @throws StorageException {@code store_locked} when another process has it open; {@code
     *     store_incompatible} when it is not a Cairn store or a newer Cairn migrated it; {@code
     *     storage_unavailable} when the file cannot be opened
     */
    public static SqliteDatabase open(SqliteOptions options) {
        Objects.requireNonNull(options, "options");
        Path file = options.file().toAbsolutePath().normalize();
        FileChannel lockChannel = null;
        FileLock lock = null;
        SqlSession writerSession = null;
        List<SqlSession> readSessions = new ArrayList<>();
        try {
            Files.createDirectories(file.getParent());
            Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
            lockChannel = FileChannel.open(
                    lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            lock = tryLock(lockChannel, file, lockFile);
            writeHolder(lockChannel);

            createWithPageSize(file, options);
            writerSession = new SqlSession(connect(file, options, false), DIALECT);
            checkApplication(writerSession, file);
            migrate(file, options);
            recordOpening(writerSession);
            for (int i = 0; i < options.readConnections(); i++) {
                readSessions.add(new SqlSession(connect(file, options, true), DIALECT));
            }
            SqliteDatabase db = new SqliteDatabase(options, lockChannel, lock, writerSession, readSessions, true);
            db.writer.start();
            return db;
        } catch (IOException e) {
            abandon(readSessions, writerSession, lock, lockChannel);
            throw StorageException.unavailable("opening " + file + " failed: " + e, e);
        } catch (SQLException e) {
            abandon(readSessions, writerSession, lock, lockChannel);
            throw SqliteErrors.translate("opening " + file, e);
        } catch (RuntimeException | Error e) {
            abandon(readSessions, writerSession, lock, lockChannel);
            throw e;
        }
    }

    /**
     * Attaches to a database that another process has open — its owner holds the lock and ran the
     * migrations — for a few reads and writes of tables the owner does not cache, such as a running
     * server's tokens. No lock is taken, nothing is migrated or recorded, and closing does not
     * checkpoint: the owner keeps the file. SQLite serializes this process's writes with the owner's
     * (WAL, {@link SqliteOptions#busyTimeout()}), and the owner's next read transaction sees them.
     *
     * @throws StorageException {@code storage_unavailable} when the file does not exist or cannot be
     *     opened; {@code store_incompatible} when it is not a Cairn store, or one of the modules of
     *     {@code options} is not at the schema version this Cairn knows (the owner is another version)
     */
    public static SqliteDatabase attach(SqliteOptions options) {
        Objects.requireNonNull(options, "options");
        Path file = options.file().toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw StorageException.unavailable("cannot attach to " + file + ": no such database", null);
        }
        SqlSession writerSession = null;
        List<SqlSession> readSessions = new ArrayList<>();
        try {
            writerSession = new SqlSession(connect(file, options, false), DIALECT);
            if (writerSession.pragmaInt("application_id") != APPLICATION_ID) {
                throw SqliteErrors.incompatible(
                        file, "it is not a Cairn store", "Attach to the database of a Cairn home (cairn.db).");
            }
            requireMigrated(file, options);
            for (int i = 0; i < options.readConnections(); i++) {
                readSessions.add(new SqlSession(connect(file, options, true), DIALECT));
            }
            SqliteDatabase db = new SqliteDatabase(options, null, null, writerSession, readSessions, false);
            db.writer.start();
            return db;
        } catch (SQLException e) {
            abandon(readSessions, writerSession, null, null);
            throw SqliteErrors.translate("attaching to " + file, e);
        } catch (RuntimeException | Error e) {
            abandon(readSessions, writerSession, null, null);
            throw e;
        }
    }

    /** Refuses a database whose modules are not exactly at the versions this Cairn's migrations reach. */
    private static void requireMigrated(Path file, SqliteOptions options) {
        for (String module : modules(options)) {
            Flyway flyway = flyway(file, options, module);
            try {
                MigrationInfo[] all = flyway.info().all();
                boolean behind = Arrays.stream(all).anyMatch(m -> m.getState() == MigrationState.PENDING);
                boolean ahead = Arrays.stream(all)
                        .anyMatch(m -> m.getState() == MigrationState.FUTURE_SUCCESS
                                || m.getState() == MigrationState.FUTURE_FAILED);
                if (behind || ahead) {
                    throw SqliteErrors.incompatible(
                            file,
                            "its " + module + " schema is " + (behind ? "older" : "newer")
                                    + " than this Cairn's (it knows up to " + latestKnown(flyway) + ")",
                            "Use the same Cairn version as the process that has the database open.");
                }
            } catch (FlywayException e) {
                throw StorageException.unavailable(
                        "reading the " + module + " schema version of " + file + " failed: " + e.getMessage(), e);
            }
        }
    }

    private static void abandon(List<SqlSession> readers, SqlSession writer, FileLock lock, FileChannel lockChannel) {
        readers.forEach(SqlSession::close);
        if (writer != null) {
            writer.close();
        }
        release(lock, lockChannel);
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /** The options it was opened with. */
    public SqliteOptions options() {
        return options;
    }

    /**
     * Runs {@code work} in a write transaction and returns its result once that transaction is
     * durable. Concurrent calls share transactions (and their fsync); each call's changes still
     * stand or fall together: if {@code work} throws, its changes are rolled back and the exception
     * is rethrown here.
     *
     * <p>{@code work} runs on the writer thread: keep it short, use only the transaction it is given
     * (never {@code write} or {@code read} from inside it), and do no other I/O. Interrupts: a call
     * interrupted while waiting throws {@link StorageException#interrupted()} with the flag set; its
     * write happened entirely or not at all, and reads already tell which.
     */
    public <T> T write(WriteCallback<T> work) {
        Objects.requireNonNull(work, "work");
        ensureOpen();
        return writer.submit(work);
    }

    /**
     * Runs {@code work} as {@link #write} does, but when {@code early} accepts its result, returns
     * that as soon as {@code work} has run and its changes joined the transaction, <em>before</em>
     * the transaction commits: for a caller that may act on a write that could still be lost,
     * because it learns of the loss and can undo what it did. If that transaction then fails,
     * nothing of it is stored, its after-commit actions never run, and {@code ifLost} runs instead,
     * on the writer thread (keep it short; what it throws is ignored). A result {@code early}
     * refuses is returned once durable, exactly as {@link #write} returns it; if {@code work}
     * throws, this throws after its changes were rolled back, and {@code ifLost} does not run.
     *
     * <p>Reads see the changes only once they commit. The orchestrator hands a lease to a runner in
     * its own process this way: the runner dies with the process, so it never outlives a grant that
     * a crash undid.
     */
    public <T> T writeAnsweredBeforeCommit(WriteCallback<T> work, Predicate<? super T> early, Runnable ifLost) {
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(early, "early");
        Objects.requireNonNull(ifLost, "ifLost");
        ensureOpen();
        return writer.submitBeforeCommit(work, early, ifLost);
    }

    /**
     * Runs {@code work} in a read transaction on one of the read connections: everything it reads
     * comes from one snapshot of committed data. Waiting for a free connection is interruptible
     * ({@link StorageException#interrupted()}).
     */
    public <T> T read(ReadCallback<T> work) {
        Objects.requireNonNull(work, "work");
        ensureOpen();
        if (Thread.currentThread().isInterrupted()) {
            throw StorageException.interrupted();
        }
        SqlSession session;
        try {
            while ((session = readers.poll(1, TimeUnit.SECONDS)) == null) {
                ensureOpen(); // every connection is busy; a close() meanwhile would leave this waiting
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StorageException.interrupted();
        }
        try {
            if (closed) {
                throw SqliteErrors.closed(file);
            }
            session.execute("BEGIN");
            SqlSession.View view = session.view(false);
            try {
                return work.read(view);
            } finally {
                view.end();
                session.execute("COMMIT");
            }
        } catch (SQLException e) {
            throw SqliteErrors.translate("a read transaction", e);
        } finally {
            if (closed) {
                session.close();
            } else {
                readers.add(session);
            }
        }
    }

    /**
     * Calls {@code listener} after every commit that appended events (to any run), once per commit,
     * on the writer thread, before the writers of that commit are answered. For readers that follow
     * the log (event sinks): the listener only signals them, they read what is committed. It must
     * return at once: it must not block, read or write the database, and what it throws is ignored.
     * A commit whose appends were all rolled back may still call it.
     *
     * @return closing it removes the listener
     */
    public Subscription onEventsAppended(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        ensureOpen();
        Runnable remove = writer.addAppendListener(listener);
        return remove::run;
    }

    /**
     * Makes every write transaction from now on carry {@code rider}'s writes, at its end (just before
     * its commit), so that they are durable no later than anything else the transaction writes
     * ({@link TransactionRider}); a rider that throws fails the transaction. {@link SqliteBlobTable}
     * rides this way.
     *
     * @return closing it removes the rider
     */
    public Subscription carry(TransactionRider rider) {
        Objects.requireNonNull(rider, "rider");
        ensureOpen();
        Runnable remove = writer.addRider(rider);
        return remove::run;
    }

    /** A registration that {@link #close()} ends; closing twice does nothing. */
    @FunctionalInterface
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** How many write transactions committed since open, and how many write callbacks they carried. */
    public WriteCounters writeCounters() {
        return writer.counters();
    }

    /**
     * Finishes the writes already queued, checkpoints the WAL into the database file, closes every
     * connection and releases the lock. Reads in progress finish on their connection, which is then
     * closed. Closing twice does nothing.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        writer.close();
        if (owner) {
            try {
                writerSession.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            } catch (SQLException e) {
                // the WAL stays; the next open replays it
            }
        }
        writerSession.close();
        for (SqlSession session; (session = readers.poll()) != null; ) {
            session.close();
        }
        release(lock, lockChannel);
    }

    @Override
    public String toString() {
        return "SqliteDatabase[" + file + "]";
    }

    /** The Cairn version this code belongs to, as recorded in {@code cairn_store}. */
    public static String cairnVersion() {
        return VERSION;
    }

    /** How many write callbacks wait for the writer now (for tests that arrange callbacks into one batch). */
    public int queuedWrites() {
        return writer.queued();
    }

    private void ensureOpen() {
        if (closed) {
            throw SqliteErrors.closed(file);
        }
    }

    // ------------------------------------------------------------------ opening

    private static FileLock tryLock(FileChannel channel, Path file, Path lockFile) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            throw SqliteErrors.locked(file, "this process already has it open; share that SqliteDatabase");
        }
        if (lock == null) {
            String holder = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
            throw SqliteErrors.locked(file, holder.isEmpty() ? "holder unknown" : holder);
        }
        return lock;
    }

    private static void writeHolder(FileChannel channel) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        String holder =
                "pid " + self.pid() + self.info().command().map(c -> ", " + c).orElse("");
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
    }

    private static void release(FileLock lock, FileChannel channel) {
        try {
            if (lock != null) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // the operating system releases the lock when the process ends
        }
    }

    private static Connection connect(Path file, SqliteOptions options, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(
                (int) Math.min(Integer.MAX_VALUE, options.busyTimeout().toMillis()));
        config.setCacheSize(-1024 * options.cacheMebibytes());
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        // Nothing reads generated keys; with them on, the driver ran "SELECT last_insert_rowid()" (a
        // statement prepared, stepped and finalized) after every INSERT on the writer thread.
        config.setGetGeneratedKeys(false);
        Connection connection = config.createConnection("jdbc:sqlite:" + file);
        try (Statement statement = connection.createStatement()) {
            if (readOnly) {
                statement.execute("PRAGMA query_only = 1");
            } else {
                statement.execute("PRAGMA wal_autocheckpoint = " + options.walAutocheckpointPages());
            }
        }
        return connection;
    }

    /**
     * Creates the database file with {@link SqliteOptions#newPageSize()} when there is none (or an
     * empty one): the page size is fixed by the first write, and the connections {@link #connect}
     * opens would fix SQLite's default first (switching to WAL writes the header). The first write
     * here is the application id, so {@link #checkApplication} knows the file as Cairn's. A database
     * that exists keeps its page size.
     */
    private static void createWithPageSize(Path file, SqliteOptions options) throws IOException, SQLException {
        if (Files.exists(file) && Files.size(file) > 0) {
            return;
        }
        try (Connection connection = new SQLiteConfig().createConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA page_size = " + options.newPageSize());
            statement.execute("PRAGMA application_id = " + APPLICATION_ID);
        }
    }

    /** Refuses a SQLite file that some other program made, before anything is written to it. */
    private static void checkApplication(SqlSession session, Path file) throws SQLException {
        int applicationId = session.pragmaInt("application_id");
        if (applicationId == APPLICATION_ID) {
            return;
        }
        if (applicationId != 0 || session.pragmaInt("schema_version") != 0) {
            throw SqliteErrors.incompatible(
                    file,
                    "it is a SQLite database of another program (application_id " + applicationId + ")",
                    "Give the event store a file of its own.");
        }
        session.execute("PRAGMA application_id = " + APPLICATION_ID);
    }

    private static List<String> modules(SqliteOptions options) {
        List<String> modules = new ArrayList<>();
        modules.add(SqliteOptions.EVENTS_MODULE);
        modules.addAll(options.migrationModules());
        return modules;
    }

    private static Flyway flyway(Path file, SqliteOptions options, String module) {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(
                (int) Math.min(Integer.MAX_VALUE, options.busyTimeout().toMillis()));
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + file);
        return Flyway.configure(SqliteDatabase.class.getClassLoader())
                .dataSource(source)
                .locations(DIALECT.migrationLocation(module))
                .table(DIALECT.historyTable(module))
                .failOnMissingLocations(true)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load();
    }

    private static void migrate(Path file, SqliteOptions options) {
        for (String module : modules(options)) {
            Flyway flyway = flyway(file, options, module);
            try {
                MigrationInfo[] newer = Arrays.stream(flyway.info().all())
                        .filter(m -> m.getState() == MigrationState.FUTURE_SUCCESS
                                || m.getState() == MigrationState.FUTURE_FAILED)
                        .toArray(MigrationInfo[]::new);
                if (newer.length > 0) {
                    throw SqliteErrors.incompatible(
                            file,
                            "a newer Cairn migrated its " + module + " schema to version "
                                    + newer[newer.length - 1].getVersion() + "; this Cairn knows up to "
                                    + latestKnown(flyway),
                            "Run the Cairn version that wrote it, or a newer one.");
                }
                flyway.migrate();
            } catch (FlywayException e) {
                throw StorageException.unavailable(
                        "migrating the " + module + " schema of " + file + " failed: " + e.getMessage(), e);
            }
        }
    }

    private static String latestKnown(Flyway flyway) {
        MigrationInfo[] pending = flyway.info().all();
        String latest = "none";
        for (MigrationInfo m : pending) {
            if (m.getState() != MigrationState.FUTURE_SUCCESS
                    && m.getState() != MigrationState.FUTURE_FAILED
                    && m.getVersion() != null) {
                latest = m.getVersion().getVersion();
            }
        }
        return latest;
    }

    private static void recordOpening(SqlSession session) throws SQLException {
        session.execute("BEGIN IMMEDIATE");
        SqlSession.View tx = session.view(true);
        try {
            String insert = "INSERT INTO cairn_store (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING";
            tx.update(insert, "format", "cairn-sqlite-events");
            tx.update(insert, "created_by", VERSION);
            tx.update(
                    "INSERT INTO cairn_store (key, value) VALUES (?, ?)"
                            + " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    "last_opened_by",
                    VERSION);
            session.execute("COMMIT");
        } catch (SQLException | RuntimeException e) {
            session.execute("ROLLBACK");
            throw e;
        } finally {
            tx.end();
        }
    }

    private static String readVersion() {
        Properties properties = new Properties();
        try (InputStream in = SqliteDatabase.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // fall through to "unknown"
        }
        String version = properties.getProperty("version", "unknown");
        return version.startsWith("${") ? "unknown" : version;
    }
}
