package dev.cairn.sinks.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.cell.api.CloudEventV1;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.RunId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns stored events into CloudEvents v1 (the catalogue is {@link CairnEventTypes}).
 *
 * <ul>
 *   <li>{@code id}: {@code <runId>:<seq>}, e.g. {@code 0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30:7}. A
 *       stored event has exactly one (run, seq), so its id never changes, however often it is
 *       delivered, and no two events share one.
 *   <li>{@code source}: {@code cairn://<authority>/runs/<runId>}; the authority names the Cairn
 *       installation (configured, by default the host name recorded on first start).
 *   <li>{@code type}: from the catalogue; {@code subject}: the state, task, cell, … the event is
 *       about (the catalogue names the data field), absent for run-level events.
 *   <li>{@code time}: the envelope's {@code ts_millis} in RFC 3339 (UTC), absent when the envelope
 *       has none; {@code datacontenttype}: {@code application/json}.
 *   <li>{@code data}: the event's payload in its wire form: a kernel event's fields ({@code
 *       {"state_id":…,"attempt":…,"base_snapshot_id":…}}), a catalogued domain event's payload
 *       (with {@code payload_ref}: {@code {"payload":…,"payload_ref":…}}), and for any other domain
 *       event {@code {"name":…,"payload":…,"payload_ref":…}}.
 * </ul>
 *
 * <p>The mapping is a pure function of the stored envelope and the authority, which is what makes
 * re-deliveries byte-identical ({@link EncodedEvent}).
 */
public final class CloudEventMapper {

    /** What an authority may contain: a host name, optionally with a port. */
    public static final Pattern AUTHORITY =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?(:[0-9]{1,5})?");

    private final String authority;

    /** A mapper whose sources are {@code cairn://<authority>/runs/<runId>}. */
    public CloudEventMapper(String authority) {
        Objects.requireNonNull(authority, "authority");
        if (!AUTHORITY.matcher(authority).matches()) {
            throw new IllegalArgumentException(
                    "the event source authority must be a host name (letters, digits, '.', '-', optional :port),"
                            + " got \"" + authority + "\"");
        }
        this.authority = authority;
    }

    /** The authority of this mapper's sources. */
    public String authority() {
        return authority;
    }

    /** The CloudEvent id of the event {@code seq} of {@code runId}. */
    public static String eventId(RunId runId, long seq) {
        return runId + ":" + seq;
    }

    /** The CloudEvent source of {@code runId}'s events. */
    public String source(RunId runId) {
        return "cairn://" + authority + "/runs/" + runId;
    }

    /** The CloudEvent of a stored envelope. */
    public CloudEventV1 toCloudEvent(EventEnvelope envelope) {
        Objects.requireNonNull(envelope, "envelope");
        EventType type;
        JsonNode data;
        Optional<String> subject;
        switch (envelope.event()) {
            case Event.Kernel kernel -> {
                String variant = variant(kernel.event());
                type = CairnEventTypes.kernel(variant);
                data = Wire.toTree(envelope.event()).path("Kernel").path(variant);
                if (!data.isObject()) {
                    throw new IllegalStateException(
                            "the wire form of " + variant + " is not {\"Kernel\":{\"" + variant + "\":{…}}}");
                }
                subject = subjectOf(type, data);
            }
            case Event.Domain domain -> {
                DomainEvent event = domain.event();
                Optional<EventType> known = CairnEventTypes.domain(event.name());
                if (known.isPresent()) {
                    type = known.get();
                    data = event.payloadRef().isEmpty() ? event.payload() : withRef(event);
                    subject = subjectOf(type, event.payload());
                } else {
                    type = CairnEventTypes.other();
                    data = Wire.toTree(event);
                    subject = Optional.of(event.name()).filter(name -> !name.isEmpty());
                }
            }
        }
        return new CloudEventV1(
                CloudEventV1.SPEC_VERSION,
                eventId(envelope.runId(), envelope.seq()),
                source(envelope.runId()),
                type.type(),
                subject,
                envelope.tsMillis().map(Instant::ofEpochMilli),
                Optional.of("application/json"),
                Optional.empty(),
                Optional.of(data));
    }

    /** The CloudEvent of a stored envelope with its structured JSON. */
    public EncodedEvent encode(EventEnvelope envelope) {
        return EncodedEvent.of(toCloudEvent(envelope));
    }

    /** The wire name of a kernel event's variant. */
    public static String variant(KernelEvent event) {
        return switch (event) {
            case KernelEvent.RunStarted e -> "RunStarted";
            case KernelEvent.StateEntered e -> "StateEntered";
            case KernelEvent.StateCompleted e -> "StateCompleted";
            case KernelEvent.StateFailed e -> "StateFailed";
            case KernelEvent.RunCompleted e -> "RunCompleted";
        };
    }

    private static Optional<String> subjectOf(EventType type, JsonNode data) {
        return type.subjectField()
                .map(data::get)
                .filter(JsonNode::isTextual)
                .map(JsonNode::textValue)
                .filter(text -> !text.isEmpty());
    }

    private static JsonNode withRef(DomainEvent event) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.set("payload", event.payload());
        data.put("payload_ref", event.payloadRef().orElseThrow().value());
        return data;
    }
}
