package dev.cairn.contracts.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.runner.api.lease.LogLine;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a run as a user watches it.
 *
 * @param stepId the step's id in the pipeline (one per region for multi-region steps: {@code
 *     step@region})
 * @param state where it is
 * @param attempt the current or last attempt, 1-based (0 before the first)
 * @param progress the runner's last progress value
 * @param total when the step reports a total (progress bars), else empty
 * @param exitCode the command's exit code, for command steps that ran
 * @param cache {@code hit}, {@code miss} or {@code off}, once decided
 * @param logTail the last lines of its log (at most 20)
 */
public record StepView(
        String stepId,
        StepState state,
        int attempt,
        Optional<String> region,
        Optional<Instant> startedAt,
        Optional<Instant> endedAt,
        Optional<Long> durationMs,
        Optional<JsonNode> progress,
        Optional<Long> total,
        Optional<Integer> exitCode,
        Optional<String> cache,
        Optional<String> error,
        List<LogLine> logTail) {

    public StepView {
        Objects.requireNonNull(stepId, "step_id");
        Objects.requireNonNull(state, "state");
        logTail = List.copyOf(Objects.requireNonNull(logTail, "log_tail"));
    }
}
