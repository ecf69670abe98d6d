package dev.cairn.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The wire types a module publishes JSON Schemas for, and the files it checks in for them.
 *
 * <p>A module ships its schemas as classpath resources under {@value #RESOURCE_DIR}: {@value
 * #INDEX} lists the schema names, one per line, sorted; each name {@code N} has {@code
 * N}{@value #SUFFIX}. Tools (the CLI, the HTTP server) list and show schemas from the classpath by
 * exactly this convention; several modules may each contribute an index.
 *
 * <p>Each module's test calls {@link #verifyOrUpdate(Path)}: it fails when the checked-in files
 * differ from the generated ones, and rewrites them when the system property {@value
 * #UPDATE_PROPERTY} is {@code true}.
 */
public final class SchemaCatalog {

    /** Classpath directory of the checked-in schemas. */
    public static final String RESOURCE_DIR = "META-INF/cairn/schemas";

    /** Name of the index file in {@link #RESOURCE_DIR}. */
    public static final String INDEX = "index.txt";

    /** Suffix of a schema file in {@link #RESOURCE_DIR}. */
    public static final String SUFFIX = ".schema.json";

    /** System property that makes {@link #verifyOrUpdate(Path)} rewrite the files instead of failing. */
    public static final String UPDATE_PROPERTY = "cairn.schemas.update";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final SortedMap<String, Class<?>> types;

    private SchemaCatalog(SortedMap<String, Class<?>> types) {
        this.types = Collections.unmodifiableSortedMap(types);
    }

    /**
     * A catalog of the given root types, each named by {@link SchemaGen#nameOf(Class)}.
     *
     * @throws SchemaGenException if two types share a name
     */
    public static SchemaCatalog of(Class<?>... types) {
        SortedMap<String, Class<?>> byName = new TreeMap<>();
        for (Class<?> type : types) {
            Class<?> previous = byName.put(SchemaGen.nameOf(type), type);
            if (previous != null && previous != type) {
                throw SchemaGenException.duplicateName(
                        SchemaGen.nameOf(type), List.of(previous.getName(), type.getName()));
            }
        }
        return new SchemaCatalog(byName);
    }

    /** The types of this catalog by schema name, sorted by name. */
    public SortedMap<String, Class<?>> types() {
        return types;
    }

    /** The schemas of this catalog by name, sorted by name. */
    public SortedMap<String, ObjectNode> generate() {
        SortedMap<String, ObjectNode> schemas = new TreeMap<>();
        types.forEach((name, type) -> schemas.put(name, SchemaGen.schemaFor(type)));
        return schemas;
    }

    /** The module's schema directory under its base directory: {@code src/main/resources/}{@value #RESOURCE_DIR}. */
    public static Path sourceDir(Path moduleDir) {
        return moduleDir.resolve("src/main/resources").resolve(RESOURCE_DIR);
    }

    /**
     * How the files in {@code dir} differ from the generated schemas, one line per difference;
     * empty when they match. Schema files are compared as JSON trees.
     */
    public List<String> drift(Path dir) {
        SortedMap<String, ObjectNode> expected = generate();
        List<String> differences = new ArrayList<>();
        Path index = dir.resolve(INDEX);
        if (!Files.isRegularFile(index)) {
            differences.add(index + " is missing");
        } else {
            List<String> listed = readLines(index);
            List<String> names = List.copyOf(expected.keySet());
            if (!listed.equals(names)) {
                differences.add(INDEX + " lists " + listed + " but the schemas are " + names);
            }
        }
        for (Map.Entry<String, ObjectNode> entry : expected.entrySet()) {
            Path file = dir.resolve(entry.getKey() + SUFFIX);
            if (!Files.isRegularFile(file)) {
                differences.add(file.getFileName() + " is missing");
                continue;
            }
            JsonNode actual = readTree(file);
            if (actual == null) {
                differences.add(file.getFileName() + " is not valid JSON");
            } else if (!entry.getValue().equals(actual)) {
                differences.add(file.getFileName() + " differs from the schema generated from "
                        + types.get(entry.getKey()).getName() + " at `" + firstDifference(entry.getValue(), actual, "")
                        + "`");
            }
        }
        for (String stale : schemaFiles(dir)) {
            if (!expected.containsKey(stale)) {
                differences.add(stale + SUFFIX + " has no type in the catalog");
            }
        }
        return differences;
    }

    /** Writes the index and every schema into {@code dir}, and deletes schema files of names no longer listed. */
    public void write(Path dir) {
        SortedMap<String, ObjectNode> schemas = generate();
        try {
            Files.createDirectories(dir);
            for (String stale : schemaFiles(dir)) {
                if (!schemas.containsKey(stale)) {
                    Files.delete(dir.resolve(stale + SUFFIX));
                }
            }
            Files.writeString(dir.resolve(INDEX), String.join("\n", schemas.keySet()) + "\n", StandardCharsets.UTF_8);
            for (Map.Entry<String, ObjectNode> entry : schemas.entrySet()) {
                Files.writeString(
                        dir.resolve(entry.getKey() + SUFFIX),
                        SchemaGen.render(entry.getValue()),
                        StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw SchemaGenException.io("cannot write schemas into " + dir, e);
        }
    }

    /**
     * Checks the module's checked-in schemas against its types; with {@code -D}{@value
     * #UPDATE_PROPERTY}{@code =true} rewrites them instead.
     *
     * @param moduleDir the module's base directory (the one holding {@code pom.xml})
     * @return the differences found; empty when the files matched (or were just rewritten)
     * @throws SchemaGenException with code {@code schema_drift} when the files differ and no
     *     update was asked for
     */
    public List<String> verifyOrUpdate(Path moduleDir) {
        Path dir = sourceDir(moduleDir);
        List<String> differences = drift(dir);
        if (differences.isEmpty()) {
            return differences;
        }
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            write(dir);
            return List.of();
        }
        Path name = moduleDir.toAbsolutePath().normalize().getFileName();
        throw SchemaGenException.drift(name == null ? moduleDir.toString() : name.toString(), differences);
    }

    /** The JSON Pointer of the first place where two trees differ. */
    static String firstDifference(JsonNode expected, JsonNode actual, String path) {
        if (expected.isObject() && actual.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            expected.fieldNames().forEachRemaining(keys::add);
            actual.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                JsonNode e = expected.get(key);
                JsonNode a = actual.get(key);
                String child = path + "/" + key.replace("~", "~0").replace("/", "~1");
                if (e == null || a == null) {
                    return child;
                }
                if (!e.equals(a)) {
                    return firstDifference(e, a, child);
                }
            }
        }
        if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
            for (int i = 0; i < expected.size(); i++) {
                if (!expected.get(i).equals(actual.get(i))) {
                    return firstDifference(expected.get(i), actual.get(i), path + "/" + i);
                }
            }
        }
        return path;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw SchemaGenException.io("cannot read " + file, e);
        }
    }

    /** The file's JSON tree, or {@code null} when it is not JSON. */
    private static JsonNode readTree(Path file) {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            return null;
        } catch (IOException e) {
            throw SchemaGenException.io("cannot read " + file, e);
        }
    }

    /** Names of the schema files in {@code dir}. */
    private static TreeSet<String> schemaFiles(Path dir) {
        TreeSet<String> names = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(SUFFIX))
                    .forEach(n -> names.add(n.substring(0, n.length() - SUFFIX.length())));
        } catch (IOException e) {
            throw SchemaGenException.io("cannot list " + dir, e);
        }
        return names;
    }
}
