package dev.cairn.runner.node.command;

import dev.cairn.runner.node.RunnerNodeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How {@link ProcessCommandExecutor} runs commands.
 *
 * @param workRoot where each command's workspace and temporary directory are created; default
 *     {@code java.io.tmpdir/cairn-command}
 * @param path the {@code PATH} a command starts with (a step may set its own); default {@value
 *     #DEFAULT_PATH}
 * @param passthroughEnv names of the node's environment variables that commands inherit (when set on
 *     the node); default none. Everything else of the node's environment stays out.
 * @param terminateGrace how long a cancelled or timed-out command gets between SIGTERM and SIGKILL;
 *     default 2 s
 */
public record ProcessCommandOptions(Path workRoot, String path, List<String> passthroughEnv, Duration terminateGrace) {

    /** The default {@code PATH}, as in a cell. */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public ProcessCommandOptions {
        Objects.requireNonNull(workRoot, "work_root");
        if (path == null || path.isEmpty() || path.indexOf('\0') >= 0) {
            throw RunnerNodeException.invalidOption("path", "must be a non-empty PATH value");
        }
        passthroughEnv = List.copyOf(Objects.requireNonNull(passthroughEnv, "passthrough_env"));
        for (String name : passthroughEnv) {
            if (!ENV_NAME.matcher(name).matches() || name.startsWith("CAIRN_")) {
                throw RunnerNodeException.invalidOption(
                        "passthrough_env", "`" + name + "` is not an environment variable name a node may pass on");
            }
        }
        if (terminateGrace == null || terminateGrace.isNegative()) {
            throw RunnerNodeException.invalidOption("terminate_grace", "must be zero or positive");
        }
    }

    /** The defaults. */
    public static ProcessCommandOptions defaults() {
        return new ProcessCommandOptions(
                Path.of(System.getProperty("java.io.tmpdir"), "cairn-command"),
                DEFAULT_PATH,
                List.of(),
                Duration.ofSeconds(2));
    }

    public ProcessCommandOptions withWorkRoot(Path value) {
        return new ProcessCommandOptions(value, path, passthroughEnv, terminateGrace);
    }

    public ProcessCommandOptions withPath(String value) {
        return new ProcessCommandOptions(workRoot, value, passthroughEnv, terminateGrace);
    }

    public ProcessCommandOptions withPassthroughEnv(List<String> value) {
        return new ProcessCommandOptions(workRoot, path, value, terminateGrace);
    }

    public ProcessCommandOptions withTerminateGrace(Duration value) {
        return new ProcessCommandOptions(workRoot, path, passthroughEnv, value);
    }
}
