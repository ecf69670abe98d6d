package dev.cairn.machine.events;

import dev.cairn.json.wire.Transparent;
import dev.cairn.json.wire.WireEnum;
import java.util.Objects;

/**
 * Seed {@code events::Event}: what an {@link EventEnvelope} holds. Wire form: {@code
 * {"Kernel":{"RunStarted":{…}}}} or {@code {"Domain":{"name":…,"payload":…,"payload_ref":…}}}.
 */
@WireEnum
public sealed interface Event {

    /** An engine-level event required for resume and recovery. */
    @Transparent
    record Kernel(KernelEvent event) implements Event {
        public Kernel {
            Objects.requireNonNull(event, "event");
        }
    }

    /** An operation-defined event emitted while a state runs. */
    @Transparent
    record Domain(DomainEvent event) implements Event {
        public Domain {
            Objects.requireNonNull(event, "event");
        }
    }
}
