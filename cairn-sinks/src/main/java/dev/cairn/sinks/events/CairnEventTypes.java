package dev.cairn.sinks.events;

import dev.cairn.sinks.events.EventType.Origin;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The catalogue of CloudEvent types Cairn emits, {@code dev.cairn.<thing>.<what>.v1}: one per
 * kernel event, per domain event the engine appends, and per domain event the orchestrator appends
 * for tasks, leases, cells and exports. docs/events.md lists the same entries (a test keeps them
 * in step).
 *
 * <p>The orchestrator's domain event names ({@code task_leased}, {@code cell_created}, …) are the
 * contract between the orchestrator, which appends them, and the sinks, which map them: they are
 * defined here, and the orchestrator uses these constants. A domain event that is not in the
 * catalogue (a state handler's own) becomes {@value #DOMAIN_EVENT}, with its name as the subject.
 */
public final class CairnEventTypes {

    /** The syntax every type follows. */
    public static final Pattern TYPE_SYNTAX =
            Pattern.compile("dev\\.cairn\\.[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*\\.v[1-9][0-9]*");

    // ------------------------------------------------------------------ kernel
    public static final String RUN_STARTED = "dev.cairn.run.started.v1";
    public static final String STATE_ENTERED = "dev.cairn.state.entered.v1";
    public static final String STATE_COMPLETED = "dev.cairn.state.completed.v1";
    public static final String STATE_FAILED = "dev.cairn.state.failed.v1";
    public static final String RUN_COMPLETED = "dev.cairn.run.completed.v1";

    // ------------------------------------------------------------------ engine domain events
    public static final String FACT_RECORDED = "dev.cairn.fact.recorded.v1";
    public static final String ARTIFACT_WRITTEN = "dev.cairn.artifact.written.v1";
    public static final String OP_BOUNDARY = "dev.cairn.op.boundary.v1";
    public static final String CHILD_RUN_SPAWNED = "dev.cairn.child_run.spawned.v1";
    public static final String CHILD_RUN_COMPLETED = "dev.cairn.child_run.completed.v1";
    public static final String STATE_SKIPPED = "dev.cairn.state.skipped.v1";
    public static final String STATE_RETRY_ALLOWED = "dev.cairn.state.retry_allowed.v1";
    public static final String STATE_RETRY_SCHEDULED = "dev.cairn.state.retry_scheduled.v1";
    public static final String STATE_CONTEXT_DIFF = "dev.cairn.state.context_diff.v1";
    public static final String REPLAY_STARTED = "dev.cairn.replay.started.v1";
    public static final String REPLAY_DIVERGED = "dev.cairn.replay.diverged.v1";

    // ------------------------------------------------------------------ orchestrator domain events
    public static final String TASK_QUEUED = "dev.cairn.task.queued.v1";
    public static final String TASK_LEASED = "dev.cairn.task.leased.v1";
    public static final String TASK_LEASE_EXPIRED = "dev.cairn.task.lease_expired.v1";
    public static final String TASK_COMPLETED = "dev.cairn.task.completed.v1";
    public static final String TASK_FAILED = "dev.cairn.task.failed.v1";
    public static final String TASK_CANCELLED = "dev.cairn.task.cancelled.v1";
    public static final String TASK_COMPLETION_REFUSED = "dev.cairn.task.completion_refused.v1";
    public static final String CACHE_DECIDED = "dev.cairn.cache.decided.v1";
    public static final String CELL_CREATED = "dev.cairn.cell.created.v1";
    public static final String CELL_STARTED = "dev.cairn.cell.started.v1";
    public static final String CELL_EXITED = "dev.cairn.cell.exited.v1";
    public static final String CELL_DESTROYED = "dev.cairn.cell.destroyed.v1";
    public static final String CELL_FAILED = "dev.cairn.cell.failed.v1";
    public static final String EXPORT_PUSHED = "dev.cairn.export.pushed.v1";
    public static final String EXPORT_FAILED = "dev.cairn.export.failed.v1";

    // ------------------------------------------------------------------ anything else
    /** A domain event outside the catalogue: data {@code {name, payload, payload_ref}}, subject the name. */
    public static final String DOMAIN_EVENT = "dev.cairn.domain.event.v1";

    /** Domain event names the orchestrator appends (the other half of the contract above). */
    public static final class Names {
        public static final String TASK_QUEUED = "task_queued";
        public static final String TASK_LEASED = "task_leased";
        public static final String TASK_LEASE_EXPIRED = "task_lease_expired";
        public static final String TASK_COMPLETED = "task_completed";
        public static final String TASK_FAILED = "task_failed";
        public static final String TASK_CANCELLED = "task_cancelled";
        public static final String TASK_COMPLETION_REFUSED = "task_completion_refused";
        public static final String CACHE_DECIDED = "cache_decided";
        public static final String CELL_CREATED = "cell_created";
        public static final String CELL_STARTED = "cell_started";
        public static final String CELL_EXITED = "cell_exited";
        public static final String CELL_DESTROYED = "cell_destroyed";
        public static final String CELL_FAILED = "cell_failed";
        public static final String EXPORT_PUSHED = "export_pushed";
        public static final String EXPORT_FAILED = "export_failed";

        private Names() {}
    }

    private static final List<EventType> ALL = List.of(
            kernel(RUN_STARTED, "RunStarted", null, "A run started: its operation, manifest and initial snapshot."),
            kernel(STATE_ENTERED, "StateEntered", "state_id", "An attempt of a state began, from a base snapshot."),
            kernel(STATE_COMPLETED, "StateCompleted", "state_id", "A state completed; its context snapshot."),
            kernel(STATE_FAILED, "StateFailed", "state_id", "An attempt of a state failed; the structured error."),
            kernel(RUN_COMPLETED, "RunCompleted", null, "The run ended: Completed, Failed or Cancelled. Always last."),
            engine(FACT_RECORDED, "fact_recorded", "key", "A live IO result was recorded as a fact (replay reads it)."),
            engine(ARTIFACT_WRITTEN, "artifact_written", "artifact_id", "An operation wrote an artifact."),
            engine(OP_BOUNDARY, "op_boundary", "op_path", "A nested operation started or completed."),
            engine(CHILD_RUN_SPAWNED, "child_run_spawned", "child_run_id", "A child run was spawned."),
            engine(CHILD_RUN_COMPLETED, "child_run_completed", "child_run_id", "A child run ended."),
            engine(STATE_SKIPPED, "state_skipped", "state_id", "A state was skipped for one of the run's skip tags."),
            engine(
                    STATE_RETRY_ALLOWED,
                    "operator_retry_allowed",
                    "state_id",
                    "An operator allowed an interrupted side effect without idempotency key to run again."),
            engine(
                    STATE_RETRY_SCHEDULED,
                    "state_retry_scheduled",
                    "state_id",
                    "A failed attempt will be retried after a delay (verbose profile)."),
            engine(
                    STATE_CONTEXT_DIFF,
                    "state_context_diff",
                    "state_id",
                    "The context keys an attempt wrote and deleted, names only (verbose profile)."),
            engine(REPLAY_STARTED, "replay_of", "original_run_id", "This run replays another run's facts."),
            engine(REPLAY_DIVERGED, "replay_diverged", "state_id", "A replayed state ended differently."),
            orchestrator(TASK_QUEUED, Names.TASK_QUEUED, "task_id", "A step became a task on its capability's queue."),
            orchestrator(TASK_LEASED, Names.TASK_LEASED, "task_id", "A runner node took the task under a lease."),
            orchestrator(
                    TASK_LEASE_EXPIRED,
                    Names.TASK_LEASE_EXPIRED,
                    "task_id",
                    "A lease expired without completion; the task is queued again or fails."),
            orchestrator(TASK_COMPLETED, Names.TASK_COMPLETED, "task_id", "The runner completed the task."),
            orchestrator(TASK_FAILED, Names.TASK_FAILED, "task_id", "The task failed on its runner."),
            orchestrator(TASK_CANCELLED, Names.TASK_CANCELLED, "task_id", "The task was cancelled."),
            orchestrator(
                    TASK_COMPLETION_REFUSED,
                    Names.TASK_COMPLETION_REFUSED,
                    "task_id",
                    "A completion or heartbeat for a stale lease epoch was refused (fencing)."),
            orchestrator(
                    CACHE_DECIDED,
                    Names.CACHE_DECIDED,
                    "step_id",
                    "The host decided a command step's cache: hit, miss or off, with the key."),
            orchestrator(CELL_CREATED, Names.CELL_CREATED, "cell_id", "An isolation cell was created for a task."),
            orchestrator(CELL_STARTED, Names.CELL_STARTED, "cell_id", "The cell's command started."),
            orchestrator(CELL_EXITED, Names.CELL_EXITED, "cell_id", "The cell's command exited; its exit code."),
            orchestrator(
                    CELL_DESTROYED, Names.CELL_DESTROYED, "cell_id", "The cell was torn down; its teardown report."),
            orchestrator(
                    CELL_FAILED,
                    Names.CELL_FAILED,
                    "cell_id",
                    "The cell's setup failed before its command ran; the reason (never a secret)."),
            orchestrator(EXPORT_PUSHED, Names.EXPORT_PUSHED, "name", "An artifact was exported; its receipt."),
            orchestrator(EXPORT_FAILED, Names.EXPORT_FAILED, "name", "An export failed or was refused; the error."),
            new EventType(
                    DOMAIN_EVENT,
                    Origin.OPERATION,
                    "*",
                    Optional.empty(),
                    "Any other domain event; subject: its name; data: {name, payload, payload_ref}."));

    private static final Map<String, EventType> BY_KERNEL_NAME = new HashMap<>();
    private static final Map<String, EventType> BY_DOMAIN_NAME = new HashMap<>();

    static {
        for (EventType entry : ALL) {
            switch (entry.origin()) {
                case KERNEL -> BY_KERNEL_NAME.put(entry.storedName(), entry);
                case ENGINE, ORCHESTRATOR -> BY_DOMAIN_NAME.put(entry.storedName(), entry);
                case OPERATION -> {}
            }
        }
    }

    private CairnEventTypes() {}

    /** Every entry, in the order of the documentation. */
    public static List<EventType> all() {
        return ALL;
    }

    /** The entry of a kernel event variant ({@code StateEntered}, …). */
    public static EventType kernel(String variant) {
        EventType entry = BY_KERNEL_NAME.get(variant);
        if (entry == null) {
            throw new IllegalArgumentException("no CloudEvent type for kernel event " + variant);
        }
        return entry;
    }

    /** The entry of a domain event name, or empty for names outside the catalogue. */
    public static Optional<EventType> domain(String name) {
        return Optional.ofNullable(BY_DOMAIN_NAME.get(name));
    }

    /** The catch-all entry for domain events outside the catalogue. */
    public static EventType other() {
        return ALL.getLast();
    }

    private static EventType kernel(String type, String variant, String subject, String description) {
        return new EventType(type, Origin.KERNEL, variant, Optional.ofNullable(subject), description);
    }

    private static EventType engine(String type, String name, String subject, String description) {
        return new EventType(type, Origin.ENGINE, name, Optional.ofNullable(subject), description);
    }

    private static EventType orchestrator(String type, String name, String subject, String description) {
        return new EventType(type, Origin.ORCHESTRATOR, name, Optional.ofNullable(subject), description);
    }
}
