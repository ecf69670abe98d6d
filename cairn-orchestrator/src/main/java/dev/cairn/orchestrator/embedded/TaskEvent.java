package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One lifecycle event of a task, carried in its {@link TaskResult} (a recorded fact) and appended to
 * the run's log by the step's state as a domain event named as in {@code
 * CairnEventTypes.Names} ({@code task_queued}, {@code task_leased}, {@code task_lease_expired},
 * {@code task_completion_refused}, {@code task_completed}, {@code task_failed}, {@code
 * task_cancelled}, {@code cell_created}, {@code cell_started}, {@code cell_exited}, {@code
 * cell_destroyed}), which the event relay delivers as {@code dev.cairn.task.*.v1} and {@code
 * dev.cairn.cell.*.v1} CloudEvents.
 *
 * @param name the domain event's name
 * @param payload its payload: {@code task_id}, {@code step_id}, {@code ts_millis} and what the move
 *     says (epoch, worker, code; a cell's fields as its runner reported them)
 */
record TaskEvent(String name, JsonNode payload) {
    TaskEvent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(payload, "payload");
    }
}
