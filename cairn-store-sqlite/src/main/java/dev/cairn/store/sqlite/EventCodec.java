package dev.cairn.store.sqlite;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.events.RunStatus;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.OpId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Optional;

/**
 * The stored form of an event: its wire JSON ({@link Wire}), plus the kind and name readers filter
 * on.
 *
 * <p>The kernel events a run is made of (RunStarted, StateEntered, StateCompleted, RunCompleted) take
 * fast paths: they are written and, in the layout written, read byte by byte ({@link KernelJson});
 * in any other layout, decoding reads them with a streaming parser that accepts any field order and
 * spacing. Anything else, and anything unexpected in those, goes through {@link Wire}, which
 * decides. The fast paths only save time; tests hold them to the same results.
 */
final class EventCodec {

    static final String KERNEL = "kernel";
    static final String DOMAIN = "domain";

    private static final ObjectMapper MAPPER = Wire.mapper();

    private static final JsonFactory JSON = MAPPER.getFactory();

    private EventCodec() {}

    /**
     * The wire JSON of {@code event}: the run's kernel events without Jackson ({@link KernelJson}),
     * domain events with Jackson's streaming generator ({@link #domain}), anything else through
     * {@link Wire}.
     */
    static String encode(Event event) {
        String fast = KernelJson.write(event);
        if (fast != null) {
            return fast;
        }
        if (event instanceof Event.Domain(DomainEvent domain)) {
            return domain(domain);
        }
        return Wire.write(event);
    }

    /**
     * {@code Wire.write(new Event.Domain(event))}, written field by field: {@code
     * {"Domain":{"name":…,"payload":…,"payload_ref":…}}}, the payload written by the same mapper as a
     * tree. The codec's walk of the records (the enum's variant, the record's components by
     * reflection, the {@code Optional}) was most of the cost of encoding the events of a task; the
     * bytes are the same ({@code EventCodecTest} holds this to {@code Wire.write}).
     */
    static String domain(DomainEvent event) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName("Domain");
            g.writeStartObject();
            g.writeStringField("name", event.name());
            g.writeFieldName("payload");
            MAPPER.writeTree(g, event.payload());
            g.writeFieldName("payload_ref");
            if (event.payloadRef().isPresent()) {
                g.writeString(event.payloadRef().get().value());
            } else {
                g.writeNull();
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            return Wire.write(new Event.Domain(event)); // names what cannot be written
        }
        return out.toString();
    }

    /**
     * Decodes the events of one read, remembering recent ids across them ({@link KernelJson.Reader}).
     * Belongs to one thread.
     */
    static final class Decoder {
        private final KernelJson.Reader reader = new KernelJson.Reader();

        /**
         * The event stored as {@code json} at {@code seq} of {@code runId}.
         *
         * @throws StorageException {@code Corruption} ({@code event_corrupt}) when it is not an event
         */
        Event decode(byte[] json, RunId runId, long seq) {
            Event exact = reader.read(json);
            return exact != null ? exact : EventCodec.decode(json, runId, seq);
        }
    }

    /** {@code kernel} or {@code domain}. */
    static String kind(Event event) {
        return switch (event) {
            case Event.Kernel k -> KERNEL;
            case Event.Domain d -> DOMAIN;
        };
    }

    /** The kernel event's variant name, or the domain event's name. */
    static String name(Event event) {
        return switch (event) {
            case Event.Kernel k ->
                switch (k.event()) {
                    case KernelEvent.RunStarted e -> "RunStarted";
                    case KernelEvent.StateEntered e -> "StateEntered";
                    case KernelEvent.StateCompleted e -> "StateCompleted";
                    case KernelEvent.StateFailed e -> "StateFailed";
                    case KernelEvent.RunCompleted e -> "RunCompleted";
                };
            case Event.Domain d -> d.event().name();
        };
    }

    /**
     * The event stored as {@code json} at {@code seq} of {@code runId}.
     *
     * @throws StorageException {@code Corruption} ({@code event_corrupt}) when it is not an event
     */
    static Event decode(byte[] json, RunId runId, long seq) {
        Event fast = kernelFastPath(json);
        if (fast != null) {
            return fast;
        }
        try {
            return Wire.read(json, Event.class);
        } catch (JsonException e) {
            throw SqliteErrors.eventCorrupt(runId, seq, e);
        }
    }

    /** The decoded kernel event, or {@code null} to let {@link Wire} decide. */
    static Event kernelFastPath(byte[] json) {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT
                    || !"Kernel".equals(p.nextFieldName())
                    || p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String variant = p.nextFieldName();
            if (variant == null || p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            KernelEvent event =
                    switch (variant) {
                        case "StateEntered" -> stateEntered(p);
                        case "StateCompleted" -> stateCompleted(p);
                        case "RunStarted" -> runStarted(p);
                        case "RunCompleted" -> runCompleted(p);
                        default -> null;
                    };
            if (event == null
                    || p.nextToken() != JsonToken.END_OBJECT
                    || p.nextToken() != JsonToken.END_OBJECT
                    || p.nextToken() != null) {
                return null;
            }
            return new Event.Kernel(event);
        } catch (IOException | RuntimeException e) {
            return null; // Wire reads it again and names what is wrong
        }
    }

    /** A JSON {@code null} among the fields read by {@link #fields}. */
    private static final Object NULL = new Object();

    /**
     * The values of a variant's fields, in the order of {@code names}, up to its END_OBJECT: a
     * String, an Integer or {@link #NULL} each; an absent field is {@code null}. Returns {@code null}
     * for an unknown or repeated field or a value of another type.
     */
    private static Object[] fields(JsonParser p, String... names) throws IOException {
        Object[] values = new Object[names.length];
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            int i = indexOf(names, field);
            if (i < 0 || values[i] != null) {
                return null;
            }
            values[i] = switch (p.nextToken()) {
                case VALUE_STRING -> p.getText();
                case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.INT ? p.getIntValue() : null;
                case VALUE_NULL -> NULL;
                default -> null;
            };
            if (values[i] == null) {
                return null;
            }
        }
        return values;
    }

    private static int indexOf(String[] names, String field) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(field)) {
                return i;
            }
        }
        return -1;
    }

    private static KernelEvent stateEntered(JsonParser p) throws IOException {
        Object[] f = fields(p, "state_id", "attempt", "base_snapshot_id");
        if (f != null
                && f[0] instanceof String state
                && f[1] instanceof Integer attempt
                && attempt >= 0
                && f[2] instanceof String base) {
            return new KernelEvent.StateEntered(new StateId(state), attempt, new ArtifactId(base));
        }
        return null;
    }

    private static KernelEvent stateCompleted(JsonParser p) throws IOException {
        Object[] f = fields(p, "state_id", "context_snapshot_id");
        if (f != null && f[0] instanceof String state && f[1] instanceof String snapshot) {
            return new KernelEvent.StateCompleted(new StateId(state), new ArtifactId(snapshot));
        }
        return null;
    }

    private static KernelEvent runStarted(JsonParser p) throws IOException {
        Object[] f = fields(p, "op_id", "manifest_id", "initial_snapshot_id");
        if (f != null
                && f[0] instanceof String op
                && f[1] instanceof String manifest
                && f[2] instanceof String initial) {
            return new KernelEvent.RunStarted(new OpId(op), new ArtifactId(manifest), new ArtifactId(initial));
        }
        return null;
    }

    private static KernelEvent runCompleted(JsonParser p) throws IOException {
        Object[] f = fields(p, "status", "final_snapshot_id");
        if (f == null || !(f[0] instanceof String status)) {
            return null;
        }
        RunStatus parsed =
                switch (status) {
                    case "Completed" -> RunStatus.COMPLETED;
                    case "Failed" -> RunStatus.FAILED;
                    case "Cancelled" -> RunStatus.CANCELLED;
                    default -> null;
                };
        if (parsed == null) {
            return null;
        }
        if (f[1] == null || f[1] == NULL) {
            return new KernelEvent.RunCompleted(parsed, Optional.empty());
        }
        return f[1] instanceof String snapshot
                ? new KernelEvent.RunCompleted(parsed, Optional.of(new ArtifactId(snapshot)))
                : null;
    }
}
