package dev.cairn.executor.protocol;

import dev.cairn.json.wire.WireDefault;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Cairn addition: what the orchestrator asks of the {@code command} capability, carried as the
 * {@code meta} of the task's seed-000 {@code TaskSpec}. The runner materializes {@code inputs}
 * in a fresh workspace, runs {@code step} there, captures the files matching {@code
 * step.outputs}, and completes the task with the {@link StepResult} as its result.
 *
 * @param runId the run (a UUID string)
 * @param stepId the pipeline step ({@code build}, or {@code build@eu} for one region of a step)
 * @param step the command
 * @param inputs files to place in the workspace first; paths are unique
 */
public record CommandTask(String runId, String stepId, CommandStep step, @WireDefault List<InputFile> inputs) {

    public CommandTask {
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(stepId, "step_id");
        Objects.requireNonNull(step, "step");
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        Set<String> seen = new HashSet<>();
        for (InputFile file : inputs) {
            if (!seen.add(file.path())) {
                throw ExecutorProtocolException.invalidPath("inputs", file.path(), "is listed twice");
            }
        }
    }

    /** The region of a multi-region step, from its step id. */
    public Optional<String> region() {
        int at = stepId.indexOf('@');
        return at < 0 ? Optional.empty() : Optional.of(stepId.substring(at + 1));
    }
}
