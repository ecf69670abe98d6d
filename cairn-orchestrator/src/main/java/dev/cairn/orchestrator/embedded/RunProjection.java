package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.events.RunStatus;
import dev.cairn.machine.runtime.EngineEvents;
import dev.cairn.sinks.events.CairnEventTypes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The runs index as a fold over a run's events: what {@code runs} and {@code steps} say about a run
 * is a function of the row written when it was accepted and the events appended since. {@link
 * ProjectingEventStore} applies it inside the transaction of every append; {@link #fold} is the same
 * function over rows in memory, which a test uses to check the tables against the log.
 */
final class RunProjection {

    /** Phases of a run, as stored. */
    static final String ACCEPTED = "accepted";

    static final String RUNNING = "running";
    static final String COMPLETED = "completed";
    static final String FAILED = "failed";
    static final String CANCELLED = "cancelled";
    static final String TIMED_OUT = "timed_out";

    /** Statuses of a step, as stored. */
    static final String PENDING = "pending";

    static final String ENTERED = "entered";
    static final String RETRYING = "retrying";
    static final String STEP_COMPLETED = "completed";
    static final String SKIPPED = "skipped";
    static final String STEP_FAILED = "failed";
    static final String STEP_CANCELLED = "cancelled";

    private RunProjection() {}

    /** Whether a stored phase is terminal. */
    static boolean terminal(String phase) {
        return phase.equals(COMPLETED) || phase.equals(FAILED) || phase.equals(CANCELLED) || phase.equals(TIMED_OUT);
    }

    /** The projected part of a {@code runs} row, mutable while a fold runs. */
    static final class RunRow {
        final String runId;
        String kind;
        String opId;
        String phase;
        long createdAt;
        long updatedAt;
        Long completedAt;
        long headSeq;
        String replayOf;
        String error;
        String exports = "[]";
        boolean timeoutRequested;
        /** Not projected: the priority the run was accepted with, which its tasks inherit. */
        long priority;

        RunRow(String runId, String kind, String opId, String phase, long createdAt, boolean timeoutRequested) {
            this.runId = runId;
            this.kind = kind;
            this.opId = opId;
            this.phase = phase;
            this.createdAt = createdAt;
            this.updatedAt = createdAt;
            this.timeoutRequested = timeoutRequested;
        }

        /** The projected columns, for comparison. */
        Projected projected() {
            return new Projected(kind, opId, phase, updatedAt, completedAt, headSeq, replayOf, error, exports);
        }

        record Projected(
                String kind,
                String opId,
                String phase,
                long updatedAt,
                Long completedAt,
                long headSeq,
                String replayOf,
                String error,
                String exports) {}
    }

    /** The projected part of a {@code steps} row. */
    static final class StepRow {
        final String stateId;
        final String stepId;
        final String name;
        final String region;
        final int position;
        String status = PENDING;
        int attempt = -1;
        int failures;
        Long startedAt;
        Long endedAt;
        String errorCode;
        String errorMessage;
        String verdict;
        String cache;
        String cacheKey;
        String cacheOutputs;
        boolean dirty;
        boolean inserted;

        StepRow(String stateId, String stepId, String name, String region, int position) {
            this.stateId = stateId;
            this.stepId = stepId;
            this.name = name;
            this.region = region;
            this.position = position;
        }

        Projected projected() {
            return new Projected(
                    stateId,
                    stepId,
                    status,
                    attempt,
                    failures,
                    startedAt,
                    endedAt,
                    errorCode,
                    errorMessage,
                    verdict,
                    cache,
                    cacheKey,
                    cacheOutputs);
        }

        record Projected(
                String stateId,
                String stepId,
                String status,
                int attempt,
                int failures,
                Long startedAt,
                Long endedAt,
                String errorCode,
                String errorMessage,
                String verdict,
                String cache,
                String cacheKey,
                String cacheOutputs) {}
    }

    /** Where a fold finds the steps it changes. */
    interface Steps {

        /** The step of {@code stateId}, created (from the state id alone) when the run has none. */
        StepRow step(String stateId);

        /** Every step that has not ended. */
        List<StepRow> unfinished();

        /** Every step, in plan order. */
        List<StepRow> all();

        /** Adds the steps of {@code originalRunId} this run does not have (a replay's). */
        void copyFrom(String originalRunId);
    }

    /** What the fold saw that needs more than the two tables. */
    record Effects(boolean runEnded) {}

    /** Folds {@code events} (consecutive, after {@code run.headSeq}) into {@code run} and its steps. */
    static Effects fold(RunRow run, Steps steps, List<EventEnvelope> events) {
        boolean ended = false;
        for (EventEnvelope envelope : events) {
            long ts = envelope.tsMillis().orElse(run.updatedAt);
            run.headSeq = envelope.seq();
            run.updatedAt = ts;
            switch (envelope.event()) {
                case Event.Kernel k -> ended |= kernel(run, steps, k.event(), ts);
                case Event.Domain d -> domain(run, steps, d.event(), ts);
            }
        }
        return new Effects(ended);
    }

    private static boolean kernel(RunRow run, Steps steps, KernelEvent event, long ts) {
        switch (event) {
            case KernelEvent.RunStarted started -> {
                run.opId = started.opId().value();
                if (run.phase.equals(ACCEPTED)) {
                    run.phase = RUNNING;
                }
            }
            case KernelEvent.StateEntered entered -> {
                StepRow s = touch(steps.step(entered.stateId().value()));
                s.status = ENTERED;
                s.attempt = entered.attempt();
                s.startedAt = ts;
                s.endedAt = null;
                s.errorCode = null;
                s.errorMessage = null;
            }
            case KernelEvent.StateCompleted completed -> {
                StepRow s = touch(steps.step(completed.stateId().value()));
                if (!s.status.equals(SKIPPED)) {
                    s.status = STEP_COMPLETED;
                }
                s.endedAt = ts;
            }
            case KernelEvent.StateFailed failed -> {
                StepRow s = touch(steps.step(failed.stateId().value()));
                s.failures++;
                s.endedAt = ts;
                s.errorCode = failed.error().info().code().value();
                s.errorMessage = failed.error().info().message();
                if (s.errorCode.equals("cancelled")) {
                    s.status = STEP_CANCELLED;
                } else if (failed.error().info().retryable()) {
                    s.status = RETRYING;
                } else {
                    s.status = STEP_FAILED;
                    if (run.error == null) {
                        run.error = "step `" + s.stepId + "` failed: " + s.errorMessage;
                    }
                }
            }
            case KernelEvent.RunCompleted completed -> {
                run.completedAt = ts;
                run.phase = switch (completed.status()) {
                    case COMPLETED -> COMPLETED;
                    case FAILED -> FAILED;
                    case CANCELLED -> run.timeoutRequested ? TIMED_OUT : CANCELLED;
                };
                for (StepRow s : steps.unfinished()) {
                    touch(s);
                    s.status = s.status.equals(RETRYING) && completed.status() != RunStatus.CANCELLED
                            ? STEP_FAILED
                            : STEP_CANCELLED;
                    if (s.startedAt != null && s.endedAt == null) {
                        s.endedAt = ts;
                    }
                }
                if (run.phase.equals(COMPLETED)) {
                    Optional<StepRow> bad = steps.all().stream()
                            .filter(s -> "fail".equals(s.verdict) || "error".equals(s.verdict))
                            .min(Comparator.comparingInt(s -> s.position));
                    if (bad.isPresent()) {
                        run.phase = FAILED;
                        run.error = "runner `" + bad.get().stepId + "` reported " + bad.get().verdict
                                + (bad.get().errorMessage == null ? "" : ": " + bad.get().errorMessage);
                    }
                } else if (run.phase.equals(CANCELLED)) {
                    run.error = "cancelled";
                } else if (run.phase.equals(TIMED_OUT)) {
                    run.error = "the run's timeout passed";
                } else if (run.error == null) {
                    run.error = "the run failed";
                }
                return true;
            }
        }
        return false;
    }

    private static void domain(RunRow run, Steps steps, DomainEvent event, long ts) {
        JsonNode payload = event.payload();
        switch (event.name()) {
            case EngineEvents.STATE_SKIPPED -> {
                StepRow s = touch(steps.step(payload.path("state_id").asText()));
                s.status = SKIPPED;
            }
            case EngineEvents.REPLAY_OF -> {
                run.kind = "replay";
                run.replayOf = payload.path("original_run_id").asText();
                steps.copyFrom(run.replayOf);
            }
            case CairnEventTypes.Names.EXPORT_PUSHED, CairnEventTypes.Names.EXPORT_FAILED ->
                run.exports = Views.appendExport(run.exports, event.name(), payload);
            case CacheCall.EVENT -> {
                StepRow s = touch(steps.step(payload.path("state_id").asText()));
                s.cache = payload.path("cache").asText();
                s.cacheKey =
                        payload.path("key").isTextual() ? payload.get("key").textValue() : null;
                s.cacheOutputs = payload.path("outputs").isArray()
                        ? payload.get("outputs").toString()
                        : null;
            }
            case StepState.RUNNER_RESULT -> {
                StepRow s = touch(steps.step(payload.path("state_id").asText()));
                s.verdict = payload.path("status").asText();
                s.errorMessage = payload.path("message").isTextual()
                        ? payload.get("message").textValue()
                        : null;
            }
            default -> {}
        }
    }

    private static StepRow touch(StepRow s) {
        s.dirty = true;
        return s;
    }

    /**
     * The step a state id names when the run's plan did not list it (a run started by someone else):
     * {@code <op>.<step>.main} is {@code step}, {@code <op>.<step>.r_<region>} is {@code
     * step@region} (with {@code _} back to {@code -}).
     */
    static StepRow derived(String stateId, int position) {
        String[] parts = stateId.split("\\.", -1);
        String step = parts.length == 3 ? parts[1] : stateId;
        String local = parts.length == 3 ? parts[2] : "main";
        String region = local.startsWith("r_") ? local.substring(2).replace('_', '-') : null;
        return new StepRow(stateId, region == null ? step : step + "@" + region, step, region, position);
    }

    /** An in-memory {@link Steps}, for folds outside the database. */
    static final class MemorySteps implements Steps {
        private final List<StepRow> rows = new ArrayList<>();

        MemorySteps(List<StepRow> initial) {
            rows.addAll(initial);
        }

        @Override
        public StepRow step(String stateId) {
            for (StepRow row : rows) {
                if (row.stateId.equals(stateId)) {
                    return row;
                }
            }
            StepRow row = derived(stateId, rows.size());
            rows.add(row);
            return row;
        }

        @Override
        public List<StepRow> unfinished() {
            return rows.stream()
                    .filter(r -> r.status.equals(PENDING) || r.status.equals(ENTERED) || r.status.equals(RETRYING))
                    .toList();
        }

        @Override
        public List<StepRow> all() {
            return List.copyOf(rows);
        }

        @Override
        public void copyFrom(String originalRunId) {
            Objects.requireNonNull(originalRunId, "original_run_id");
        }
    }
}
