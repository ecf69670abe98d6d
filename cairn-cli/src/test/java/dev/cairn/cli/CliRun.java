package dev.cairn.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs {@code cairn} in-process, as the launcher would, and captures what it prints. */
record CliRun(int exit, byte[] stdout, String stderr) {

    /** The repository's {@code examples/} directory (tests run in the module directory). */
    static Path example(String name) {
        return Path.of("..", "examples", "json").resolve(name);
    }

    static CliRun cairn(String... args) {
        return withInput(new byte[0], args);
    }

    static CliRun withInput(String stdin, String... args) {
        return withInput(stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    static CliRun withInput(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Terminal terminal = new Terminal(
                new ByteArrayInputStream(stdin),
                new PrintStream(out, false, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit = Cairn.run(terminal, args);
        return new CliRun(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    String out() {
        return new String(stdout, StandardCharsets.UTF_8);
    }
}
