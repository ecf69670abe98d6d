package dev.cairn.sinks.events;

import dev.cairn.cell.api.CloudEventV1;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A CloudEvent together with its structured JSON: the exact bytes every sink sends for it. The
 * bytes are computed once ({@link StructuredJson#encode}) and are the same each time the event is
 * encoded, so a re-delivered event is byte-for-byte the first delivery.
 */
public final class EncodedEvent {

    private final CloudEventV1 event;
    private final byte[] json;

    private EncodedEvent(CloudEventV1 event, byte[] json) {
        this.event = event;
        this.json = json;
    }

    /** {@code event} with its structured JSON. */
    public static EncodedEvent of(CloudEventV1 event) {
        Objects.requireNonNull(event, "event");
        return new EncodedEvent(event, StructuredJson.encode(event));
    }

    /** The event. */
    public CloudEventV1 event() {
        return event;
    }

    /** The event's id (stable across deliveries). */
    public String id() {
        return event.id();
    }

    /** The event's type, e.g. {@code dev.cairn.state.entered.v1}. */
    public String type() {
        return event.type();
    }

    /** A copy of the structured JSON bytes (UTF-8, no trailing newline). */
    public byte[] json() {
        return json.clone();
    }

    /** The structured JSON as a read-only buffer, without copying. */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(json).asReadOnlyBuffer();
    }

    /** The length of the structured JSON in bytes. */
    public int size() {
        return json.length;
    }

    /** Writes the structured JSON to {@code out}. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(json);
    }

    /** The structured JSON as text. */
    public String text() {
        return new String(json, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EncodedEvent e && Arrays.equals(json, e.json);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(json);
    }

    @Override
    public String toString() {
        return "EncodedEvent[" + event.type() + " " + event.id() + ", " + json.length + " bytes]";
    }
}
