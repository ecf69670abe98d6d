package dev.cairn.machine.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.internal.JsonValues;
import java.util.Objects;
import java.util.Optional;

/**
 * Seed {@code events::DomainEvent}: an operation-defined event; which ones are emitted depends on
 * the event profile.
 *
 * <p>Rules: the payload MUST be canonical-JSON compatible and MUST NOT contain secrets; large
 * payloads SHOULD be stored as artifacts and referenced by {@code payload_ref}. The {@code
 * DOMAIN_EVENT_*} constants are the recommended stable names of the standard payloads ({@link
 * FactRecorded}, {@link ArtifactWritten}, {@link OpBoundary}, {@link ChildRunSpawned}, {@link
 * ChildRunCompleted}), whose {@code toDomainEvent()} builds the matching event.
 *
 * @param name stable event name
 * @param payload the payload; copied on construction, treat the returned node as read-only
 * @param payloadRef artifact holding a large payload
 */
public record DomainEvent(String name, JsonNode payload, Optional<ArtifactId> payloadRef) {

    /** Seed {@code DOMAIN_EVENT_FACT_RECORDED}: payload {@link FactRecorded}. */
    public static final String DOMAIN_EVENT_FACT_RECORDED = "fact_recorded";
    /** Seed {@code DOMAIN_EVENT_ARTIFACT_WRITTEN}: payload {@link ArtifactWritten}. */
    public static final String DOMAIN_EVENT_ARTIFACT_WRITTEN = "artifact_written";
    /** Seed {@code DOMAIN_EVENT_OP_BOUNDARY}: payload {@link OpBoundary}. */
    public static final String DOMAIN_EVENT_OP_BOUNDARY = "op_boundary";
    /** Seed {@code DOMAIN_EVENT_CHILD_RUN_SPAWNED}: payload {@link ChildRunSpawned}. */
    public static final String DOMAIN_EVENT_CHILD_RUN_SPAWNED = "child_run_spawned";
    /** Seed {@code DOMAIN_EVENT_CHILD_RUN_COMPLETED}: payload {@link ChildRunCompleted}. */
    public static final String DOMAIN_EVENT_CHILD_RUN_COMPLETED = "child_run_completed";

    public DomainEvent {
        Objects.requireNonNull(name, "name");
        payload = JsonValues.copy(payload, "payload");
        Objects.requireNonNull(payloadRef, "payload_ref");
    }

    /** An event with an inline payload. */
    public static DomainEvent of(String name, JsonNode payload) {
        return new DomainEvent(name, payload, Optional.empty());
    }
}
