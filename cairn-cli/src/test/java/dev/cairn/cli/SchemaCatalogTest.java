package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog over class paths built in temporary directories and jars, like real modules. */
class SchemaCatalogTest {

    @TempDir
    Path tmp;

    private Path directoryRoot(String name, Map<String, String> files) throws IOException {
        Path root = tmp.resolve(name);
        for (var file : files.entrySet()) {
            Path path = root.resolve("META-INF/cairn/schemas").resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
        return root;
    }

    private Path jarRoot(String name, Map<String, String> files) throws IOException {
        Path jar = tmp.resolve(name + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (var file : files.entrySet()) {
                out.putNextEntry(new JarEntry("META-INF/cairn/schemas/" + file.getKey()));
                out.write(file.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static SchemaCatalog catalog(Path... roots) throws IOException {
        URL[] urls = new URL[roots.length];
        for (int i = 0; i < roots.length; i++) {
            urls[i] = roots[i].toUri().toURL();
        }
        // No parent: only these roots, not the test class path's fixtures.
        return SchemaCatalog.load(new URLClassLoader(urls, null));
    }

    @Test
    void readsEveryModulesIndexFromDirectoriesAndJars() throws IOException {
        Path a = directoryRoot(
                "a", Map.of("index.txt", "alpha\n# comment\n\n", "alpha.schema.json", "{\"title\":\"A\"}"));
        Path b = jarRoot(
                "b",
                Map.of(
                        "index.txt", "beta\r\ngamma\n",
                        "beta.schema.json", "{\"title\":\"B\"}",
                        "gamma.schema.json", "{}"));
        SchemaCatalog catalog = catalog(a, b);
        assertThat(catalog.names()).containsExactly("alpha", "beta", "gamma");
        assertThat(catalog.title("beta")).contains("B");
        assertThat(catalog.title("gamma")).isEmpty();
        assertThat(catalog.schema("alpha").get("title").textValue()).isEqualTo("A");
        assertThat(catalog(tmp.resolve("empty")).names()).isEmpty();
    }

    @Test
    void aSchemaIsReadFromTheModuleThatListsIt() throws IOException {
        // b ships a file named like a's schema but does not list it; a's own file wins.
        Path a = directoryRoot("a", Map.of("index.txt", "alpha", "alpha.schema.json", "{\"title\":\"from a\"}"));
        Path b = directoryRoot(
                "b",
                Map.of("index.txt", "beta", "beta.schema.json", "{}", "alpha.schema.json", "{\"title\":\"from b\"}"));
        assertThat(catalog(b, a).title("alpha")).contains("from a");
    }

    @Test
    void aNameListedByTwoModulesIsAPackagingBug() throws IOException {
        Path one = directoryRoot("one", Map.of("index.txt", "dup", "dup.schema.json", "{}"));
        Path two = jarRoot("two", Map.of("index.txt", "dup", "dup.schema.json", "{}"));
        CliException e = catchThrowableOfType(CliException.class, () -> catalog(one, two));
        assertThat(e.code()).isEqualTo("bad_schema_resource");
        assertThat(e.getMessage()).contains("`dup` is listed twice", "one", "two.jar");
    }

    @Test
    void brokenResourcesAreTypedErrors() throws IOException {
        Path badName = directoryRoot("bad-name", Map.of("index.txt", "../etc/passwd\n"));
        CliException e1 = catchThrowableOfType(CliException.class, () -> catalog(badName));
        assertThat(e1.code()).isEqualTo("bad_schema_resource");
        assertThat(e1.exitCode()).isEqualTo(ExitCodes.INTERNAL);
        assertThat(e1.getMessage()).contains("line 1");

        Path missing = directoryRoot("missing", Map.of("index.txt", "ghost\n"));
        CliException e2 =
                catchThrowableOfType(CliException.class, () -> catalog(missing).schema("ghost"));
        assertThat(e2.code()).isEqualTo("bad_schema_resource");

        Path invalid =
                directoryRoot("invalid", Map.of("index.txt", "broken\n", "broken.schema.json", "{\"a\":1,\"a\":2}"));
        CliException e3 =
                catchThrowableOfType(CliException.class, () -> catalog(invalid).schema("broken"));
        assertThat(e3.getMessage()).contains("not valid JSON", "duplicate key");
    }

    @Test
    void closeNamesByEditDistanceOrContainment() throws IOException {
        Path a = directoryRoot(
                "a",
                Map.of(
                        "index.txt", "executor-input\nstep-result\nrun-request\n",
                        "executor-input.schema.json", "{}",
                        "step-result.schema.json", "{}",
                        "run-request.schema.json", "{}"));
        SchemaCatalog catalog = catalog(a);
        assertThat(catalog.closeTo("step-reslt")).containsExactly("step-result");
        assertThat(catalog.closeTo("EXECUTOR")).containsExactly("executor-input");
        assertThat(catalog.closeTo("zzz")).isEmpty();
        assertThat(SchemaCatalog.distance("kitten", "sitting")).isEqualTo(3);
    }
}
