package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.contracts.JobResult;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.RunSummary;
import dev.cairn.contracts.RunnerResult;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepState;
import dev.cairn.contracts.api.StepView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a run ended, as {@code cairn run}, {@code cairn submit --wait} and {@code cairn resume} print
 * it: each step's state, and the outputs the steps captured (with the ids {@code cairn artifacts
 * get} takes).
 */
record RunReport(
        String runId,
        String opId,
        RunState state,
        Optional<String> error,
        Optional<Long> durationMs,
        List<StepOutcome> steps,
        List<StepOutput> outputs) {

    /** One step's end. {@code cache} is what the orchestrator says of the step's cache use, if anything. */
    record StepOutcome(
            String stepId,
            StepState state,
            int attempt,
            Optional<Long> durationMs,
            Optional<Integer> exitCode,
            Optional<String> cache,
            Optional<String> error) {}

    /** A file a step captured. */
    record StepOutput(String stepId, String key, String artifactId, long sizeBytes, String mime) {}

    static RunReport of(RunDetail detail, RunSummary summary) {
        List<StepOutcome> steps = new ArrayList<>();
        for (StepView s : detail.steps()) {
            steps.add(new StepOutcome(
                    s.stepId(), s.state(), s.attempt(), s.durationMs(), s.exitCode(), s.cache(), s.error()));
        }
        List<StepOutput> outputs = new ArrayList<>();
        for (JobResult job : summary.jobs()) {
            for (RunnerResult result : job.results()) {
                if (result.details().isEmpty()) {
                    continue;
                }
                JsonNode details = result.details().get();
                String step = details.path("step_id").asText(result.name());
                for (JsonNode out : details.path("outputs")) {
                    outputs.add(new StepOutput(
                            step,
                            out.path("key").asText(),
                            out.path("artifact_id").asText(),
                            out.path("size_bytes").asLong(),
                            out.path("mime").asText("application/octet-stream")));
                }
            }
        }
        Optional<Long> duration = detail.completedAt()
                .map(end -> Duration.between(detail.createdAt(), end).toMillis());
        return new RunReport(detail.runId(), detail.opId(), detail.state(), detail.error(), duration, steps, outputs);
    }

    boolean succeeded() {
        return state == RunState.COMPLETED;
    }

    /** The human form. */
    String human() {
        StringBuilder out = new StringBuilder();
        out.append("run ").append(runId).append(' ').append(word(state));
        durationMs.ifPresent(ms -> out.append(" in ").append(Progress.seconds(ms)));
        error.ifPresent(e -> out.append(": ").append(e));
        out.append('\n');
        int width = steps.stream().mapToInt(s -> s.stepId().length()).max().orElse(4);
        for (StepOutcome s : steps) {
            out.append("  ")
                    .append(Progress.symbol(s.state()))
                    .append(' ')
                    .append(Progress.pad(s.stepId(), width))
                    .append("  ")
                    .append(Progress.pad(Progress.word(s.state()), 9));
            s.durationMs().ifPresent(ms -> out.append("  ").append(Progress.seconds(ms)));
            if (s.attempt() > 1) {
                out.append("  attempt ").append(s.attempt());
            }
            s.exitCode().ifPresent(code -> out.append("  exit ").append(code));
            s.cache().ifPresent(c -> out.append("  cache ").append(c));
            if (s.state() != StepState.COMPLETED) {
                s.error().ifPresent(e -> out.append("  ").append(e));
            }
            out.append('\n');
        }
        if (!outputs.isEmpty()) {
            out.append("outputs:\n");
            int stepWidth =
                    outputs.stream().mapToInt(o -> o.stepId().length()).max().orElse(4);
            int keyWidth =
                    outputs.stream().mapToInt(o -> o.key().length()).max().orElse(4);
            for (StepOutput o : outputs) {
                out.append("  ")
                        .append(Progress.pad(o.stepId(), stepWidth))
                        .append("  ")
                        .append(Progress.pad(o.key(), keyWidth))
                        .append("  ")
                        .append(o.artifactId())
                        .append("  ")
                        .append(o.sizeBytes())
                        .append(" B\n");
            }
            out.append("fetch one with: cairn artifacts get ID -o FILE\n");
        }
        return out.toString();
    }

    private static String word(RunState state) {
        return switch (state) {
            case QUEUED -> "queued";
            case RUNNING -> "running";
            case COMPLETED -> "completed";
            case FAILED -> "failed";
            case TIMED_OUT -> "timed out";
        };
    }
}
