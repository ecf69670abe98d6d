package dev.cairn.machine.runtime;

/** Which kind of domain event an {@link EventFilter} is asked about. */
public enum EventClass {
    /** Needed for resume, replay or audit; kept by every profile (filters are not asked). */
    REQUIRED,
    /** Emitted by a state handler through its {@code EventRecorder}. */
    OPERATION,
    /** The engine's diagnostics ({@link EngineEvents#DIAGNOSTIC}). */
    DIAGNOSTIC
}
