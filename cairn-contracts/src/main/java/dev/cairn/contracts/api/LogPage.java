package dev.cairn.contracts.api;

import java.util.List;
import java.util.Objects;

/** A page of a run's log lines after a cursor; {@code next_cursor} is the last line's cursor. */
public record LogPage(List<LogEntry> lines, long nextCursor) {

    public LogPage {
        lines = List.copyOf(Objects.requireNonNull(lines, "lines"));
    }
}
