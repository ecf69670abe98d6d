package dev.cairn.sinks.export;

import dev.cairn.cell.api.ExportReceipt;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.sinks.events.CairnEventTypes;
import java.util.Objects;
import java.util.Optional;

/**
 * What happened to one exported artifact, as the payload of the domain event that records it in the
 * run ({@code export_pushed} or {@code export_failed}, which the sinks emit as {@code
 * dev.cairn.export.pushed.v1} and {@code dev.cairn.export.failed.v1}). Wire form: snake_case; the
 * receipt keeps its own camelCase form.
 */
public sealed interface ExportOutcome {

    /** The exported name. */
    String name();

    /** The domain event recording this outcome. */
    DomainEvent toDomainEvent();

    /**
     * The artifact was exported.
     *
     * @param name the exported name
     * @param step the step that produced it
     * @param target the target's name; empty for the default sink
     * @param receipt the sink's receipt (target kind, destination, size, digest, time)
     */
    record Pushed(String name, String step, Optional<String> target, ExportReceipt receipt) implements ExportOutcome {
        public Pushed {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(receipt, "receipt");
        }

        @Override
        public DomainEvent toDomainEvent() {
            return DomainEvent.of(CairnEventTypes.Names.EXPORT_PUSHED, Wire.toTree(this));
        }
    }

    /**
     * The artifact was not exported.
     *
     * @param name the exported name
     * @param step the step that produced it
     * @param target the target's name; empty for the default sink
     * @param code the error's code, e.g. {@code export_contains_secret}
     * @param message the error's message (names secrets, never their values)
     * @param retryable whether pushing again may succeed
     */
    record Failed(String name, String step, Optional<String> target, String code, String message, boolean retryable)
            implements ExportOutcome {
        public Failed {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public DomainEvent toDomainEvent() {
            return DomainEvent.of(CairnEventTypes.Names.EXPORT_FAILED, Wire.toTree(this));
        }
    }
}
