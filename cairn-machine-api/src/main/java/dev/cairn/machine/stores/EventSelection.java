package dev.cairn.machine.stores;

import dev.cairn.machine.events.Event;
import java.util.Objects;
import java.util.Set;

/**
 * Cairn addition: which events a selective read ({@link EventStore#stream(dev.cairn.machine.ids.RunId,
 * long, int, EventSelection)}) returns, by kind and, for domain events, by name. A store may decide it
 * before decoding anything (the SQLite store does it in SQL).
 *
 * @param kernel whether kernel events are selected
 * @param allDomain whether every domain event is selected
 * @param domainNames the names of the domain events selected when not {@code allDomain}
 */
public record EventSelection(boolean kernel, boolean allDomain, Set<String> domainNames) {

    /** Every event. */
    public static final EventSelection ALL = new EventSelection(true, true, Set.of());

    public EventSelection {
        domainNames = Set.copyOf(Objects.requireNonNull(domainNames, "domain_names"));
    }

    /** Kernel events and the domain events named {@code names}. */
    public static EventSelection kernelAnd(Set<String> names) {
        return new EventSelection(true, false, names);
    }

    /** Whether {@code event} is selected. */
    public boolean selects(Event event) {
        return switch (event) {
            case Event.Kernel k -> kernel;
            case Event.Domain d -> allDomain || domainNames.contains(d.event().name());
        };
    }
}
