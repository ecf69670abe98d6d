package dev.cairn.store.sqlite;

/**
 * What the writer of a {@link SqliteDatabase} has committed since it opened.
 *
 * @param transactions write transactions committed (one fsync each)
 * @param callbacks write callbacks those transactions carried, failed ones included
 * @param writerCpuNanos the CPU time of the writer thread, which runs every write callback and
 *     commit: -1 when the JVM does not measure a thread's CPU time
 */
public record WriteCounters(long transactions, long callbacks, long writerCpuNanos) {}
