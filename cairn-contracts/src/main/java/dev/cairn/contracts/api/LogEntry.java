package dev.cairn.contracts.api;

import dev.cairn.runner.api.lease.LogLine;
import java.util.Objects;

/** A log line of one step, numbered within the run ({@code cursor} orders a run's lines). */
public record LogEntry(long cursor, String stepId, int attempt, LogLine line) {

    public LogEntry {
        Objects.requireNonNull(stepId, "step_id");
        Objects.requireNonNull(line, "line");
    }
}
