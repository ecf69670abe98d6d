package dev.cairn.executor.protocol;

import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireEnum;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Cairn addition: one secret a command step declared, by name, and how its cell hands it over. The
 * value never travels in a task: the runner resolves it from its own secret broker for that cell
 * only and revokes it at teardown.
 *
 * @param name the secret's name in the broker ({@code [A-Za-z0-9._-]}, 1 to 128 characters)
 * @param target where the step finds it
 */
public record SecretMount(String name, SecretMount.Target target) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,254}");

    public SecretMount {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ExecutorProtocolException.invalidTask(
                    "name", "`" + name + "` is not a secret name", "Use 1 to 128 letters, digits, `.`, `_` or `-`.");
        }
        Objects.requireNonNull(target, "target");
    }

    /**
     * Where a cell puts a secret. Internally tagged by {@code kind}: {@code {"kind":"env",
     * "variable":"TOKEN"}} or {@code {"kind":"file","file_name":"token"}}.
     */
    @WireEnum(tag = "kind", variants = VariantCase.SNAKE_CASE)
    public sealed interface Target {

        /** An environment variable of the step's process (not {@code CAIRN_*}). */
        record Env(String variable) implements Target {
            public Env {
                if (variable == null || !variable.matches(Checks.ENV_NAME) || variable.startsWith("CAIRN_")) {
                    throw ExecutorProtocolException.invalidTask(
                            "variable",
                            "`" + variable + "` is not an environment variable name a secret may use",
                            "Use a name without `=` or NUL that does not start with `CAIRN_`.");
                }
            }
        }

        /** A file in the cell's private secrets directory, named by {@code CAIRN_SECRETS_DIR}. */
        record File(String fileName) implements Target {
            public File {
                if (fileName == null || !FILE.matcher(fileName).matches()) {
                    throw ExecutorProtocolException.invalidTask(
                            "file_name",
                            "`" + fileName + "` is not a plain file name",
                            "Use letters, digits, `.`, `_` or `-`, not starting with `.` or `-`.");
                }
            }
        }
    }
}
