package dev.cairn.machine.state;

/**
 * Seed {@code state::SnapshotPolicy}: whether the engine should snapshot the context after a state.
 * Wire form: {@code "Never"}, {@code "OnSuccess"}, {@code "Always"}.
 */
public enum SnapshotPolicy {
    /** No additional snapshot for this outcome. */
    NEVER,
    /** A snapshot only when the state succeeds. */
    ON_SUCCESS,
    /** A snapshot even if the state fails (diagnostic). */
    ALWAYS
}
