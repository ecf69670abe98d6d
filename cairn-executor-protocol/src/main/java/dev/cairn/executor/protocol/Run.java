package dev.cairn.executor.protocol;

import dev.cairn.json.wire.DenyUnknownFields;
import dev.cairn.json.wire.Transparent;
import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireDefault;
import dev.cairn.json.wire.WireEnum;
import dev.cairn.json.wire.WirePattern;
import dev.cairn.json.wire.WireSize;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link CommandStep} runs: a program with its arguments, executed directly (no shell), or a
 * script handed to a shell.
 *
 * <p>Externally tagged, snake_case: {@code {"argv":["make","test"]}} or {@code
 * {"script":{"shell":"/bin/sh","source":"make test"}}} ({@code shell} may be left out).
 */
@WireEnum(variants = VariantCase.SNAKE_CASE)
public sealed interface Run {

    /**
     * Execute {@code value.get(0)} with the rest as arguments, without a shell. The program is
     * looked up on the step's {@code PATH} unless it contains a {@code /}.
     */
    @Transparent
    record Argv(@WireSize(min = 1) @WirePattern(Checks.NO_NUL) List<String> value) implements Run {
        public Argv {
            Objects.requireNonNull(value, "argv");
            value = List.copyOf(value);
            if (value.isEmpty()) {
                throw ExecutorProtocolException.invalidCommand("argv is empty");
            }
            if (value.getFirst().isEmpty()) {
                throw ExecutorProtocolException.invalidCommand("argv[0] (the program) is empty");
            }
            for (int i = 0; i < value.size(); i++) {
                if (value.get(i).indexOf('\0') >= 0) {
                    throw ExecutorProtocolException.invalidCommand("argv[" + i + "] contains NUL");
                }
            }
        }
    }

    /**
     * Run {@code source} with {@code shell}, as {@code shell -c source}.
     *
     * @param shell absolute path of the shell; {@value #DEFAULT_SHELL} when left out
     * @param source the script; non-empty
     */
    @DenyUnknownFields
    record Script(@WireDefault @WirePattern("^/[^\\x00]*$") String shell, @WireSize(min = 1) String source)
            implements Run {

        /** The shell used when none is given. */
        public static final String DEFAULT_SHELL = "/bin/sh";

        public Script {
            shell = shell == null ? DEFAULT_SHELL : shell;
            Objects.requireNonNull(source, "source");
            if (!shell.startsWith("/") || shell.indexOf('\0') >= 0) {
                throw ExecutorProtocolException.invalidCommand(
                        "shell `" + shell.replace("\0", "\\0") + "` is not an absolute path");
            }
            if (source.isEmpty()) {
                throw ExecutorProtocolException.invalidCommand("script source is empty");
            }
        }

        /** A script for {@value #DEFAULT_SHELL}. */
        public Script(String source) {
            this(DEFAULT_SHELL, source);
        }
    }
}
