package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.contracts.JobResult;
import dev.cairn.contracts.ResultCounts;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.RunStatus;
import dev.cairn.contracts.RunSummary;
import dev.cairn.contracts.RunnerResult;
import dev.cairn.contracts.RunnerStatus;
import dev.cairn.contracts.api.ExportView;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.RunListItem;
import dev.cairn.contracts.api.StepState;
import dev.cairn.contracts.api.StepView;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.orchestrator.embedded.RunIndex.RunInfo;
import dev.cairn.orchestrator.embedded.RunIndex.StepInfo;
import dev.cairn.orchestrator.embedded.TaskQueue.TaskInfo;
import dev.cairn.runner.api.lease.LogLine;
import dev.cairn.runner.api.lease.OutputArtifact;
import dev.cairn.runner.api.lease.TaskOutcome;
import dev.cairn.sinks.events.CairnEventTypes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds what users see of a run — seed 003's {@link RunStatus} and {@link RunSummary}, Cairn's
 * {@link RunDetail} and {@link RunListItem} — from the runs index, the run's tasks and its logs.
 *
 * <p>Seed 003 has no {@code cancelled} state: a cancelled run is {@link RunState#FAILED} there
 * (and in Cairn's views, which share {@link RunState}), with the error {@code cancelled}. A run's
 * jobs are its steps grouped by region (one job for the steps without one, {@code default}).
 */
final class Views {

    /** The log lines a step view carries. */
    static final int LOG_TAIL = 20;

    private Views() {}

    /** Everything known about one run at one moment. */
    record Snapshot(RunInfo run, List<StepInfo> steps, Map<String, TaskInfo> tasks, long now) {

        /** The latest task of a state, if it dispatched one. */
        Optional<TaskInfo> task(String stateId) {
            return Optional.ofNullable(tasks.get(stateId));
        }
    }

    static RunState state(String phase) {
        return switch (phase) {
            case RunProjection.ACCEPTED -> RunState.QUEUED;
            case RunProjection.RUNNING -> RunState.RUNNING;
            case RunProjection.COMPLETED -> RunState.COMPLETED;
            case RunProjection.TIMED_OUT -> RunState.TIMED_OUT;
            default -> RunState.FAILED;
        };
    }

    /** The phases a listing filtered by {@code state} shows. */
    static List<String> phases(RunState state) {
        return switch (state) {
            case QUEUED -> List.of(RunProjection.ACCEPTED);
            case RUNNING -> List.of(RunProjection.RUNNING);
            case COMPLETED -> List.of(RunProjection.COMPLETED);
            case FAILED -> List.of(RunProjection.FAILED, RunProjection.CANCELLED);
            case TIMED_OUT -> List.of(RunProjection.TIMED_OUT);
        };
    }

    // ------------------------------------------------------------------ seed 003

    static RunStatus status(Snapshot s) {
        List<JobResult> jobs = jobs(s);
        int completed = 0;
        int failed = 0;
        for (JobResult job : jobs) {
            if (job.state().terminal()) {
                completed++;
            }
            if (job.state() == RunState.FAILED || job.state() == RunState.TIMED_OUT) {
                failed++;
            }
        }
        return new RunStatus(
                s.run().runId(),
                state(s.run().phase()),
                jobs.size(),
                completed,
                failed,
                Instant.ofEpochMilli(s.run().createdAt()),
                Instant.ofEpochMilli(s.run().updatedAt()));
    }

    static RunSummary summary(Snapshot s) {
        List<JobResult> jobs = jobs(s);
        int total = 0;
        int passed = 0;
        int failed = 0;
        int errored = 0;
        for (JobResult job : jobs) {
            for (RunnerResult r : job.results()) {
                total++;
                switch (r.status()) {
                    case PASS -> passed++;
                    case FAIL -> failed++;
                    case ERROR -> errored++;
                }
            }
        }
        Optional<Instant> completedAt = s.run().completedAt().map(Instant::ofEpochMilli);
        return new RunSummary(
                s.run().runId(),
                state(s.run().phase()),
                jobs,
                new ResultCounts(total, passed, failed, errored),
                Instant.ofEpochMilli(s.run().createdAt()),
                completedAt,
                s.run().completedAt().map(end -> (double) (end - s.run().createdAt())));
    }

    private static List<JobResult> jobs(Snapshot s) {
        Map<Optional<String>, List<StepInfo>> byRegion = new LinkedHashMap<>();
        for (StepInfo step : s.steps()) {
            byRegion.computeIfAbsent(step.region(), k -> new ArrayList<>()).add(step);
        }
        List<JobResult> jobs = new ArrayList<>();
        for (Map.Entry<Optional<String>, List<StepInfo>> entry : byRegion.entrySet()) {
            jobs.add(job(s, entry.getKey(), entry.getValue()));
        }
        return jobs;
    }

    private static JobResult job(Snapshot s, Optional<String> region, List<StepInfo> steps) {
        List<RunnerResult> results = new ArrayList<>();
        boolean ended = true;
        boolean started = false;
        boolean failed = false;
        boolean cancelled = false;
        Optional<String> error = Optional.empty();
        Long first = null;
        Long last = null;
        for (StepInfo step : steps) {
            boolean stepEnded = stepEnded(step.status());
            ended &= stepEnded;
            started |= step.startedAt().isPresent();
            if (step.startedAt().isPresent()) {
                first = first == null
                        ? step.startedAt().get()
                        : Math.min(first, step.startedAt().get());
            }
            if (step.endedAt().isPresent()) {
                last = last == null
                        ? step.endedAt().get()
                        : Math.max(last, step.endedAt().get());
            }
            if (!stepEnded || step.startedAt().isEmpty()) {
                continue; // no outcome: still running, or never started (the run ended first)
            }
            RunnerResult result = result(s, step);
            results.add(result);
            if (result.status() != RunnerStatus.PASS) {
                failed = true;
                if (error.isEmpty()) {
                    error = Optional.of(step.stepId() + ": "
                            + result.errorMessage()
                                    .orElse(result.status().name().toLowerCase(java.util.Locale.ROOT)));
                }
            }
            cancelled |= step.status().equals(RunProjection.STEP_CANCELLED);
        }
        RunState state;
        if (ended) {
            if (cancelled && s.run().phase().equals(RunProjection.TIMED_OUT)) {
                state = RunState.TIMED_OUT;
            } else {
                state = failed ? RunState.FAILED : RunState.COMPLETED;
            }
        } else {
            state = started ? RunState.RUNNING : RunState.QUEUED;
        }
        Optional<Instant> startedAt = Optional.ofNullable(first).map(Instant::ofEpochMilli);
        Optional<Instant> completedAt = ended ? Optional.ofNullable(last).map(Instant::ofEpochMilli) : Optional.empty();
        Optional<Double> duration = startedAt.isPresent() && completedAt.isPresent()
                ? Optional.of((double)
                        (completedAt.get().toEpochMilli() - startedAt.get().toEpochMilli()))
                : Optional.empty();
        return new JobResult(region.orElse("default"), region, state, results, error, startedAt, completedAt, duration);
    }

    private static boolean stepEnded(String status) {
        return status.equals(RunProjection.STEP_COMPLETED)
                || status.equals(RunProjection.SKIPPED)
                || status.equals(RunProjection.STEP_FAILED)
                || status.equals(RunProjection.STEP_CANCELLED);
    }

    private static RunnerResult result(Snapshot s, StepInfo step) {
        Optional<TaskInfo> task = s.task(step.stateId());
        Optional<TaskOutcome> outcome = task.flatMap(Views::outcome);
        RunnerStatus status;
        if (step.verdict().isPresent()) {
            status = switch (step.verdict().get()) {
                case "fail" -> RunnerStatus.FAIL;
                case "error" -> RunnerStatus.ERROR;
                default -> RunnerStatus.PASS;
            };
        } else {
            status = switch (step.status()) {
                case RunProjection.STEP_COMPLETED, RunProjection.SKIPPED -> RunnerStatus.PASS;
                case RunProjection.STEP_FAILED ->
                    step.errorCode().filter("nonzero_exit"::equals).isPresent()
                            ? RunnerStatus.FAIL
                            : RunnerStatus.ERROR;
                default -> RunnerStatus.ERROR;
            };
        }
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("step_id", step.stepId());
        details.put("attempts", attempt(step, task));
        if (step.status().equals(RunProjection.SKIPPED)) {
            details.put("skipped", true);
        }
        if (outcome.isPresent() && outcome.get() instanceof TaskOutcome.Succeeded ok) {
            exitCode(ok).ifPresent(code -> details.put("exit_code", code));
            if (!ok.outputs().isEmpty()) {
                ArrayNode outputs = details.putArray("outputs");
                for (OutputArtifact o : ok.outputs()) {
                    outputs.add(Wire.toTree(o));
                }
            }
            if (step.verdict().isPresent()) {
                details.set("result", ok.result());
            }
        }
        if (outcome.isEmpty()
                && step.status().equals(RunProjection.STEP_COMPLETED)
                && step.cacheOutputs().isPresent()) {
            // A cache hit: no task ran; the entry's outputs were served.
            details.put("exit_code", 0);
            JsonNode served = Wire.read(step.cacheOutputs().get(), JsonNode.class);
            if (!served.isEmpty()) {
                details.set("outputs", served);
            }
        }
        Optional<String> message = status == RunnerStatus.PASS ? Optional.empty() : step.errorMessage();
        if (status != RunnerStatus.PASS && message.isEmpty()) {
            message = Optional.of(step.stepId() + " " + step.status());
        }
        Optional<Double> duration = duration(step).map(Long::doubleValue);
        return new RunnerResult(step.name(), status, Optional.of(details), message, duration);
    }

    // ------------------------------------------------------------------ Cairn's views

    static RunDetail detail(Snapshot s, Map<String, List<LogLine>> tails) {
        List<StepView> steps = new ArrayList<>();
        for (StepInfo step : s.steps()) {
            steps.add(step(s, step, tails.getOrDefault(step.stepId(), List.of())));
        }
        return new RunDetail(
                s.run().runId(),
                s.run().opId(),
                state(s.run().phase()),
                Instant.ofEpochMilli(s.run().createdAt()),
                Instant.ofEpochMilli(s.run().updatedAt()),
                s.run().completedAt().map(Instant::ofEpochMilli),
                s.run().error(),
                steps,
                s.run().headSeq(),
                exports(s.run().exports()));
    }

    private static final TypeReference<List<ExportView>> EXPORTS = new TypeReference<>() {};

    /** The export views a run's row keeps. */
    static List<ExportView> exports(String json) {
        try {
            return Wire.read(json, EXPORTS);
        } catch (JsonException e) {
            return List.of();
        }
    }

    /**
     * {@code exports} (a JSON array of {@link ExportView}) with the outcome of an {@code
     * export_pushed} or {@code export_failed} event appended.
     */
    static String appendExport(String exports, String event, JsonNode p) {
        List<ExportView> views = new ArrayList<>(exports(exports));
        Optional<String> target =
                p.path("target").isTextual() ? Optional.of(p.get("target").textValue()) : Optional.empty();
        if (event.equals(CairnEventTypes.Names.EXPORT_PUSHED)) {
            JsonNode r = p.path("receipt");
            views.add(new ExportView(
                    p.path("name").asText(),
                    p.path("step").asText(),
                    target,
                    "pushed",
                    text(r, "targetKind"),
                    text(r, "destination"),
                    r.path("bytesWritten").canConvertToExactIntegral()
                            ? Optional.of(r.get("bytesWritten").asLong())
                            : Optional.empty(),
                    text(r, "sha256"),
                    text(r, "exportedAt").flatMap(Views::instant),
                    Optional.empty(),
                    Optional.empty()));
        } else {
            views.add(new ExportView(
                    p.path("name").asText(),
                    p.path("step").asText(),
                    target,
                    "failed",
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    text(p, "code"),
                    text(p, "message")));
        }
        return Wire.write(views);
    }

    private static Optional<String> text(JsonNode node, String field) {
        return node.path(field).isTextual() ? Optional.of(node.get(field).textValue()) : Optional.empty();
    }

    private static Optional<Instant> instant(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static StepView step(Snapshot s, StepInfo step, List<LogLine> tail) {
        Optional<TaskInfo> task = s.task(step.stateId());
        StepState state =
                switch (step.status()) {
                    case RunProjection.PENDING -> StepState.PENDING;
                    case RunProjection.RETRYING -> StepState.RETRYING;
                    case RunProjection.STEP_COMPLETED -> StepState.COMPLETED;
                    case RunProjection.SKIPPED -> StepState.SKIPPED;
                    case RunProjection.STEP_FAILED -> StepState.FAILED;
                    case RunProjection.STEP_CANCELLED -> StepState.CANCELLED;
                    default -> entered(s, step, task);
                };
        Optional<JsonNode> progress = task.flatMap(t -> {
            try {
                return TaskQueue.progress(t);
            } catch (JsonException e) {
                return Optional.empty();
            }
        });
        Optional<Long> total = progress.map(p -> p.path("total"))
                .filter(JsonNode::canConvertToExactIntegral)
                .map(JsonNode::asLong);
        boolean hit = step.cache().filter(CacheCall.HIT::equals).isPresent();
        Optional<Integer> exitCode = hit
                ? Optional.of(0)
                : task.flatMap(Views::outcome)
                        .filter(o -> o instanceof TaskOutcome.Succeeded)
                        .flatMap(o -> exitCode((TaskOutcome.Succeeded) o));
        Optional<Long> ended = ended(step, task);
        Optional<Long> duration = step.startedAt().isPresent() && ended.isPresent()
                ? Optional.of(Math.max(0, ended.get() - step.startedAt().get()))
                : Optional.empty();
        return new StepView(
                step.stepId(),
                state,
                attempt(step, task),
                step.region(),
                step.startedAt().map(Instant::ofEpochMilli),
                ended.map(Instant::ofEpochMilli),
                duration,
                progress,
                total,
                exitCode,
                step.cache(),
                step.errorMessage(),
                tail,
                step.cacheKey());
    }

    /**
     * The step's current or last attempt, 1-based (0 before the first): the kernel's attempt of the
     * state, plus one for each re-grant of its current task after a lease expired (the step ran
     * again). Re-grants of an earlier attempt's task (one that then failed) are not counted.
     */
    static int attempt(StepInfo step, Optional<TaskInfo> task) {
        if (step.attempt() < 0) {
            return 0;
        }
        // the task of this attempt: dispatched for it, or (re-entered after a crash) for its failures
        long regrants = task.filter(t -> t.stateAttempt() == step.attempt() || t.failures() == step.failures())
                .map(t -> Math.max(0, t.attempts() - 1))
                .orElse(0L);
        return (int) Math.min(Integer.MAX_VALUE, step.attempt() + 1 + regrants);
    }

    /**
     * A step whose attempt was entered, by its task: queued, waiting for its retry's backoff,
     * running, or — once its task has ended, before the kernel records the attempt's end (which
     * waits for the other states of its wave) — completed or failed as its task says.
     */
    private static StepState entered(Snapshot s, StepInfo step, Optional<TaskInfo> task) {
        if (task.isEmpty() || task.get().failures() < step.failures()) {
            return StepState.QUEUED;
        }
        return switch (task.get().status()) {
            case QUEUED -> task.get().availableAt() > s.now() ? StepState.RETRYING : StepState.QUEUED;
            case LEASED -> StepState.RUNNING;
            case SUCCEEDED ->
                outcome(task.get())
                                .filter(o -> o instanceof TaskOutcome.Succeeded ok
                                        && exitCode(ok).orElse(0) == 0)
                                .isPresent()
                        ? StepState.COMPLETED
                        : StepState.FAILED;
            case FAILED -> StepState.FAILED;
            case CANCELLED -> StepState.CANCELLED;
        };
    }

    /** When the step ended: the kernel's record, or its current task's end while that is not recorded yet. */
    private static Optional<Long> ended(StepInfo step, Optional<TaskInfo> task) {
        if (step.endedAt().isPresent() || !step.status().equals(RunProjection.ENTERED)) {
            return step.endedAt();
        }
        return task.filter(t -> t.failures() >= step.failures()).flatMap(TaskInfo::endedAt);
    }

    static RunListItem item(RunInfo run, int total, int completed, int failed) {
        return new RunListItem(
                run.runId(),
                run.opId(),
                state(run.phase()),
                Instant.ofEpochMilli(run.createdAt()),
                Instant.ofEpochMilli(run.updatedAt()),
                run.completedAt().map(Instant::ofEpochMilli),
                total,
                completed,
                failed);
    }

    // ------------------------------------------------------------------ helpers

    private static Optional<Long> duration(StepInfo step) {
        if (step.startedAt().isPresent() && step.endedAt().isPresent()) {
            return Optional.of(
                    Math.max(0, step.endedAt().get() - step.startedAt().get()));
        }
        return Optional.empty();
    }

    static Optional<TaskOutcome> outcome(TaskInfo task) {
        try {
            return task.outcome().map(o -> Wire.read(o, TaskOutcome.class));
        } catch (JsonException e) {
            return Optional.empty();
        }
    }

    private static Optional<Integer> exitCode(TaskOutcome.Succeeded ok) {
        JsonNode code = ok.result().path("exit_code");
        return code.canConvertToInt() && code.isIntegralNumber() ? Optional.of(code.asInt()) : Optional.empty();
    }
}
