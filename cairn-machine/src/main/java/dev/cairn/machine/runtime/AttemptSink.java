package dev.cairn.machine.runtime;

import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an attempt's domain events go. In a wave of one state they stream straight into the run's
 * writer (the order is fixed: nothing else runs). In a wave of several they are held and appended
 * when the wave joins, before the state's terminal event, in plan order: that is what keeps the log
 * order deterministic under fan-out.
 */
final class AttemptSink {

    private final RunWriter direct;
    private final List<Event> held = new ArrayList<>();

    /** @param direct the writer to stream to, or {@code null} to hold events */
    AttemptSink(RunWriter direct) {
        this.direct = direct;
    }

    void add(DomainEvent event) {
        addAll(List.of(event));
    }

    /** Adds events as one atomic group. */
    void addAll(List<DomainEvent> events) {
        List<Event> wrapped = new ArrayList<>(events.size());
        for (DomainEvent e : events) {
            wrapped.add(new Event.Domain(e));
        }
        if (direct != null) {
            direct.addAll(wrapped);
            return;
        }
        synchronized (held) {
            held.addAll(wrapped);
        }
    }

    /** Whether events reach the writer as they are added. */
    boolean streaming() {
        return direct != null;
    }

    /** The held events, in order (empty when streaming). */
    List<Event> drain() {
        synchronized (held) {
            List<Event> out = List.copyOf(held);
            held.clear();
            return out;
        }
    }
}
