package dev.cairn.store.sqlite;

import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.RunId;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One JDBC connection with its prepared statements, used by one thread at a time (the writer
 * thread, or the borrower of a read connection). Callbacks never see it: they get a {@link View}
 * that stops working when the callback returns, so the connection cannot escape.
 */
final class SqlSession implements AutoCloseable {

    private static final int STATEMENT_CACHE = 128;

    private static final String HEAD = "SELECT coalesce(max(seq), 0) FROM events WHERE run_id = ?";
    private static final String INSERT =
            "INSERT INTO events (run_id, seq, kind, name, ts_millis, body) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String EVENTS = "SELECT seq, ts_millis, body FROM events"
            + " WHERE run_id = ? AND seq >= ? AND seq <= ? ORDER BY seq LIMIT ?";
    private static final String FILTERED_EVENTS = "SELECT seq, ts_millis, body FROM events"
            + " WHERE run_id = ? AND seq >= ? AND seq <= ?"
            + " AND CASE kind WHEN 'kernel' THEN ? ELSE (? OR name IN (SELECT value FROM json_each(?))) END"
            + " ORDER BY seq LIMIT ?";

    private static final String EVENTS_AFTER =
            "SELECT pos, run_id, seq, ts_millis, body FROM events" + " WHERE pos > ? ORDER BY pos LIMIT ?";
    private static final String HEAD_POSITION = "SELECT coalesce(max(pos), 0) FROM events";

    private final Connection connection;
    private final SqlDialect dialect;
    private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() > STATEMENT_CACHE) {
                closeQuietly(eldest.getValue());
                return true;
            }
            return false;
        }
    };

    /** Whether a view appended events since {@link #clearAppended()}; read by the writer after commit. */
    private boolean appended;

    SqlSession(Connection connection, SqlDialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    /**
     * Runs a statement without arguments or results ({@code BEGIN}, {@code SAVEPOINT …}); prepared
     * once and kept, as these run several times per write transaction.
     */
    void execute(String sql) throws SQLException {
        try {
            prepare(sql).execute();
        } catch (SQLException e) {
            discard(sql);
            throw e;
        }
    }

    /**
     * Drops the cached statement of {@code sql} after it failed: the driver finalizes a statement
     * whose step failed with most errors (SQLITE_ERROR, IOERR, FULL, …), and a cached one would then
     * fail every later use ("statement is not executing"); the next use prepares it again.
     */
    private void discard(String sql) {
        PreparedStatement statement = statements.remove(sql);
        if (statement != null) {
            closeQuietly(statement);
        }
    }

    /** The integer a {@code PRAGMA} returns (0 when it returns nothing). */
    int pragmaInt(String pragma) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA " + pragma)) {
            return rows.next() ? rows.getInt(1) : 0;
        }
    }

    /** Whether events were appended (possibly rolled back since) after the last {@link #clearAppended()}. */
    boolean appended() {
        return appended;
    }

    void clearAppended() {
        appended = false;
    }

    /** A view for one callback; {@code writable} views also append and update. */
    View view(boolean writable) {
        return new View(writable, null);
    }

    /**
     * A writable view for one callback of the writer whose {@link SqlTransaction#afterCommit} actions
     * go to {@code afterCommit}, for the writer to run once the transaction committed (or drop).
     */
    View writerView(List<Runnable> afterCommit) {
        return new View(true, java.util.Objects.requireNonNull(afterCommit, "afterCommit"));
    }

    @Override
    public void close() {
        statements.values().forEach(SqlSession::closeQuietly);
        statements.clear();
        try {
            connection.close();
        } catch (SQLException e) {
            // closing: nothing left to protect
        }
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    private static void bind(PreparedStatement statement, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            int index = i + 1;
            switch (args[i]) {
                case null -> statement.setNull(index, Types.NULL);
                case String s -> statement.setString(index, s);
                case Long l -> statement.setLong(index, l);
                case Integer n -> statement.setLong(index, n);
                case Short n -> statement.setLong(index, n);
                case Boolean b -> statement.setInt(index, b ? 1 : 0);
                case Double d -> statement.setDouble(index, d);
                case byte[] bytes -> statement.setBytes(index, bytes);
                default ->
                    throw new IllegalArgumentException("SQL argument " + index + " is a "
                            + args[i].getClass().getName()
                            + "; pass a String, Long, Integer, Short, Boolean, Double, byte[] or null");
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // a statement that cannot close is released with its connection
        }
    }

    /** {@link SqlTransaction} over this session, valid until {@link #end()}. */
    final class View implements SqlTransaction {
        private final boolean writable;
        private final List<Runnable> afterCommit;
        private boolean open = true;

        private View(boolean writable, List<Runnable> afterCommit) {
            this.writable = writable;
            this.afterCommit = afterCommit;
        }

        void end() {
            open = false;
        }

        @Override
        public SqlDialect dialect() {
            return dialect;
        }

        @Override
        public long headSeq(RunId runId) {
            check(false);
            try {
                PreparedStatement statement = prepare(HEAD);
                statement.setString(1, runId.toString());
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            } catch (SQLException e) {
                discard(HEAD);
                throw SqliteErrors.translate("reading the head of run " + runId, e);
            }
        }

        @Override
        public List<EventEnvelope> events(RunId runId, long fromSeq, long toSeq, int limit, EventFilter filter) {
            check(false);
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be at least 1, got " + limit);
            }
            long from = Math.max(fromSeq, 1);
            if (from > toSeq) {
                return List.of();
            }
            try {
                PreparedStatement statement;
                if (filter.kernel() && filter.allDomain()) {
                    statement = prepare(EVENTS);
                    statement.setLong(4, limit);
                } else {
                    statement = prepare(FILTERED_EVENTS);
                    statement.setInt(4, filter.kernel() ? 1 : 0);
                    statement.setInt(5, filter.allDomain() ? 1 : 0);
                    statement.setString(6, Wire.write(new TreeSet<>(filter.domainNames())));
                    statement.setLong(7, limit);
                }
                statement.setString(1, runId.toString());
                statement.setLong(2, from);
                statement.setLong(3, toSeq);
                List<EventEnvelope> out = new ArrayList<>(Math.min(limit, 1024));
                EventCodec.Decoder decoder = new EventCodec.Decoder();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        long seq = rows.getLong(1);
                        long ts = rows.getLong(2);
                        Optional<Long> tsMillis = rows.wasNull() ? Optional.empty() : Optional.of(ts);
                        byte[] body = rows.getBytes(3);
                        out.add(new EventEnvelope(runId, seq, tsMillis, decoder.decode(body, runId, seq)));
                    }
                }
                return out;
            } catch (SQLException e) {
                discard(EVENTS);
                discard(FILTERED_EVENTS);
                throw SqliteErrors.translate("reading the events of run " + runId, e);
            }
        }

        @Override
        public List<LoggedEvent> eventsAfter(long afterPosition, int limit) {
            check(false);
            if (afterPosition < 0) {
                throw new IllegalArgumentException("afterPosition must be >= 0, got " + afterPosition);
            }
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be at least 1, got " + limit);
            }
            try {
                PreparedStatement statement = prepare(EVENTS_AFTER);
                statement.setLong(1, afterPosition);
                statement.setLong(2, limit);
                List<LoggedEvent> out = new ArrayList<>(Math.min(limit, 1024));
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        long pos = rows.getLong(1);
                        RunId runId = RunId.parse(rows.getString(2));
                        long seq = rows.getLong(3);
                        long ts = rows.getLong(4);
                        Optional<Long> tsMillis = rows.wasNull() ? Optional.empty() : Optional.of(ts);
                        byte[] body = rows.getBytes(5);
                        out.add(new LoggedEvent(
                                pos, new EventEnvelope(runId, seq, tsMillis, EventCodec.decode(body, runId, seq))));
                    }
                }
                return out;
            } catch (SQLException e) {
                discard(EVENTS_AFTER);
                throw SqliteErrors.translate("reading the events after position " + afterPosition, e);
            }
        }

        @Override
        public long headPosition() {
            check(false);
            try (ResultSet rows = prepare(HEAD_POSITION).executeQuery()) {
                rows.next();
                return rows.getLong(1);
            } catch (SQLException e) {
                discard(HEAD_POSITION);
                throw SqliteErrors.translate("reading the head position of the log", e);
            }
        }

        @Override
        public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
            check(false);
            try {
                PreparedStatement statement = prepare(sql);
                bind(statement, args);
                List<T> out = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    JdbcRow row = new JdbcRow(rows);
                    while (rows.next()) {
                        out.add(mapper.map(row));
                    }
                    row.end();
                }
                return out;
            } catch (SQLException e) {
                discard(sql);
                throw SqliteErrors.translate("query '" + sql + "'", e);
            }
        }

        @Override
        public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... args) {
            List<T> rows = query(sql, mapper, args);
            if (rows.size() > 1) {
                throw new IllegalStateException("expected at most one row, got " + rows.size() + " from '" + sql + "'");
            }
            return rows.stream().findFirst();
        }

        @Override
        public long append(EventAppend append) {
            check(true);
            RunId runId = append.runId();
            long head = headSeq(runId);
            if (head != append.expectedSeq()) {
                throw StorageException.concurrency(runId, append.expectedSeq(), head);
            }
            if (append.size() == 0) {
                return head;
            }
            try {
                PreparedStatement insert = prepare(INSERT);
                String run = runId.toString();
                for (EventAppend.Row row : append.rows()) {
                    insert.setString(1, run);
                    insert.setLong(2, row.seq());
                    insert.setString(3, row.kind());
                    insert.setString(4, row.name());
                    if (row.tsMillis() == null) {
                        insert.setNull(5, Types.INTEGER);
                    } else {
                        insert.setLong(5, row.tsMillis());
                    }
                    insert.setString(6, row.body());
                    insert.addBatch();
                }
                insert.executeBatch();
                appended = true;
            } catch (SQLException e) {
                discard(INSERT);
                throw SqliteErrors.translate("appending to run " + runId, e);
            }
            return head + append.size();
        }

        @Override
        public int update(String sql, Object... args) {
            check(true);
            try {
                PreparedStatement statement = prepare(sql);
                bind(statement, args);
                return statement.executeUpdate();
            } catch (SQLException e) {
                discard(sql);
                throw SqliteErrors.translate("update '" + sql + "'", e);
            }
        }

        @Override
        public void afterCommit(Runnable action) {
            java.util.Objects.requireNonNull(action, "action");
            check(true);
            if (afterCommit == null) {
                throw new IllegalStateException("afterCommit is only for the callbacks of SqliteDatabase.write");
            }
            afterCommit.add(action);
        }

        private void check(boolean write) {
            if (!open) {
                throw new IllegalStateException(
                        "this transaction has ended: use it only inside the callback it was given to");
            }
            if (write && !writable) {
                throw new IllegalStateException("a read callback cannot write; use SqliteDatabase.write");
            }
        }
    }

    /** A {@link Row} over the current row of a result set, valid while its mapper runs. */
    private static final class JdbcRow implements Row {
        private final ResultSet rows;
        private boolean open = true;

        JdbcRow(ResultSet rows) {
            this.rows = rows;
        }

        void end() {
            open = false;
        }

        @Override
        public long getLong(int column) {
            check();
            try {
                return rows.getLong(column);
            } catch (SQLException e) {
                throw SqliteErrors.translate("reading column " + column, e);
            }
        }

        @Override
        public String getString(int column) {
            check();
            try {
                return rows.getString(column);
            } catch (SQLException e) {
                throw SqliteErrors.translate("reading column " + column, e);
            }
        }

        @Override
        public byte[] getBytes(int column) {
            check();
            try {
                byte[] bytes = rows.getBytes(column);
                if (bytes == null && rows.getObject(column) instanceof String text) {
                    return text.getBytes(StandardCharsets.UTF_8);
                }
                return bytes;
            } catch (SQLException e) {
                throw SqliteErrors.translate("reading column " + column, e);
            }
        }

        @Override
        public boolean isNull(int column) {
            check();
            try {
                return rows.getObject(column) == null;
            } catch (SQLException e) {
                throw SqliteErrors.translate("reading column " + column, e);
            }
        }

        private void check() {
            if (!open) {
                throw new IllegalStateException("a row is valid only inside the mapper it was given to");
            }
        }
    }
}
