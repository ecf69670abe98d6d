package dev.cairn.sinks.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.cell.api.CloudEventV1;
import dev.cairn.json.Canonical;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;

/**
 * The CloudEvents JSON event format ("structured mode"), in one byte form per event.
 *
 * <p>An event is written as RFC 8785 canonical JSON ({@link Canonical}): members sorted, no
 * whitespace, numbers in ECMAScript form. The same event therefore always has the same bytes, on
 * any JVM and after any number of restarts, and a receiver can recompute them. The attribute names
 * and value forms are those of {@link CloudEventV1}'s wire form (the CloudEvents JSON format: {@code
 * time} in RFC 3339, {@code data} as JSON since {@code datacontenttype} is {@code
 * application/json}).
 *
 * <p>Data that has no canonical form (integers beyond ±(2^53−1), which the seed forbids in event
 * payloads but a payload could still carry) is written by Jackson in the tree's own member order
 * instead: still the same bytes on every encoding of the same stored event, not canonical.
 *
 * <p>Why not the CloudEvents SDK's {@code JsonFormat}: it writes attributes in its own order with
 * Jackson's default number forms, which is valid CloudEvents JSON but not a form a receiver can
 * recompute; the tests read our output with the SDK to check the format.
 */
public final class StructuredJson {

    /** The media type of one event in structured mode. */
    public static final String CONTENT_TYPE = "application/cloudevents+json";

    private StructuredJson() {}

    /** The structured JSON bytes of {@code event}. */
    public static byte[] encode(CloudEventV1 event) {
        JsonNode tree = Wire.toTree(event);
        try {
            return Canonical.canonicalize(tree);
        } catch (JsonException e) {
            return Wire.writeBytes(tree);
        }
    }

    /** Reads one event in structured JSON (any member order). */
    public static CloudEventV1 decode(byte[] json) {
        return Wire.read(json, CloudEventV1.class);
    }
}
