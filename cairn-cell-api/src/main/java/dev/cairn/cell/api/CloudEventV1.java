package dev.cairn.cell.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/**
 * A CloudEvents 1.0 event in the structured JSON format: {@code specversion}, {@code id}, {@code
 * source}, {@code type}, and the optional {@code subject}, {@code time}, {@code datacontenttype},
 * {@code dataschema} and {@code data}.
 *
 * <p>Wire form: the CloudEvents JSON event format. Attribute names are the spec's lowercase names;
 * absent optional attributes are left out (not {@code null}), as the format expects; {@code null}
 * on input reads as absent. {@code time} is RFC 3339, written in UTC. {@code data} is JSON; binary
 * data ({@code data_base64}) and extension attributes are not modelled and are ignored on input.
 *
 * <p>The constructor enforces the spec's required attributes: {@code specversion} is {@code 1.0}
 * and {@code id}, {@code source}, {@code type} are non-empty.
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record CloudEventV1(
        String specversion,
        String id,
        String source,
        String type,
        Optional<String> subject,
        Optional<Instant> time,
        Optional<String> datacontenttype,
        Optional<String> dataschema,
        Optional<JsonNode> data) {

    /** The only CloudEvents version this type speaks. */
    public static final String SPEC_VERSION = "1.0";

    public CloudEventV1 {
        if (!SPEC_VERSION.equals(specversion)) {
            throw CellException.eventSink("invalid CloudEvent: specversion must be \"1.0\", got " + specversion);
        }
        requireAttribute(id, "id");
        requireAttribute(source, "source");
        requireAttribute(type, "type");
        Checks.optional(subject, "subject");
        Checks.optional(time, "time");
        Checks.optional(datacontenttype, "datacontenttype");
        Checks.optional(dataschema, "dataschema");
        data = Checks.json(data, "data");
    }

    /** An event with JSON data ({@code datacontenttype = application/json}) and no subject or time. */
    public static CloudEventV1 of(String id, String source, String type, JsonNode data) {
        return new CloudEventV1(
                SPEC_VERSION,
                id,
                source,
                type,
                Optional.empty(),
                Optional.empty(),
                Optional.of("application/json"),
                Optional.empty(),
                Optional.of(Checks.required(data, "data")));
    }

    /** This event with {@code subject} set. */
    public CloudEventV1 withSubject(String value) {
        return new CloudEventV1(
                specversion, id, source, type, Optional.of(value), time, datacontenttype, dataschema, data);
    }

    /** This event with {@code time} set. */
    public CloudEventV1 withTime(Instant value) {
        return new CloudEventV1(
                specversion, id, source, type, subject, Optional.of(value), datacontenttype, dataschema, data);
    }

    /** A copy of the data (JSON trees are mutable; the record's own is not handed out). */
    @Override
    public Optional<JsonNode> data() {
        return data.map(JsonNode::deepCopy);
    }

    private static void requireAttribute(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw CellException.eventSink(
                    "invalid CloudEvent: attribute `" + name + "` is required and must not be empty");
        }
    }
}
