package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.machine.config.BackoffPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The request of a step state's {@code task} IO call: what to put on the queue. Built by the state
 * from its plan and the run's context, so it is the same whenever the same attempt is made again.
 *
 * @param stepId the step as users name it ({@code build}, {@code probe@eu})
 * @param capability the runner capability that executes it
 * @param labels the labels a runner must carry (with {@code region} for one region of a step)
 * @param meta the task's payload (the seed-000 {@code TaskSpec.meta}): a {@code CommandTask} for
 *     {@code command}, the runner's input for seed-003 runners
 * @param inputsCids the content ids of its inputs ({@code TaskSpec.inputs_cids})
 * @param timeout how long the task may run once granted
 * @param backoff the wait before a retry's task is offered
 * @param mode {@code pipeline} or {@code runners}, copied to {@code TaskSpec.mode}
 */
record TaskRequest(
        String stepId,
        String capability,
        SortedMap<String, String> labels,
        JsonNode meta,
        List<String> inputsCids,
        Duration timeout,
        BackoffPolicy backoff,
        String mode) {

    TaskRequest {
        Objects.requireNonNull(stepId, "step_id");
        Objects.requireNonNull(capability, "capability");
        labels = new TreeMap<>(Objects.requireNonNull(labels, "labels"));
        Objects.requireNonNull(meta, "meta");
        inputsCids = List.copyOf(inputsCids);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(mode, "mode");
    }
}
