package dev.cairn.store.sqlite;

/**
 * Work done inside one write transaction, all of it or none of it. It runs on the database's
 * writer thread, so it must be short and must not wait for anything but this transaction; its
 * return value is handed to the caller once the transaction is durable.
 */
@FunctionalInterface
public interface WriteCallback<T> {

    T write(SqlTransaction tx);
}
