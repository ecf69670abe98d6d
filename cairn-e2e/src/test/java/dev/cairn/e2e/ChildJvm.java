package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM on this test's class path: {@code cairn} itself ({@link #cairn}) or a test main such as
 * {@link NodeMain}. Standard output and error go to files, so a long-running child (a server, a
 * worker) can be read while it runs; {@link #kill()} is a SIGKILL, {@link #close()} too if it still
 * runs.
 */
final class ChildJvm implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path out;
    private final Path err;

    private ChildJvm(String name, Process process, Path out, Path err) {
        this.name = name;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** {@code cairn args} ({@code dev.cairn.cli.Cairn}) in {@code dir}. */
    static ChildJvm cairn(Path dir, String name, String... args) {
        return start(dir, name, "dev.cairn.cli.Cairn", args);
    }

    /** {@code java -cp <this class path> mainClass args} in {@code dir}, with {@code CAIRN_*} cleared. */
    static ChildJvm start(Path dir, String name, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile(dir, name, ".out");
            Path err = Files.createTempFile(dir, name, ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().keySet().removeIf(k -> k.startsWith("CAIRN_"));
            return new ChildJvm(name, builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
                throw new AssertionError(name + " ended (exit " + process.exitValue()
                        + ") before printing the line; out: " + out() + " err: " + err());
            }
            Waits.pause();
        }
        throw new AssertionError(name + ": no such line within " + limit + "; out: " + out() + " err: " + err());
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() {
        process.destroyForcibly();
        await(Duration.ofSeconds(30));
    }

    /** SIGTERM, and waits for the end; returns the exit code. */
    int terminate(Duration limit) {
        process.destroy();
        return await(limit);
    }

    /** Waits for the process to end by itself; returns the exit code. */
    int awaitExit(Duration limit) {
        return await(limit);
    }

    private int await(Duration limit) {
        try {
            assertThat(process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS))
                    .as(name + " ended within " + limit + "; stderr: " + err())
                    .isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return process.exitValue();
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

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
