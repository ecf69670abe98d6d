package dev.cairn.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The streams a command reads and writes: standard input, output and error. Output is UTF-8
 * whatever the platform's locale, so JSON bytes are the same everywhere.
 */
public record Terminal(InputStream in, PrintStream out, PrintStream err) {

    public Terminal {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
    }

    /** The process's own standard streams. */
    public static Terminal system() {
        return new Terminal(
                System.in,
                new PrintStream(
                        new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)),
                        false,
                        StandardCharsets.UTF_8),
                new PrintStream(
                        new BufferedOutputStream(new FileOutputStream(FileDescriptor.err)),
                        true,
                        StandardCharsets.UTF_8));
    }

    void flush() {
        out.flush();
        err.flush();
    }
}
