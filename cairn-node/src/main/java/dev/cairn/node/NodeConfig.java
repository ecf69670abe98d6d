package dev.cairn.node;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cairn.sinks.SinkException;
import dev.cairn.sinks.config.EventsConfig;
import dev.cairn.sinks.config.EventsConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The node's configuration file, {@code <home>/cairn.yaml} (YAML or JSON): the server-level event
 * sinks ({@code docs/events.md}) and the inference endpoint ({@link InferenceConfig}, {@code
 * docs/inference.md}):
 *
 * <pre>{@code
 * events:
 *   sinks:
 *     - name: audit
 *       jsonl: {path: /var/log/cairn/events.jsonl}
 * inference:
 *   base_url: https://api.openai.com/v1
 *   api_key_secret: OPENAI_API_KEY
 *   model: gpt-4o-mini
 *   budget_tokens: 100000
 * }</pre>
 *
 * <p>Unknown sections are refused, so a typo never silently disables a sink.
 *
 * @param events the {@code events} section; {@link EventsConfig#NONE} when absent
 * @param inference the {@code inference} section; empty when absent (steps that ask for inference
 *     are then refused)
 */
public record NodeConfig(EventsConfig events, Optional<InferenceConfig> inference) {

    /** The sections the file may have. */
    public static final Set<String> SECTIONS = Set.of("events", "inference");

    /** A configuration with nothing in it (no file). */
    public static final NodeConfig EMPTY = new NodeConfig(EventsConfig.NONE, Optional.empty());

    public NodeConfig {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(inference, "inference");
    }

    /** Only server-level event sinks. */
    public NodeConfig(EventsConfig events) {
        this(events, Optional.empty());
    }

    /**
     * Reads {@code file}; {@link #EMPTY} when it does not exist.
     *
     * @throws NodeException {@code invalid_config} naming the file and the offending value
     */
    public static NodeConfig read(Path file) {
        return read(file, true);
    }

    /**
     * Reads {@code file} as {@link #read(Path)} does; with {@code events} false the {@code events}
     * section is not read (the caller has its sinks from elsewhere) and comes back {@link
     * EventsConfig#NONE}.
     */
    public static NodeConfig read(Path file, boolean events) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return EMPTY;
        } catch (IOException e) {
            throw NodeException.invalidConfig(file, "cannot be read: " + e.getMessage(), e);
        }
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(bytes);
        } catch (JacksonException e) {
            throw NodeException.invalidConfig(file, "is not YAML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw NodeException.invalidConfig(file, "cannot be read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return EMPTY;
        }
        if (!root.isObject()) {
            throw NodeException.invalidConfig(file, "must be a mapping of sections (" + SECTIONS + ")", null);
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!SECTIONS.contains(name)) {
                throw NodeException.invalidConfig(
                        file, "unknown section `" + name + "`; the sections are " + SECTIONS, null);
            }
        }
        Optional<InferenceConfig> inference = Optional.empty();
        JsonNode section = root.path("inference");
        if (!(section instanceof MissingNode) && !section.isNull()) {
            try {
                inference = Optional.of(InferenceConfig.parse(section));
            } catch (IllegalArgumentException e) {
                throw NodeException.invalidConfig(file, "inference: " + e.getMessage(), e);
            }
        }
        JsonNode sinks = root.path("events");
        if (!events || sinks instanceof MissingNode || sinks.isNull()) {
            return new NodeConfig(EventsConfig.NONE, inference);
        }
        try {
            return new NodeConfig(EventsConfigs.parse(sinks), inference);
        } catch (SinkException e) {
            throw NodeException.invalidConfig(file, "events: " + e.getMessage(), e);
        }
    }
}
