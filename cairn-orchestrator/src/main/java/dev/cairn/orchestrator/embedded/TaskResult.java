package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.wire.Wire;
import dev.cairn.json.wire.WireDefault;
import dev.cairn.runner.api.lease.TaskOutcome;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The response of a {@code task} IO call, recorded as a fact: which task ran the dispatch and how
 * it ended. Outcomes the orchestrator decides itself are {@link TaskOutcome.Failed} with the codes
 * {@value #STEP_TIMEOUT} and {@value #LEASE_EXPIRED}.
 *
 * @param taskId the task
 * @param failures how many attempts of the state had failed before this dispatch (the task's
 *     generation): what retry decisions count
 * @param epoch the lease epoch whose holder reported the outcome (0 when none did)
 * @param workerId that holder
 * @param outcome how the task ended
 * @param history the task's lifecycle, in order ({@link TaskEvent}); empty in results recorded before it existed
 */
record TaskResult(
        UUID taskId,
        int failures,
        long epoch,
        Optional<String> workerId,
        TaskOutcome outcome,
        @WireDefault List<TaskEvent> history) {

    /** A result without lifecycle history. */
    TaskResult(UUID taskId, int failures, long epoch, Optional<String> workerId, TaskOutcome outcome) {
        this(taskId, failures, epoch, workerId, outcome, List.of());
    }

    /** The task ran longer than its step's timeout (plus the grace) after it was granted. */
    static final String STEP_TIMEOUT = "step_timeout";

    /** Every lease of the task expired without a completion ({@code max_attempts} grants). */
    static final String LEASE_EXPIRED = "lease_expired";

    TaskResult {
        Objects.requireNonNull(taskId, "task_id");
        Objects.requireNonNull(workerId, "worker_id");
        Objects.requireNonNull(outcome, "outcome");
        history = history == null ? List.of() : List.copyOf(history);
    }

    /**
     * {@code Wire.toTree(this)}, built directly: the transport answers every task call with it, and the
     * codec's walk of the records (and its copy of the runner's result and of every history payload,
     * which this tree shares) was the larger part of answering. {@code TaskCallsTest} holds it to
     * {@code Wire.toTree} over random results, tree and canonical bytes.
     */
    JsonNode tree() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode out = f.objectNode();
        out.put("task_id", taskId.toString());
        out.put("failures", failures);
        out.put("epoch", epoch);
        if (workerId.isPresent()) {
            out.put("worker_id", workerId.get());
        } else {
            out.putNull("worker_id");
        }
        if (outcome instanceof TaskOutcome.Succeeded s) {
            ObjectNode succeeded = out.putObject("outcome").putObject("Succeeded");
            succeeded.set("result", s.result());
            succeeded.set("outputs", WireTrees.outputs(s.outputs()));
        } else {
            out.set("outcome", Wire.toTree(outcome));
        }
        ArrayNode events = out.putArray("history");
        for (TaskEvent event : history) {
            events.addObject().put("name", event.name()).set("payload", event.payload());
        }
        return out;
    }
}
