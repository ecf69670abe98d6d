package dev.cairn.sinks.delivery;

import dev.cairn.machine.events.EventEnvelope;
import java.util.List;

/**
 * Told of each batch a sink acknowledged, right after the acknowledgement (before the cursor is
 * stored), on the sink's worker thread; for metrics and benchmarks. It must return quickly and not
 * throw; what it throws is ignored.
 */
@FunctionalInterface
public interface DeliveryObserver {

    /** A sink acknowledged {@code events} (only those its type filter selected), in log order. */
    void delivered(String sink, List<EventEnvelope> events);

    /** An observer that does nothing. */
    DeliveryObserver NONE = (sink, events) -> {};
}
