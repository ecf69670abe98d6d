package dev.cairn.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the {@code FILE|-} argument of a command: a file, or standard input for {@code -}. */
final class Inputs {

    /** What the command names as its input. */
    static final String STDIN = "-";

    private Inputs() {}

    /** How messages name the input. */
    static String describe(String file) {
        return STDIN.equals(file) ? "<stdin>" : file;
    }

    static byte[] readAll(String file, Terminal terminal) {
        try {
            return STDIN.equals(file) ? terminal.in().readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw CliException.io(describe(file), e);
        }
    }

    /** Opens the input for streaming; the caller closes it. */
    static InputStream open(String file, Terminal terminal) {
        if (STDIN.equals(file)) {
            return terminal.in();
        }
        try {
            return Files.newInputStream(Path.of(file));
        } catch (IOException e) {
            throw CliException.io(describe(file), e);
        }
    }
}
