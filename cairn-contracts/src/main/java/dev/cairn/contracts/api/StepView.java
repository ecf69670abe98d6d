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
 * @param cache {@code hit} (served from the host's action cache: the command did not run), {@code
 *     miss} (it ran, and its snapshot is committed when it succeeds) or {@code off} (not cacheable:
 *     {@code cache: false}, a side effect, or a secret whose version the host cannot see), once the
 *     host decided for the current attempt
 * @param logTail the last lines of its log (at most 20)
 * @param cacheKey the action-cache key the decision was made for ({@code cairn cache show KEY});
 *     absent when off or not decided
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
        List<LogLine> logTail,
        Optional<String> cacheKey) {

    public StepView {
        Objects.requireNonNull(stepId, "step_id");
        Objects.requireNonNull(state, "state");
        logTail = List.copyOf(Objects.requireNonNull(logTail, "log_tail"));
        cacheKey = cacheKey == null ? Optional.empty() : cacheKey;
    }

    /** A step view without a cache key. */
    public StepView(
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
        this(
                stepId,
                state,
                attempt,
                region,
                startedAt,
                endedAt,
                durationMs,
                progress,
                total,
                exitCode,
                cache,
                error,
                logTail,
                Optional.empty());
    }
}
