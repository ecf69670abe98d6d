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

    /**
     * Cairn addition for readers that follow every run (event sinks): at most {@code limit} events
     * of all runs with {@code position > afterPosition}, in position order, which is commit order.
     *
     * <p>Positions only grow, and a position becomes visible only with its transaction's commit
     * (after its fsync), never before an event with a smaller one: a reader that continues after the
     * last position it saw misses nothing and never sees what is not durable. Positions of rolled
     * back appends are never seen, so positions may have gaps.
     *
     * @param afterPosition the last position already handled, 0 to read from the start
     * @param limit the page size, at least 1
     */
    List<LoggedEvent> eventsAfter(long afterPosition, int limit);

    /** The position of the last committed event of any run, 0 when the log is empty. */
    long headPosition();

    /** Every row of {@code sql}, mapped. */
    <T> List<T> query(String sql, RowMapper<T> mapper, Object... args);

    /**
     * The only row of {@code sql}, mapped, or empty when there is none.
     *
     * @throws IllegalStateException when the query returns more than one row
     */
    <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... args);
}
