package dev.cairn.executor.plugin;

import dev.cairn.executor.protocol.ExecutorProtocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An external executor program: how to start it and how patient to be with it.
 *
 * @param capability the capability it serves (e.g. {@code /executors/python-demo/v1}); also its name in logs
 * @param command the program and its arguments, started once per step
 * @param env its environment (nothing else of the host's is passed): default {@code PATH} and {@code LANG}
 * @param directory its working directory; empty: the host process's
 * @param cancelGrace how long a cancelled program has to answer {@code failed} before it is killed; default 5 s
 * @param exitGrace how long a program has to exit after its last line; default 5 s
 * @param maxLineBytes the longest line accepted from it; default {@value ExecutorProtocol#MAX_LINE_BYTES}
 */
public record PluginOptions(
        String capability,
        List<String> command,
        SortedMap<String, String> env,
        Optional<Path> directory,
        Duration cancelGrace,
        Duration exitGrace,
        int maxLineBytes) {

    public PluginOptions {
        Objects.requireNonNull(capability, "capability");
        if (capability.isBlank()) {
            throw new IllegalArgumentException("capability must not be blank");
        }
        command = List.copyOf(command);
        if (command.isEmpty() || command.getFirst().isEmpty()) {
            throw new IllegalArgumentException("command must name a program");
        }
        env = new TreeMap<>(env);
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(cancelGrace, "cancel_grace");
        Objects.requireNonNull(exitGrace, "exit_grace");
        if (maxLineBytes < 1024) {
            throw new IllegalArgumentException("max_line_bytes must be at least 1024, got " + maxLineBytes);
        }
    }

    /** A program for {@code capability} with the defaults. */
    public static PluginOptions of(String capability, List<String> command) {
        return new PluginOptions(
                capability,
                command,
                new TreeMap<>(Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LANG", "C.UTF-8")),
                Optional.empty(),
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                ExecutorProtocol.MAX_LINE_BYTES);
    }

    public PluginOptions withMaxLineBytes(int value) {
        return new PluginOptions(capability, command, env, directory, cancelGrace, exitGrace, value);
    }

    public PluginOptions withCancelGrace(Duration value) {
        return new PluginOptions(capability, command, env, directory, value, exitGrace, maxLineBytes);
    }
}
