package dev.cairn.machine.runtime;

import dev.cairn.machine.events.DomainEvent;

/**
 * A custom event profile: which optional domain events a run keeps. Registered on the engine under
 * a name ({@code Engine.builder().eventProfile("audit", filter)}) and selected by a run's {@code
 * EventProfile.Custom("audit")}. Kernel events and {@link EventClass#REQUIRED} events are always
 * kept; the filter decides the others. Must be deterministic and thread-safe.
 */
@FunctionalInterface
public interface EventFilter {

    /** Whether to keep {@code event}, an {@link EventClass#OPERATION} or {@link EventClass#DIAGNOSTIC} event. */
    boolean keep(DomainEvent event, EventClass eventClass);
}
