package dev.cairn.orchestrator.embedded;

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
}
