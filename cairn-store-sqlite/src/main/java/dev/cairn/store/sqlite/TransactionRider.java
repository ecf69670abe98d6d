package dev.cairn.store.sqlite;

/**
 * Work that every write transaction of a {@link SqliteDatabase} carries, at its end, after the
 * callbacks of the batch and just before the commit: what must be durable no later than anything
 * those callbacks write (the small blobs of {@link SqliteBlobTable}, which the events of the same
 * commit may reference). At the end, because a transaction takes writes that were queued while its
 * callbacks ran ({@link SqliteOptions#lateJoin}): what their callers staged before queueing them
 * rides too.
 *
 * <p>It runs on the writer thread, outside the callbacks' savepoints: what it writes commits
 * whenever the transaction commits, whichever callbacks fail. If it throws, the whole transaction is
 * rolled back and every callback of the batch fails with a retryable {@code storage_unavailable}:
 * nothing may commit without what it carries. It must be short and do no other I/O.
 */
@FunctionalInterface
public interface TransactionRider {

    /**
     * Writes into {@code tx}; returns what to run once the transaction committed (on the writer
     * thread, before the batch's callers are answered), or {@code null} when there is nothing to do
     * then. When the transaction rolls back, the returned action is not run.
     */
    Runnable ride(SqlTransaction tx);
}
