package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code cairn} as a child process: the packaged {@code target/cairn-cli.jar} with its {@code lib/},
 * run with {@code java -jar} as the {@code ./cairn} launcher runs it, with {@code CAIRN_*} cleared
 * from its environment. Standard output and error go to files, so a long-running child (a server, a
 * worker, {@code logs --follow}) can be read while it runs.
 */
final class CairnProcess implements AutoCloseable {

    static final Path JAR = Path.of("target", "cairn-cli.jar");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a finished child printed. */
    record Result(int exit, String out, String err) {
        JsonNode json() {
            return parse(out);
        }

        JsonNode errorJson() {
            return parse(err.lines()
                    .filter(l -> l.startsWith("{"))
                    .reduce((a, b) -> b)
                    .orElseThrow());
        }

        private static JsonNode parse(String text) {
            try {
                return JSON.readTree(text);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + text, e);
            }
        }
    }

    private final Process process;
    private final Path out;
    private final Path err;

    private CairnProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** The repository's {@code examples/} directory (tests run in the module directory). */
    static Path example(String name) {
        return Path.of("..", "examples").resolve(name).toAbsolutePath().normalize();
    }

    /** Starts {@code cairn args} in {@code dir}. */
    static CairnProcess start(Path dir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile(dir, "cairn", ".out");
            Path err = Files.createTempFile(dir, "cairn", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().keySet().removeIf(k -> k.startsWith("CAIRN_"));
            builder.environment().putAll(env);
            return new CairnProcess(builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code cairn args} in {@code dir} to its end (at most two minutes). */
    static Result run(Path dir, String... args) {
        return run(dir, Map.of(), args);
    }

    static Result run(Path dir, Map<String, String> env, String... args) {
        try (CairnProcess p = start(dir, env, args)) {
            return p.await(Duration.ofMinutes(2));
        }
    }

    /** Waits for the child to end. */
    Result await(Duration limit) {
        try {
            assertThat(process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS))
                    .as("cairn ended within " + limit + "; stderr: " + err())
                    .isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return new Result(process.exitValue(), out(), err());
    }

    /** Waits until standard output has a line matching {@code line}; returns it. */
    String awaitLine(Predicate<String> line, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            var found = out().lines().filter(line).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (!process.isAlive()) {
                throw new AssertionError("cairn ended (exit " + process.exitValue()
                        + ") before printing the line; out: " + out() + " err: " + err());
            }
            sleep(50);
        }
        throw new AssertionError("no such line within " + limit + "; out: " + out() + " err: " + err());
    }

    /** Sends SIGTERM and waits for the end. */
    Result terminate(Duration limit) {
        process.destroy();
        return await(limit);
    }

    boolean alive() {
        return process.isAlive();
    }

    String out() {
        return read(out);
    }

    String err() {
        return read(err);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
