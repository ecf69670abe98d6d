package dev.cairn.machine.config;

/**
 * Seed {@code config::IoMode}: whether a run may perform live IO or must replay from recorded facts
 * and artifacts. Wire form: {@code "Live"}, {@code "Replay"}.
 */
public enum IoMode {
    /** Execute side effects through live transports and record replay inputs. */
    LIVE,
    /** Disallow live side effects; resolve deterministic IO from recorded facts. */
    REPLAY
}
