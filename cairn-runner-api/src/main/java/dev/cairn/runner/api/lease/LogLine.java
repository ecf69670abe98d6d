package dev.cairn.runner.api.lease;

import dev.cairn.runner.api.LogLevel;
import java.util.Objects;

/**
 * One line of a task's log, relayed by a heartbeat. Masked before it leaves the node when the
 * node holds secrets for the task.
 *
 * @param tsMillis when the runner logged it
 * @param level its severity
 * @param stream {@code stdout}, {@code stderr}, {@code runner}, or {@code cell} (cell lifecycle records)
 * @param message the line, without its newline
 */
public record LogLine(long tsMillis, LogLevel level, String stream, String message) {

    /** Lines longer than this are cut and end with {@code "…[truncated]"}. */
    public static final int MAX_LENGTH = 16 * 1024;

    public LogLine {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(message, "message");
        if (message.length() > MAX_LENGTH) {
            message = message.substring(0, MAX_LENGTH) + "…[truncated]";
        }
    }
}
