package dev.cairn.machine.meta;

/**
 * Seed {@code meta::SideEffectKind}: side-effect classification, which drives replay and retry
 * semantics. Wire form: {@code "Pure"}, {@code "ReadOnlyIo"}, {@code "ApplySideEffect"}.
 */
public enum SideEffectKind {
    /** The state is pure and does not interact with external systems. */
    PURE,
    /** The state performs read-only IO. */
    READ_ONLY_IO,
    /** The state applies a side effect to an external system. */
    APPLY_SIDE_EFFECT
}
