package dev.cairn.sinks.config;

/**
 * Where a server sink's cursor starts the first time the sink is seen (afterwards it continues from
 * its cursor). Per-run sinks always start at the run's first event.
 */
public enum StartFrom {
    /** The first event in the log: the sink receives the whole history (the default). */
    BEGINNING,
    /** The head of the log at the sink's first start: only events committed afterwards. */
    NOW
}
