package dev.cairn.machine.meta;

/**
 * Seed {@code meta::DependencyStrategy}: how to choose a recovery point among dependency
 * candidates. Wire form: {@code "Latest"}, {@code "Earliest"}, {@code "LatestSuccessful"}.
 */
public enum DependencyStrategy {
    /** Recover from the latest matching dependency candidate. */
    LATEST,
    /** Recover from the earliest matching dependency candidate. */
    EARLIEST,
    /** Recover from the latest dependency candidate that completed successfully. */
    LATEST_SUCCESSFUL
}
