package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.JsonException;
import dev.cairn.json.StrictJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The JSON Schemas shipped on the class path. Every contract module ships
 * {@code META-INF/cairn/schemas/index.txt}, one schema name per line (blank lines and lines starting
 * with {@code #} are ignored), and {@code META-INF/cairn/schemas/<NAME>.schema.json} next to it.
 * Indexes are found with {@link ClassLoader#getResources}, and each schema is read from the same
 * jar (or directory) as the index that lists it.
 *
 * <p>Names match {@code [A-Za-z0-9][A-Za-z0-9._-]*}. A malformed index, a name listed by two
 * modules, a missing schema file or a schema that is not strict JSON is a packaging bug, reported
 * as {@code bad_schema_resource}.
 */
public final class SchemaCatalog {

    /** Where each module's index lives. */
    public static final String INDEX = "META-INF/cairn/schemas/index.txt";

    private static final String INDEX_FILE = "index.txt";
    private static final String SUFFIX = ".schema.json";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** A schema: its name and where its file is. */
    public record Entry(String name, URL location) {}

    private final Map<String, Entry> entries;

    private SchemaCatalog(Map<String, Entry> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    /** Every schema listed by an index visible to {@code loader}. */
    public static SchemaCatalog load(ClassLoader loader) {
        Map<String, Entry> entries = new TreeMap<>();
        try {
            for (URL index : Collections.list(loader.getResources(INDEX))) {
                List<String> lines = text(index).lines().toList();
                for (int i = 0; i < lines.size(); i++) {
                    String name = lines.get(i).strip();
                    if (name.isEmpty() || name.startsWith("#")) {
                        continue;
                    }
                    if (!NAME.matcher(name).matches()) {
                        throw CliException.badSchemaResource(
                                index + " line " + (i + 1) + ": `" + name + "` is not a schema name");
                    }
                    Entry previous = entries.put(name, new Entry(name, sibling(index, name + SUFFIX)));
                    if (previous != null
                            && !previous.location().equals(entries.get(name).location())) {
                        throw CliException.badSchemaResource(
                                "schema `" + name + "` is listed twice, by " + previous.location() + " and "
                                        + entries.get(name).location());
                    }
                }
            }
        } catch (IOException e) {
            throw CliException.io(INDEX, e);
        }
        return new SchemaCatalog(entries);
    }

    /** Schema names, sorted. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** The schema entries, sorted by name. */
    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /**
     * The schema named {@code name}.
     *
     * @throws CliException {@code unknown_schema} with the closest names, or {@code
     *     bad_schema_resource}
     */
    public JsonNode schema(String name) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw CliException.unknownSchema(name, closeTo(name));
        }
        return read(entry);
    }

    /** The {@code title} of a schema, if it has one. */
    public Optional<String> title(String name) {
        JsonNode title = schema(name).get("title");
        return title != null && title.isTextual() ? Optional.of(title.textValue()) : Optional.empty();
    }

    private static JsonNode read(Entry entry) {
        String text;
        try {
            text = text(entry.location());
        } catch (IOException e) {
            throw CliException.badSchemaResource("schema `" + entry.name() + "` is listed but " + entry.location()
                    + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        try {
            return StrictJson.parse(text);
        } catch (JsonException e) {
            throw CliException.badSchemaResource(
                    "schema `" + entry.name() + "` at " + entry.location() + " is not valid JSON: " + e.getMessage());
        }
    }

    /** Up to five known names close to {@code name}: same letters but for a few edits, or containing it. */
    List<String> closeTo(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        int limit = Math.max(2, wanted.length() / 3);
        record Scored(String name, int distance) {}
        List<Scored> scored = new ArrayList<>();
        for (String known : entries.keySet()) {
            String candidate = known.toLowerCase(Locale.ROOT);
            int distance = distance(wanted, candidate);
            if (distance <= limit || candidate.contains(wanted) || wanted.contains(candidate)) {
                scored.add(new Scored(known, distance));
            }
        }
        return scored.stream()
                .sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
                .limit(5)
                .map(Scored::name)
                .toList();
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String text(URL url) throws IOException {
        try (InputStream in = url.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The resource {@code file} in the same directory (of the same jar) as {@code index}. */
    private static URL sibling(URL index, String file) {
        String spec = index.toExternalForm();
        if (!spec.endsWith(INDEX_FILE)) {
            throw CliException.badSchemaResource("unexpected index location " + spec);
        }
        try {
            return URI.create(spec.substring(0, spec.length() - INDEX_FILE.length()) + file)
                    .toURL();
        } catch (IOException | IllegalArgumentException e) {
            throw new UncheckedIOException(new IOException("cannot locate " + file + " next to " + spec, e));
        }
    }
}
