package dev.cairn.store.sqlite;

import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.RunId;
import java.util.List;
import java.util.Optional;

/**
 * Reads inside a transaction of a {@link SqliteDatabase}: the event log, and any table by SQL.
 * Valid only inside the callback it was given to. Failures are {@link
 * dev.cairn.machine.errors.StorageException}s.
 *
 * <p>Query arguments bind in order to the {@code ?} placeholders; allowed types are {@code String},
 * {@code Long}, {@code Integer}, {@code Short}, {@code Boolean} (as 1 or 0), {@code Double}, {@code
 * byte[]} and {@code null}.
 */
public interface SqlReader {

    /** The dialect of the database, for the few statements that differ. */
    SqlDialect dialect();

    /** The head of {@code runId}'s log: its last {@code seq}, 0 when it has no events. */
    long headSeq(RunId runId);

    /**
     * At most {@code limit} envelopes of {@code runId} with {@code fromSeq <= seq <= toSeq} that
     * {@code filter} selects, in {@code seq} order.
     */
    List<EventEnvelope> events(RunId runId, long fromSeq, long toSeq, int limit, EventFilter filter);

    /** Every row of {@code sql}, mapped. */
    <T> List<T> query(String sql, RowMapper<T> mapper, Object... args);

    /**
     * The only row of {@code sql}, mapped, or empty when there is none.
     *
     * @throws IllegalStateException when the query returns more than one row
     */
    <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... args);
}
