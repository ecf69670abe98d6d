package dev.cairn.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Checks that a module's checked-in schemas and its wire codec agree, on example documents kept
 * next to its tests:
 *
 * <pre>
 * examples/NAME/good/*.json          valid: the schema accepts it, Wire.read accepts it, and what
 *                                     Wire writes back is schema-valid and reads back equal
 * examples/NAME/bad/*.json           invalid: the schema reports errors and Wire.read throws a
 *                                     JsonException
 * examples/NAME/expected-errors.json {"file.json": {"code": "...", "path": "/json/pointer"}} for
 *                                     every bad file: the code and pointer of that JsonException
 * golden/NAME/*.json                  (optional) golden documents, checked as good ones
 * </pre>
 *
 * Every schema of the catalog needs at least one good and one bad example. The schemas are read
 * from the classpath ({@link SchemaCatalog#RESOURCE_DIR}), i.e. as shipped. The JSON Schema
 * validator is supplied by the caller, so that this module does not depend on one.
 */
public final class SchemaExamples {

    /** Name of the file, in each example directory, that lists the expected error of each bad example. */
    public static final String EXPECTED_ERRORS = "expected-errors.json";

    /** A JSON Schema validator: the errors of {@code document} against {@code schema}, empty if valid. */
    @FunctionalInterface
    public interface Validator {
        List<String> errors(JsonNode schema, JsonNode document);
    }

    /** One check, to run as a test of its own; {@link #body()} throws {@link AssertionError} on failure. */
    public record Check(String name, Runnable body) {}

    private SchemaExamples() {}

    /**
     * The checks of every example of every schema of {@code catalog}.
     *
     * @param examplesDir the {@code examples} directory
     * @param goldenDir the {@code golden} directory, or {@code null} when there is none
     */
    public static List<Check> checks(SchemaCatalog catalog, Path examplesDir, Path goldenDir, Validator validator) {
        Objects.requireNonNull(validator, "validator");
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("every example directory names a schema", () -> {
            TreeSet<String> stale = subdirectories(examplesDir);
            stale.removeAll(catalog.types().keySet());
            if (!stale.isEmpty()) {
                throw new AssertionError(examplesDir + " has examples for schemas that do not exist: " + stale);
            }
        }));
        for (Map.Entry<String, Class<?>> entry : catalog.types().entrySet()) {
            String name = entry.getKey();
            Class<?> type = entry.getValue();
            JsonNode schema = shippedSchema(type, name);
            Path dir = examplesDir.resolve(name);
            List<Path> good = jsonFiles(dir.resolve("good"));
            List<Path> bad = jsonFiles(dir.resolve("bad"));
            JsonNode expected = Files.isRegularFile(dir.resolve(EXPECTED_ERRORS))
                    ? parse(dir.resolve(EXPECTED_ERRORS))
                    : Wire.mapper().createObjectNode();
            checks.add(new Check(name + ": has good and bad examples, and an expected error for each bad one", () -> {
                if (good.isEmpty() || bad.isEmpty()) {
                    throw new AssertionError(dir + " needs at least one good/*.json and one bad/*.json");
                }
                TreeSet<String> listed = new TreeSet<>();
                expected.fieldNames().forEachRemaining(listed::add);
                TreeSet<String> files = new TreeSet<>(
                        bad.stream().map(p -> p.getFileName().toString()).toList());
                if (!listed.equals(files)) {
                    throw new AssertionError(
                            dir.resolve(EXPECTED_ERRORS) + " lists " + listed + " but bad/ holds " + files);
                }
            }));
            for (Path file : good) {
                checks.add(new Check(
                        name + " good/" + file.getFileName(), () -> checkGood(schema, type, file, validator)));
            }
            if (goldenDir != null) {
                for (Path file : jsonFiles(goldenDir.resolve(name))) {
                    checks.add(new Check(
                            name + " golden/" + file.getFileName(), () -> checkGood(schema, type, file, validator)));
                }
            }
            for (Path file : bad) {
                JsonNode error = expected.path(file.getFileName().toString());
                checks.add(new Check(
                        name + " bad/" + file.getFileName(), () -> checkBad(schema, type, file, error, validator)));
            }
        }
        return checks;
    }

    private static void checkGood(JsonNode schema, Class<?> type, Path file, Validator validator) {
        String text = read(file);
        List<String> errors = validator.errors(schema, parse(file));
        if (!errors.isEmpty()) {
            throw new AssertionError(file + " should be valid, but the schema reports " + errors);
        }
        Object value;
        try {
            value = Wire.read(text, type);
        } catch (JsonException e) {
            throw new AssertionError(
                    file + " is schema-valid, but the codec refuses it: " + e.code() + " at " + e.path() + ": "
                            + e.getMessage(),
                    e);
        }
        JsonNode written = Wire.toTree(value);
        List<String> writtenErrors = validator.errors(schema, written);
        if (!writtenErrors.isEmpty()) {
            throw new AssertionError("the codec writes " + file.getFileName() + " back as " + written
                    + ", which the schema refuses: " + writtenErrors);
        }
        Object reread = Wire.fromTree(written, type);
        if (!reread.equals(value)) {
            throw new AssertionError(file + " does not survive a round trip: " + value + " became " + reread);
        }
    }

    private static void checkBad(JsonNode schema, Class<?> type, Path file, JsonNode expected, Validator validator) {
        String text = read(file);
        if (validator.errors(schema, parse(file)).isEmpty()) {
            throw new AssertionError(file + " should be invalid, but the schema accepts it");
        }
        try {
            Object value = Wire.read(text, type);
            throw new AssertionError(file + " is schema-invalid, but the codec accepts it as " + value);
        } catch (JsonException e) {
            String code = expected.path("code").asText(null);
            String path = expected.path("path").asText(null);
            if (!e.code().equals(code) || !e.path().equals(path)) {
                throw new AssertionError(file + ": expected " + code + " at `" + path + "`, got " + e.code() + " at `"
                        + e.path() + "`: " + e.getMessage());
            }
        }
    }

    /** The schema as the module ships it on the classpath. */
    private static JsonNode shippedSchema(Class<?> type, String name) {
        String resource = SchemaCatalog.RESOURCE_DIR + "/" + name + SchemaCatalog.SUFFIX;
        ClassLoader loader = type.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError(resource + " is not on the classpath of " + type.getName());
            }
            return Wire.read(in, JsonNode.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(Path file) {
        try {
            return Wire.read(read(file), JsonNode.class);
        } catch (JsonException e) {
            throw new AssertionError(file + " is not JSON: " + e.getMessage(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> jsonFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TreeSet<String> subdirectories(Path dir) {
        TreeSet<String> names = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            entries.filter(Files::isDirectory)
                    .forEach(p -> names.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }
}
