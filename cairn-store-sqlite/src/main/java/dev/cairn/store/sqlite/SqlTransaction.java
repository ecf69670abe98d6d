package dev.cairn.store.sqlite;

/**
 * A write transaction of a {@link SqliteDatabase}: appends to the event log and changes to any other
 * table commit together or not at all. Valid only inside the {@link WriteCallback} it was given to.
 *
 * <p>This is how derived tables (runs index, task queue and leases, action cache, sink cursors) stay
 * exact: the code that appends an event updates them in the same callback, so no reader and no
 * crash ever sees one without the other.
 */
public interface SqlTransaction extends SqlReader {

    /**
     * Appends the events of {@code append} if the run's head is its expected head.
     *
     * @return the new head
     * @throws dev.cairn.machine.errors.StorageException {@code Concurrency} when the head moved; the
     *     callback may catch it, and its other changes stand unless it throws
     */
    long append(EventAppend append);

    /** Runs an {@code INSERT}, {@code UPDATE} or {@code DELETE} and returns how many rows it changed. */
    int update(String sql, Object... args);

    /**
     * Runs {@code action} on the writer thread once this transaction has committed (after its fsync),
     * before the callers of its batch are answered and before the writer takes the next batch; in the
     * order registered. It is dropped, never run, when this callback is rolled back (it threw: its
     * savepoint is undone) or the whole transaction is. This is how a writer-thread cache of rows
     * stays exactly what committed: a callback changes its rows and registers the cache's update
     * here, so a change that did not commit never reaches the cache. An action must be short and must
     * not throw (what it throws is ignored: the transaction is committed).
     *
     * @throws IllegalStateException outside a write callback
     */
    void afterCommit(Runnable action);
}
