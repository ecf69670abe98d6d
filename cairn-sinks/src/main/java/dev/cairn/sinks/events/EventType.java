package dev.cairn.sinks.events;

import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the CloudEvents catalogue ({@link CairnEventTypes}): which stored event becomes which
 * CloudEvent type, and which field of its data is the CloudEvent's {@code subject}.
 *
 * @param type the CloudEvent {@code type}, {@code dev.cairn.<thing>.<what>.v1}
 * @param origin who appends the stored event
 * @param storedName the kernel event's variant ({@link Origin#KERNEL}) or the domain event's name
 * @param subjectField the data field whose text is the {@code subject}, if any
 * @param description what the event says, for the documentation
 */
public record EventType(
        String type, Origin origin, String storedName, Optional<String> subjectField, String description) {

    /** Who appends the stored event behind a CloudEvent type. */
    public enum Origin {
        /** A kernel event (seed 001 {@code KernelEvent}): always in the log. */
        KERNEL,
        /** A domain event the engine appends ({@code fact_recorded}, {@code state_skipped}, …). */
        ENGINE,
        /** A domain event the orchestrator appends (tasks, leases, cells, exports). */
        ORCHESTRATOR,
        /** Any other domain event (a state handler's own). */
        OPERATION
    }

    public EventType {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(storedName, "stored_name");
        Objects.requireNonNull(subjectField, "subject_field");
        Objects.requireNonNull(description, "description");
        if (!CairnEventTypes.TYPE_SYNTAX.matcher(type).matches()) {
            throw new IllegalArgumentException("CloudEvent types are dev.cairn.<thing>.<what>.v<N>, got " + type);
        }
    }
}
