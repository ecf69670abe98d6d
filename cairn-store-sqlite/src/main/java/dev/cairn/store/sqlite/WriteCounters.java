package dev.cairn.store.sqlite;

/**
 * What the writer of a {@link SqliteDatabase} has committed since it opened.
 *
 * @param transactions write transactions committed (one fsync each)
 * @param callbacks write callbacks those transactions carried, failed ones included
 */
public record WriteCounters(long transactions, long callbacks) {}
