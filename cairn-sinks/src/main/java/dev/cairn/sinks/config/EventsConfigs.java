package dev.cairn.sinks.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.sinks.SinkException;
import dev.cairn.sinks.events.CloudEventMapper;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and writes event sink configurations as JSON trees, so they can live in a YAML or JSON
 * server configuration, in a pipeline, or in the database (per-run sinks). Every error is a {@link
 * SinkException} with code {@code invalid_sink_config} and the JSON Pointer of the offending value;
 * unknown fields are refused (a typo must not silently disable a sink).
 *
 * <pre>{@code
 * source: build-01.example.com          # optional
 * sinks:
 *   - name: audit
 *     jsonl: {path: /var/log/cairn/events.jsonl, fsync: batch, rotate_bytes: 104857600}
 *   - name: ci
 *     types: [dev.cairn.run.*]
 *     webhook: {url: https://ci.example.com/hooks/cairn, secret: CI_WEBHOOK_SECRET, timeout: 10s}
 *   - name: bus
 *     from: now
 *     nats: {url: nats://127.0.0.1:4222, stream: CAIRN_EVENTS, subject_prefix: cairn.events}
 * }</pre>
 */
public final class EventsConfigs {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private EventsConfigs() {}

    /** Reads the {@code events} section. */
    public static EventsConfig parse(JsonNode node) {
        Fields f = Fields.of(node, "", Set.of("source", "sinks"));
        Optional<String> source = f.optionalText("source");
        source.ifPresent(s -> {
            if (!CloudEventMapper.AUTHORITY.matcher(s).matches()) {
                throw SinkException.invalidConfig(
                        "/source", "must be a host name (optionally :port), got \"" + s + "\"");
            }
        });
        List<EventSinkConfig> sinks = new ArrayList<>();
        JsonNode list = f.node("sinks");
        if (list != null) {
            if (!list.isArray()) {
                throw SinkException.invalidConfig("/sinks", "must be a list of sinks");
            }
            for (int i = 0; i < list.size(); i++) {
                sinks.add(parseSink(list.get(i), "/sinks/" + i));
            }
        }
        return new EventsConfig(source, sinks);
    }

    /** Reads one sink; {@code pointer} is where it sits, for error messages. */
    public static EventSinkConfig parseSink(JsonNode node, String pointer) {
        try {
            Fields f = Fields.of(node, "", Set.of("name", "types", "from", "jsonl", "webhook", "nats"));
            String name = f.requiredText("name");
            List<String> kinds = new ArrayList<>();
            for (String kind : List.of("jsonl", "webhook", "nats")) {
                if (f.node(kind) != null) {
                    kinds.add(kind);
                }
            }
            if (kinds.size() != 1) {
                throw SinkException.invalidConfig(
                        "",
                        kinds.isEmpty()
                                ? "a sink needs one of jsonl, webhook or nats"
                                : "a sink has exactly one of jsonl, webhook or nats, got " + kinds);
            }
            String kind = kinds.getFirst();
            SinkTarget target =
                    switch (kind) {
                        case "jsonl" -> jsonl(f.node(kind));
                        case "webhook" -> webhook(f.node(kind));
                        default -> nats(f.node(kind));
                    };
            TypeFilter types = new TypeFilter(f.textList("types"));
            StartFrom from = f.optionalText("from")
                    .map(text -> switch (text) {
                        case "beginning" -> StartFrom.BEGINNING;
                        case "now" -> StartFrom.NOW;
                        default -> throw SinkException.invalidConfig("/from", "must be beginning or now, got " + text);
                    })
                    .orElse(StartFrom.BEGINNING);
            return new EventSinkConfig(name, target, types, from);
        } catch (SinkException e) {
            throw e.under(pointer);
        }
    }

    private static SinkTarget.JsonLines jsonl(JsonNode node) {
        Fields f = Fields.of(node, "/jsonl", Set.of("path", "fsync", "rotate_bytes"));
        String path = f.requiredText("path");
        Path file;
        try {
            file = Path.of(path);
        } catch (InvalidPathException e) {
            throw SinkException.invalidConfig("/jsonl/path", "not a path: " + e.getMessage());
        }
        FsyncPolicy fsync = f.optionalText("fsync")
                .map(text -> switch (text) {
                    case "batch" -> FsyncPolicy.BATCH;
                    case "never" -> FsyncPolicy.NEVER;
                    default -> throw SinkException.invalidConfig("/jsonl/fsync", "must be batch or never, got " + text);
                })
                .orElse(FsyncPolicy.BATCH);
        return new SinkTarget.JsonLines(file, fsync, f.optionalLong("rotate_bytes"));
    }

    private static SinkTarget.Webhook webhook(JsonNode node) {
        Fields f = Fields.of(
                node,
                "/webhook",
                Set.of(
                        "url",
                        "secret",
                        "bearer",
                        "connect_timeout",
                        "timeout",
                        "max_attempts",
                        "backoff",
                        "max_backoff"));
        URI url = f.requiredUri("url");
        return new SinkTarget.Webhook(
                url,
                f.optionalText("secret"),
                f.optionalText("bearer"),
                f.duration("connect_timeout", SinkTarget.Webhook.DEFAULT_CONNECT_TIMEOUT),
                f.duration("timeout", SinkTarget.Webhook.DEFAULT_TIMEOUT),
                f.optionalLong("max_attempts")
                        .map(n -> (int) Math.min(Integer.MAX_VALUE, n))
                        .orElse(SinkTarget.Webhook.DEFAULT_MAX_ATTEMPTS),
                f.duration("backoff", SinkTarget.Webhook.DEFAULT_BACKOFF),
                f.duration("max_backoff", SinkTarget.Webhook.DEFAULT_MAX_BACKOFF));
    }

    private static SinkTarget.Nats nats(JsonNode node) {
        Fields f = Fields.of(
                node,
                "/nats",
                Set.of(
                        "url",
                        "stream",
                        "subject_prefix",
                        "create_stream",
                        "duplicate_window",
                        "connect_timeout",
                        "publish_timeout",
                        "token"));
        List<String> servers;
        JsonNode url = f.node("url");
        if (url == null) {
            throw SinkException.invalidConfig("/nats/url", "is required");
        } else if (url.isTextual()) {
            servers = List.of(url.textValue());
        } else {
            servers = f.textList("url");
        }
        return new SinkTarget.Nats(
                servers,
                f.optionalText("stream").orElse(SinkTarget.Nats.DEFAULT_STREAM),
                f.optionalText("subject_prefix").orElse(SinkTarget.Nats.DEFAULT_SUBJECT_PREFIX),
                f.optionalBoolean("create_stream").orElse(true),
                f.duration("duplicate_window", SinkTarget.Nats.DEFAULT_DUPLICATE_WINDOW),
                f.duration("connect_timeout", SinkTarget.Nats.DEFAULT_CONNECT_TIMEOUT),
                f.duration("publish_timeout", SinkTarget.Nats.DEFAULT_PUBLISH_TIMEOUT),
                f.optionalText("token"));
    }

    // ------------------------------------------------------------------ writing

    /** The configuration of {@code sink} as {@link #parseSink} reads it (every field written). */
    public static ObjectNode toTree(EventSinkConfig sink) {
        ObjectNode out = JSON.objectNode();
        out.put("name", sink.name());
        if (!sink.types().patterns().isEmpty()) {
            ArrayNode types = out.putArray("types");
            sink.types().patterns().forEach(types::add);
        }
        out.put("from", sink.from().name().toLowerCase(Locale.ROOT));
        switch (sink.target()) {
            case SinkTarget.JsonLines t -> {
                ObjectNode o = out.putObject("jsonl");
                o.put("path", t.path().toString());
                o.put("fsync", t.fsync().name().toLowerCase(Locale.ROOT));
                t.rotateBytes().ifPresent(n -> o.put("rotate_bytes", n));
            }
            case SinkTarget.Webhook t -> {
                ObjectNode o = out.putObject("webhook");
                o.put("url", t.url().toString());
                t.secret().ifPresent(s -> o.put("secret", s));
                t.bearer().ifPresent(s -> o.put("bearer", s));
                o.put("connect_timeout", ConfigDurations.format(t.connectTimeout()));
                o.put("timeout", ConfigDurations.format(t.timeout()));
                o.put("max_attempts", t.maxAttempts());
                o.put("backoff", ConfigDurations.format(t.backoff()));
                o.put("max_backoff", ConfigDurations.format(t.maxBackoff()));
            }
            case SinkTarget.Nats t -> {
                ObjectNode o = out.putObject("nats");
                ArrayNode urls = o.putArray("url");
                t.servers().forEach(urls::add);
                o.put("stream", t.stream());
                o.put("subject_prefix", t.subjectPrefix());
                o.put("create_stream", t.createStream());
                o.put("duplicate_window", ConfigDurations.format(t.duplicateWindow()));
                o.put("connect_timeout", ConfigDurations.format(t.connectTimeout()));
                o.put("publish_timeout", ConfigDurations.format(t.publishTimeout()));
                t.token().ifPresent(s -> o.put("token", s));
            }
        }
        return out;
    }

    /** The fields of one object, read with pointers for errors. */
    private record Fields(JsonNode node, String at) {

        static Fields of(JsonNode node, String at, Set<String> known) {
            if (node == null || !node.isObject()) {
                throw SinkException.invalidConfig(at, "must be an object");
            }
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!known.contains(name)) {
                    throw SinkException.invalidConfig(
                            at + "/" + name,
                            "unknown field; known fields are "
                                    + known.stream().sorted().toList());
                }
            }
            return new Fields(node, at);
        }

        JsonNode node(String name) {
            JsonNode value = node.get(name);
            return value == null || value.isNull() ? null : value;
        }

        String requiredText(String name) {
            return optionalText(name).orElseThrow(() -> SinkException.invalidConfig(at + "/" + name, "is required"));
        }

        Optional<String> optionalText(String name) {
            JsonNode value = node(name);
            if (value == null) {
                return Optional.empty();
            }
            if (!value.isTextual() || value.textValue().isBlank()) {
                throw SinkException.invalidConfig(at + "/" + name, "must be a non-empty string");
            }
            return Optional.of(value.textValue());
        }

        Optional<Long> optionalLong(String name) {
            JsonNode value = node(name);
            if (value == null) {
                return Optional.empty();
            }
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
                throw SinkException.invalidConfig(at + "/" + name, "must be a non-negative integer");
            }
            return Optional.of(value.longValue());
        }

        Optional<Boolean> optionalBoolean(String name) {
            JsonNode value = node(name);
            if (value == null) {
                return Optional.empty();
            }
            if (!value.isBoolean()) {
                throw SinkException.invalidConfig(at + "/" + name, "must be true or false");
            }
            return Optional.of(value.booleanValue());
        }

        Duration duration(String name, Duration fallback) {
            return optionalText(name)
                    .map(text -> ConfigDurations.parse(text, at + "/" + name))
                    .orElse(fallback);
        }

        URI requiredUri(String name) {
            String text = requiredText(name);
            try {
                return new URI(text);
            } catch (URISyntaxException e) {
                throw SinkException.invalidConfig(at + "/" + name, "not a URL: " + e.getMessage());
            }
        }

        List<String> textList(String name) {
            JsonNode value = node(name);
            if (value == null) {
                return List.of();
            }
            if (!value.isArray()) {
                throw SinkException.invalidConfig(at + "/" + name, "must be a list of strings");
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                if (!value.get(i).isTextual()) {
                    throw SinkException.invalidConfig(at + "/" + name + "/" + i, "must be a string");
                }
                out.add(value.get(i).textValue());
            }
            return out;
        }
    }
}
