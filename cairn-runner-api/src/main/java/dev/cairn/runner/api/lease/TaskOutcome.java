package dev.cairn.runner.api.lease;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.wire.WireDefault;
import dev.cairn.json.wire.WireEnum;
import java.util.List;
import java.util.Objects;

/** How a task ended, as its runner reports it. */
@WireEnum
public sealed interface TaskOutcome {

    /**
     * The runner finished. For the {@code command} capability {@code result} is the step's
     * {@code StepResult} (a non-zero exit code is still {@code Succeeded}: the runner did its job;
     * the orchestrator decides what the exit code means).
     *
     * @param result the capability's result document
     * @param outputs artifacts stored during the task
     */
    record Succeeded(JsonNode result, @WireDefault List<OutputArtifact> outputs) implements TaskOutcome {
        public Succeeded {
            Objects.requireNonNull(result, "result");
            outputs = outputs == null ? List.of() : List.copyOf(outputs);
        }
    }

    /**
     * The runner could not do the task.
     *
     * @param code a stable snake_case code
     * @param message what went wrong (masked: never a secret)
     * @param retryable whether running the task again may succeed
     */
    record Failed(String code, String message, boolean retryable) implements TaskOutcome {
        public Failed {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    /** The runner stopped because the task was cancelled. */
    record Cancelled() implements TaskOutcome {}
}
