package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.runner.api.lease.OutputArtifact;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a completed step leaves in the run's context, under {@code step:<step id>}: its exit code,
 * the artifacts it captured (which later steps take as inputs) and its runner's result. Written by
 * the step's state, so it is part of the context snapshots that replay verifies.
 *
 * @param stepId the step ({@code build}, {@code probe@eu})
 * @param capability the capability that ran it
 * @param exitCode the command's exit code ({@code command} steps)
 * @param outputs the captured artifacts, by workspace-relative path
 * @param result the runner's result document
 */
record StepRecord(
        String stepId, String capability, Optional<Integer> exitCode, List<OutputArtifact> outputs, JsonNode result) {

    /** The context key prefix of step records. */
    static final String KEY_PREFIX = "step:";

    StepRecord {
        Objects.requireNonNull(stepId, "step_id");
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(exitCode, "exit_code");
        outputs = List.copyOf(outputs);
        Objects.requireNonNull(result, "result");
    }

    static String key(String stepId) {
        return KEY_PREFIX + stepId;
    }
}
