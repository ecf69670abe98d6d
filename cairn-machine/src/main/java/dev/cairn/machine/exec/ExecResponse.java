package dev.cairn.machine.exec;

import java.util.Objects;

/**
 * The response of an {@code exec} call. A non-zero exit code is a response, not an error: the state
 * decides what it means.
 *
 * @param exitCode the program's exit status ({@code 128 + n} when killed by signal {@code n})
 * @param stdout standard output, decoded as UTF-8 (malformed bytes replaced), at most {@code
 *     max_output_bytes} of it
 * @param stderr standard error, likewise
 * @param stdoutTruncated whether stdout was longer than what is kept
 * @param stderrTruncated whether stderr was longer than what is kept
 * @param stdoutBytes the full length of stdout in bytes
 * @param stderrBytes the full length of stderr in bytes
 */
public record ExecResponse(
        int exitCode,
        String stdout,
        String stderr,
        boolean stdoutTruncated,
        boolean stderrTruncated,
        long stdoutBytes,
        long stderrBytes) {

    public ExecResponse {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }
}
