package dev.cairn.orchestrator.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Files of the repository the tests read: examples and docs. */
final class Repo {

    private Repo() {}

    /** The repository root: the nearest ancestor of the module directory that holds {@code examples/}. */
    static Path root() {
        Path dir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no examples/ directory above " + dir);
    }

    static Path examples() {
        return root().resolve("examples");
    }

    /** Every {@code examples/*.yaml} and {@code *.json} pipeline. */
    static List<Path> examplePipelines() {
        try (Stream<Path> files = Files.list(examples())) {
            return files.filter(
                            p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".json"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
