package dev.cairn.machine.events;

import dev.cairn.json.wire.Wire;
import dev.cairn.machine.ids.OpPath;
import java.util.Objects;

/**
 * Seed {@code events::OpBoundary}: recommended payload of {@value
 * DomainEvent#DOMAIN_EVENT_OP_BOUNDARY} events, marking where a nested operation starts or ends.
 *
 * @param opPath the nested operation
 * @param phase the boundary, typically {@value #STARTED} or {@value #COMPLETED}
 */
public record OpBoundary(OpPath opPath, String phase) {

    /** Conventional {@code phase} of the start boundary. */
    public static final String STARTED = "started";
    /** Conventional {@code phase} of the end boundary. */
    public static final String COMPLETED = "completed";

    public OpBoundary {
        Objects.requireNonNull(opPath, "op_path");
        Objects.requireNonNull(phase, "phase");
    }

    /** The {@value DomainEvent#DOMAIN_EVENT_OP_BOUNDARY} event carrying this payload. */
    public DomainEvent toDomainEvent() {
        return DomainEvent.of(DomainEvent.DOMAIN_EVENT_OP_BOUNDARY, Wire.toTree(this));
    }
}
