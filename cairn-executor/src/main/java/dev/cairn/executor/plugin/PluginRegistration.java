package dev.cairn.executor.plugin;

import dev.cairn.executor.ExecutorException;
import dev.cairn.json.wire.DenyUnknownFields;
import dev.cairn.json.wire.Wire;
import dev.cairn.json.wire.WireDefault;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A plugin registration file: how an operator registers an executor program without code, one JSON
 * file per plugin (snake_case, unknown fields refused):
 *
 * <pre>{@code
 * {"capability": "/executors/python-demo/v1",
 *  "command": ["python3", "/opt/cairn/plugins/cairn_demo_executor.py"],
 *  "env": {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
 *  "directory": "/opt/cairn/plugins",
 *  "cancel_grace_ms": 5000}
 * }</pre>
 *
 * @param capability the capability the program serves
 * @param command the program and its arguments
 * @param env the program's whole environment; absent: {@code PATH} and {@code LANG} only
 * @param directory its working directory; absent: the node's
 * @param cancelGraceMs how long a cancelled program may take to answer before it is killed; absent: 5000
 */
@DenyUnknownFields
public record PluginRegistration(
        String capability,
        List<String> command,
        @WireDefault Optional<SortedMap<String, String>> env,
        @WireDefault Optional<String> directory,
        @WireDefault Optional<Long> cancelGraceMs) {

    public PluginRegistration {
        Objects.requireNonNull(capability, "capability");
        command = List.copyOf(Objects.requireNonNull(command, "command"));
        env = env == null ? Optional.empty() : env;
        directory = directory == null ? Optional.empty() : directory;
        cancelGraceMs = cancelGraceMs == null ? Optional.empty() : cancelGraceMs;
    }

    /** The options this registration describes. */
    public PluginOptions options() {
        PluginOptions defaults = PluginOptions.of(capability, command);
        return new PluginOptions(
                capability,
                command,
                env.<SortedMap<String, String>>map(TreeMap::new).orElse(defaults.env()),
                directory.map(Path::of),
                cancelGraceMs.map(Duration::ofMillis).orElse(defaults.cancelGrace()),
                defaults.exitGrace(),
                defaults.maxLineBytes());
    }

    /**
     * Reads one registration file.
     *
     * @throws ExecutorException {@code invalid_plugin_registration} naming the file and what is wrong
     */
    public static PluginOptions load(Path file) {
        try {
            return Wire.read(Files.readAllBytes(file), PluginRegistration.class).options();
        } catch (IOException | RuntimeException e) {
            throw new ExecutorException(
                    "invalid_plugin_registration",
                    "executor plugin registration " + file + " cannot be used: " + e.getMessage(),
                    false,
                    "A registration is a JSON object with `capability` and `command` (see docs/executor-protocol.md).",
                    e);
        }
    }

    /** Reads every {@code *.json} file of {@code dir}, in name order; none when it does not exist. */
    public static List<PluginOptions> loadAll(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.json")) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new ExecutorException(
                    "invalid_plugin_registration",
                    "cannot list executor plugin registrations in " + dir + ": " + e.getMessage(),
                    false,
                    "Check the directory's permissions.",
                    e);
        }
        files.sort(null);
        return files.stream().map(PluginRegistration::load).toList();
    }
}
