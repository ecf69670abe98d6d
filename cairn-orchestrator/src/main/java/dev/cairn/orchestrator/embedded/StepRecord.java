package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.wire.WireDefault;
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
 * @param snapshot the id of the workspace tree the step left ({@code command} steps whose runner
 *     reported one, and cache hits): what a step that {@code continues} this one starts from
 * @param cache the cache decision of a {@code command} step: {@code hit}, {@code miss} or {@code off}
 */
record StepRecord(
        String stepId,
        String capability,
        Optional<Integer> exitCode,
        List<OutputArtifact> outputs,
        JsonNode result,
        @WireDefault Optional<String> snapshot,
        @WireDefault Optional<String> cache) {

    StepRecord(
            String stepId,
            String capability,
            Optional<Integer> exitCode,
            List<OutputArtifact> outputs,
            JsonNode result) {
        this(stepId, capability, exitCode, outputs, result, Optional.empty(), Optional.empty());
    }

    /** The context key prefix of step records. */
    static final String KEY_PREFIX = "step:";

    StepRecord {
        Objects.requireNonNull(stepId, "step_id");
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(exitCode, "exit_code");
        outputs = List.copyOf(outputs);
        Objects.requireNonNull(result, "result");
        snapshot = snapshot == null ? Optional.empty() : snapshot;
        cache = cache == null ? Optional.empty() : cache;
    }

    static String key(String stepId) {
        return KEY_PREFIX + stepId;
    }
}
