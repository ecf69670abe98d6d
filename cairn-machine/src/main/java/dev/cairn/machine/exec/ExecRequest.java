package dev.cairn.machine.exec;

import dev.cairn.json.wire.DenyUnknownFields;
import dev.cairn.json.wire.WireDefault;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The request of an {@code exec} call (wire form, unknown fields refused):
 *
 * <pre>{@code {"argv":["sh","-c","wc -l"],"env":{"LANG":"C"},"cwd":"/work","stdin":"a\nb\n","timeout_ms":5000}}</pre>
 *
 * @param argv the program and its arguments; {@code argv[0]} is a path, or a name looked up on
 *     {@code PATH} ({@code env}'s, else the engine's)
 * @param env the program's environment (default empty)
 * @param inheritEnv start from the engine's environment instead of an empty one (default false: a
 *     reproducible call names every variable it needs)
 * @param cwd the working directory (default the engine's)
 * @param stdin text written to the program's standard input, UTF-8 (default none: stdin is closed)
 * @param timeoutMs wall-clock limit in milliseconds (default 300,000); on expiry the whole process
 *     tree is killed and the call fails with {@code exec_timeout}
 * @param maxOutputBytes how much of stdout and of stderr is kept, each (default 1 MiB); the rest is
 *     counted and dropped, and the response says it was truncated
 */
@DenyUnknownFields
public record ExecRequest(
        List<String> argv,
        @WireDefault Map<String, String> env,
        Optional<Boolean> inheritEnv,
        Optional<String> cwd,
        Optional<String> stdin,
        Optional<Long> timeoutMs,
        Optional<Integer> maxOutputBytes) {

    /** Default {@code timeout_ms}. */
    public static final long DEFAULT_TIMEOUT_MS = 300_000;
    /** Default {@code max_output_bytes}. */
    public static final int DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

    public ExecRequest {
        argv = List.copyOf(Objects.requireNonNull(argv, "argv"));
        if (argv.isEmpty() || argv.getFirst().isEmpty()) {
            throw new IllegalArgumentException("argv must name a program: argv[0] is missing or empty");
        }
        env = env == null ? Map.of() : Map.copyOf(new TreeMap<>(env));
        Objects.requireNonNull(inheritEnv, "inherit_env");
        Objects.requireNonNull(cwd, "cwd");
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(timeoutMs, "timeout_ms");
        timeoutMs.ifPresent(t -> {
            if (t < 1) {
                throw new IllegalArgumentException("timeout_ms must be at least 1, got " + t);
            }
        });
        Objects.requireNonNull(maxOutputBytes, "max_output_bytes");
        maxOutputBytes.ifPresent(m -> {
            if (m < 0) {
                throw new IllegalArgumentException("max_output_bytes must not be negative, got " + m);
            }
        });
    }

    /** A request for {@code argv} with every default. */
    public static ExecRequest of(String... argv) {
        return new ExecRequest(
                List.of(argv),
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }
}
