package dev.cairn.store.sqlite;

import java.util.Objects;
import java.util.Set;

/**
 * Which events a read returns, decided in SQL from each event's kind and name, before any body is
 * decoded.
 *
 * @param kernel whether kernel events are selected
 * @param allDomain whether every domain event is selected
 * @param domainNames the names of the domain events selected when not {@code allDomain}
 */
public record EventFilter(boolean kernel, boolean allDomain, Set<String> domainNames) {

    /** Every event. */
    public static final EventFilter ALL = new EventFilter(true, true, Set.of());

    /** Kernel events only: what resuming a run needs. */
    public static final EventFilter KERNEL = new EventFilter(true, false, Set.of());

    public EventFilter {
        domainNames = Set.copyOf(Objects.requireNonNull(domainNames, "domain_names"));
    }

    /** Kernel events and the domain events named {@code names}. */
    public static EventFilter kernelAnd(Set<String> names) {
        return new EventFilter(true, false, names);
    }

    /** The domain events named {@code names} only. */
    public static EventFilter domain(Set<String> names) {
        return new EventFilter(false, false, names);
    }
}
