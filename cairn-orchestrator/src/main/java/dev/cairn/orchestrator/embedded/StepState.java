package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.executor.protocol.ArtifactRef;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.CommandTask;
import dev.cairn.executor.protocol.InputFile;
import dev.cairn.executor.protocol.SnapshotRef;
import dev.cairn.executor.protocol.StepResult;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.context.DynContext;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.MachineException;
import dev.cairn.machine.errors.StateError;
import dev.cairn.machine.errors.StateException;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.ids.ContextKey;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.io.IoProvider;
import dev.cairn.machine.io.IoResult;
import dev.cairn.machine.meta.StateMeta;
import dev.cairn.machine.recorder.EventRecorder;
import dev.cairn.machine.runtime.AttemptInfo;
import dev.cairn.machine.runtime.StateContext;
import dev.cairn.machine.runtime.io.AttemptFactKeys;
import dev.cairn.machine.state.SnapshotPolicy;
import dev.cairn.machine.state.State;
import dev.cairn.machine.state.StateOutcome;
import dev.cairn.runner.api.lease.OutputArtifact;
import dev.cairn.runner.api.lease.TaskOutcome;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.cache.SnapshotRefs;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The kernel state of one step (one region of a step): dispatches the step's task through a
 * {@code task} IO call with a fact key, so the task's result is recorded as a fact and a replay
 * reads it instead of dispatching again; then records the step in the context ({@link
 * StepRecord}) or fails the attempt.
 *
 * <p>The fact keys of an attempt's calls carry its token ({@link #attemptToken}): {@code attempt-N},
 * N being the attempt its derived fact keys carry ({@link AttemptInfo#factAttempt}). Each live
 * attempt (a retry, a re-run after a crash) so gets keys of its own, and a replay, which reproduces
 * the original's final attempt under that attempt's number, finds that attempt's results. Runs
 * recorded by a Cairn before this drew the token as a recorded random nonce; their attempts read
 * it back, so they still replay.
 *
 * <p>Retries are the step's: an attempt fails retryable only when its outcome may pass on a retry
 * (a non-zero exit, a timeout, an expired lease, a retryable runner failure) and the step's policy
 * permits another attempt after the failures so far ({@link TaskResult#failures()}); a side effect
 * without an idempotency key is never retried. The run-level policy defers to this ({@link
 * Planner#KERNEL_RETRY}). Every other failure is not retryable. Seed-003 runner states never fail
 * for their runner's outcome: it is recorded ({@value #RUNNER_RESULT} event) and the run goes on.
 */
final class StepState implements State {

    /** The IO namespace of task dispatch. */
    static final String NAMESPACE = "task";

    /** The domain event a seed-003 runner state emits with its runner's verdict. */
    static final String RUNNER_RESULT = "runner_result";

    /** How much longer than the step's timeout the pins of an attempt last at most. */
    static final Duration PIN_SLACK = Duration.ofHours(1);

    private final StepPlan plan;

    StepState(StepPlan plan) {
        this.plan = Objects.requireNonNull(plan, "plan");
    }

    StepPlan plan() {
        return plan;
    }

    @Override
    public StateMeta meta() {
        return plan.meta();
    }

    @Override
    public StateOutcome handle(DynContext ctx, IoProvider io, EventRecorder rec) {
        AttemptInfo attempt = StateContext.from(ctx).attempt();
        String runId = attempt.runId().toString();
        List<InputFile> inputs = resolveInputs(ctx);
        String token = attemptToken(io, attempt);
        if (plan.payload() instanceof StepPlan.Payload.Command command) {
            return command(ctx, io, rec, runId, inputs, token, command);
        }
        TaskResult result = dispatch(io, request(runId, inputs, Optional.empty()), token);
        history(rec, result);
        switch (result.outcome()) {
            case TaskOutcome.Succeeded s -> succeeded(ctx, rec, result, s);
            case TaskOutcome.Failed f -> {
                if (runnerMode()) {
                    verdict(rec, "error", Optional.of(f.code() + ": " + f.message()));
                    record(ctx, Optional.empty(), List.of(), Wire.toTree(f));
                } else {
                    throw fail(f.code(), f.message(), f.retryable() && mayRetry(result.failures()));
                }
            }
            case TaskOutcome.Cancelled c ->
                throw fail("task_cancelled", "the task of step `" + plan.stepId() + "` was cancelled", false);
        }
        return new StateOutcome(SnapshotPolicy.ON_SUCCESS);
    }

    /**
     * What makes the fact keys of an attempt's calls its own: {@code attempt-N} for the attempt
     * whose derived fact keys carry N. An attempt recorded by a Cairn before this one drew a 16-byte
     * nonce through {@link IoProvider#randomBytes} instead (a recorded fact, the attempt's first
     * random draw); when that fact is recorded, the nonce is read back (in a replay, from it), so
     * the keys are the recorded ones. A live attempt never finds it: its number is new to the run.
     */
    static String attemptToken(IoProvider io, AttemptInfo attempt) {
        FactKey legacyNonce =
                AttemptFactKeys.of(AttemptFactKeys.RANDOM_BYTES, attempt.stateId(), attempt.factAttempt(), 0);
        if (io.getRecordedFact(legacyNonce).isPresent()) {
            return HexFormat.of().formatHex(io.randomBytes(16));
        }
        return "attempt-" + attempt.factAttempt();
    }

    /**
     * A {@code command} step: the host's cache decision (a recorded {@code cache} call), then either
     * the hit served from the entry without a task, or the task with the decision, the chain's
     * parent and the declared secrets; a successful miss's snapshot is committed under its key.
     */
    private StateOutcome command(
            DynContext ctx,
            IoProvider io,
            EventRecorder rec,
            String runId,
            List<InputFile> inputs,
            String token,
            StepPlan.Payload.Command command) {
        Optional<String> parent = parentTree(ctx, command);
        String owner = "run/" + runId + "/state/" + plan.stateId().value() + "/" + token;
        CacheCall.Decision decision = cacheCall(
                io,
                "decide",
                token,
                new CacheCall.Request.Decide(
                        plan.stepId(),
                        command.step(),
                        inputs,
                        parent,
                        command.cacheable(),
                        command.secrets(),
                        owner,
                        plan.timeout().plus(PIN_SLACK)),
                CacheCall.Decision.class);
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("state_id", plan.stateId().value());
        event.put("step_id", plan.stepId());
        event.put("cache", decision.cache());
        decision.key().ifPresent(k -> event.put("key", k));
        decision.reason().ifPresent(r -> event.put("reason", r));
        parent.ifPresent(p -> event.put("parent_snapshot", SnapshotRefs.TREE_PREFIX + p));
        if (decision.hit()) {
            event.set("outputs", Wire.toTree(decision.outputs()));
        }
        rec.emit(DomainEvent.of(CacheCall.EVENT, event));
        if (decision.hit()) {
            StepResult served = new StepResult(
                    0,
                    Optional.empty(),
                    decision.outputs().stream()
                            .map(o -> new ArtifactRef(o.key(), o.mime(), o.sizeBytes()))
                            .toList());
            cacheCall(
                    io,
                    "finish",
                    token,
                    new CacheCall.Request.Finish(owner, Optional.empty()),
                    CacheCall.Finished.class);
            ctx.write(
                    new ContextKey(StepRecord.key(plan.stepId())),
                    Wire.toTree(new StepRecord(
                            plan.stepId(),
                            plan.capability(),
                            Optional.of(0),
                            decision.outputs(),
                            Wire.toTree(served),
                            decision.snapshot(),
                            Optional.of(decision.cache()))));
            return new StateOutcome(SnapshotPolicy.ON_SUCCESS);
        }
        CommandTask task = new CommandTask(
                runId,
                plan.stepId(),
                command.step(),
                inputs,
                decision.protocol(),
                decision.key(),
                Optional.empty(),
                parent.map(p -> SnapshotRefs.treeRef(new TreeId(p))),
                command.secrets());
        TaskResult result = dispatch(io, request(runId, inputs, Optional.of(Wire.toTree(task))), token);
        history(rec, result);
        switch (result.outcome()) {
            case TaskOutcome.Succeeded s -> {
                StepResult stepResult = stepResult(s);
                if (!stepResult.succeeded()) {
                    release(io, token, owner);
                    throw fail(
                            "nonzero_exit",
                            "step `" + plan.stepId() + "` exited with status " + stepResult.exitCode(),
                            mayRetry(result.failures()));
                }
                Optional<String> tree = stepResult.committedSnapshot().flatMap(StepState::treeOf);
                Optional<CacheCall.Commit> commit = Optional.empty();
                if (decision.cache().equals(CacheCall.MISS) && tree.isPresent()) {
                    commit = Optional.of(new CacheCall.Commit(
                            decision.key().orElseThrow(),
                            tree.get(),
                            s.outputs(),
                            decision.preimage().orElseThrow(),
                            "run/" + runId + "/step/" + plan.stepId()));
                }
                cacheCall(io, "finish", token, new CacheCall.Request.Finish(owner, commit), CacheCall.Finished.class);
                ctx.write(
                        new ContextKey(StepRecord.key(plan.stepId())),
                        Wire.toTree(new StepRecord(
                                plan.stepId(),
                                plan.capability(),
                                Optional.of(stepResult.exitCode()),
                                s.outputs(),
                                s.result(),
                                tree,
                                Optional.of(decision.cache()))));
            }
            case TaskOutcome.Failed f -> {
                release(io, token, owner);
                throw fail(f.code(), f.message(), f.retryable() && mayRetry(result.failures()));
            }
            case TaskOutcome.Cancelled c ->
                // No cache call here: the run is being cancelled, and its end must not wait for one.
                // The attempt's pins expire on their own (the step's timeout plus PIN_SLACK).
                throw fail("task_cancelled", "the task of step `" + plan.stepId() + "` was cancelled", false);
        }
        return new StateOutcome(SnapshotPolicy.ON_SUCCESS);
    }

    private void release(IoProvider io, String token, String owner) {
        cacheCall(io, "finish", token, new CacheCall.Request.Finish(owner, Optional.empty()), CacheCall.Finished.class);
    }

    /** The tree id of a {@code tree:<id>} snapshot reference; empty for any other form. */
    private static Optional<String> treeOf(SnapshotRef ref) {
        String value = ref.value();
        if (value.startsWith(SnapshotRefs.TREE_PREFIX)
                && ArtifactIds.isValid(value.substring(SnapshotRefs.TREE_PREFIX.length()))) {
            return Optional.of(value.substring(SnapshotRefs.TREE_PREFIX.length()));
        }
        return Optional.empty();
    }

    /** The tree a chained step starts from: the snapshot its parent's record holds. */
    private Optional<String> parentTree(DynContext ctx, StepPlan.Payload.Command command) {
        if (command.continues().isEmpty()) {
            return Optional.empty();
        }
        String parent = command.continuesStep().orElse(command.continues().getFirst());
        if (command.continues().size() != 1) {
            throw fail(
                    "ambiguous_parent_snapshot",
                    "step `" + plan.stepId() + "` continues `" + parent + "`, which ran in "
                            + command.continues().size() + " regions; a chain continues one workspace",
                    false);
        }
        StepRecord record = upstream(ctx, parent, command.continues().getFirst());
        if (record.snapshot().isEmpty()) {
            throw fail(
                    "parent_snapshot_missing",
                    "step `" + plan.stepId() + "` continues `"
                            + command.continues().getFirst()
                            + "`, whose runner reported no committed snapshot (`tree:<id>`)",
                    false);
        }
        return record.snapshot();
    }

    private <T> T cacheCall(IoProvider io, String what, String token, CacheCall.Request request, Class<T> answer) {
        FactKey key = new FactKey("cairn:cache|state:" + plan.stateId() + "|" + what + ":" + token);
        IoResult response;
        try {
            response = io.call(new IoCall(CacheCall.NAMESPACE, Wire.toTree(request), Optional.of(key)));
        } catch (MachineException e) {
            throw new StateException(StateError.of(e.info().withRetryable(false)), e.hint(), e);
        }
        try {
            return Wire.fromTree(response.response(), answer);
        } catch (JsonException e) {
            throw fail(
                    "invalid_cache_answer", "the recorded cache " + what + " does not read (" + e.code() + ")", false);
        }
    }

    private TaskResult dispatch(IoProvider io, TaskRequest request, String token) {
        FactKey key = new FactKey("cairn:task|state:" + plan.stateId() + "|dispatch:" + token);
        IoCall call = new IoCall(NAMESPACE, WireTrees.request(request), Optional.of(key));
        TaskCalls typed = TaskCalls.begin(call, request);
        IoResult response;
        try {
            response = io.call(call);
        } catch (MachineException e) {
            throw new StateException(StateError.of(e.info().withRetryable(false)), e.hint(), e);
        } finally {
            typed.end();
        }
        // The transport's own object when the recorded answer reads as it (TaskCalls), else the answer read.
        TaskResult result = typed.resultReadAs(response.response());
        if (result != null) {
            return result;
        }
        try {
            result = Wire.fromTree(response.response(), TaskResult.class);
        } catch (JsonException e) {
            throw fail(
                    "invalid_task_result", "the recorded result of the task does not read (" + e.code() + ")", false);
        }
        return result;
    }

    /** Appends the task's lifecycle (queued, leased, expired, refused, cell records, ended) to the run's log. */
    private static void history(EventRecorder rec, TaskResult result) {
        for (TaskEvent event : result.history()) {
            rec.emit(DomainEvent.of(event.name(), event.payload()));
        }
    }

    private StepResult stepResult(TaskOutcome.Succeeded s) {
        try {
            return Wire.fromTree(s.result(), StepResult.class);
        } catch (JsonException e) {
            throw fail(
                    "invalid_step_result",
                    "the runner of step `" + plan.stepId() + "` returned a result that is not a StepResult (" + e.code()
                            + ")",
                    false);
        }
    }

    private void succeeded(DynContext ctx, EventRecorder rec, TaskResult result, TaskOutcome.Succeeded s) {
        Optional<Integer> exitCode = Optional.empty();
        if (runnerMode()) {
            String status = "pass";
            if (s.result().isObject() && s.result().path("status").isTextual()) {
                String given = s.result().get("status").textValue();
                if (given.equals("fail") || given.equals("error")) {
                    status = given;
                }
            }
            Optional<String> message = s.result().path("errorMessage").isTextual()
                    ? Optional.of(s.result().get("errorMessage").textValue())
                    : Optional.empty();
            verdict(rec, status, message);
        }
        record(ctx, exitCode, s.outputs(), s.result());
    }

    private void record(DynContext ctx, Optional<Integer> exitCode, List<OutputArtifact> outputs, JsonNode result) {
        ctx.write(
                new ContextKey(StepRecord.key(plan.stepId())),
                WireTrees.stepRecord(new StepRecord(plan.stepId(), plan.capability(), exitCode, outputs, result)));
    }

    private void verdict(EventRecorder rec, String status, Optional<String> message) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("state_id", plan.stateId().value());
        payload.put("step_id", plan.stepId());
        payload.put("status", status);
        message.ifPresent(m -> payload.put("message", m));
        rec.emit(DomainEvent.of(RUNNER_RESULT, payload));
    }

    private boolean runnerMode() {
        return plan.payload() instanceof StepPlan.Payload.Runner;
    }

    private boolean mayRetry(int failures) {
        return !plan.unkeyedSideEffect() && plan.retry().permitsAttempt(failures + 1);
    }

    private TaskRequest request(String runId, List<InputFile> inputs, Optional<JsonNode> given) {
        List<String> cids =
                inputs.stream().map(InputFile::artifactId).distinct().toList();
        JsonNode meta = given.isPresent()
                ? given.get()
                : switch (plan.payload()) {
                    case StepPlan.Payload.Command c ->
                        Wire.toTree(new CommandTask(runId, plan.stepId(), c.step(), inputs));
                    case StepPlan.Payload.Capability c -> {
                        ObjectNode m = JsonNodeFactory.instance.objectNode();
                        m.put("run_id", runId);
                        m.put("step_id", plan.stepId());
                        m.set("inputs", WireTrees.inputs(inputs));
                        ObjectNode env = m.putObject("env");
                        c.env().forEach(env::put);
                        yield m;
                    }
                    case StepPlan.Payload.Runner r -> r.input();
                };
        return new TaskRequest(
                plan.stepId(),
                plan.capability(),
                plan.labels(),
                meta,
                cids,
                plan.timeout(),
                plan.retry().backoff(),
                plan.mode());
    }

    /** The step's inputs as files: artifacts by id, and upstream outputs read from the context. */
    private List<InputFile> resolveInputs(DynContext ctx) {
        List<StepPlan.Input> specs =
                switch (plan.payload()) {
                    case StepPlan.Payload.Command c -> c.inputs();
                    case StepPlan.Payload.Capability c -> c.inputs();
                    case StepPlan.Payload.Runner r -> List.of();
                };
        Map<String, InputFile> files = new LinkedHashMap<>();
        for (StepPlan.Input input : specs) {
            switch (input) {
                case StepPlan.Input.Artifact a -> add(files, new InputFile(a.to(), a.artifactId(), false));
                case StepPlan.Input.FromStep f -> {
                    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + f.glob());
                    for (String source : f.sources()) {
                        StepRecord upstream = upstream(ctx, f.step(), source);
                        for (OutputArtifact output : upstream.outputs()) {
                            if (matcher.matches(Path.of(output.key()))) {
                                add(
                                        files,
                                        new InputFile(
                                                join(f.to(), output.key()), output.artifactId(), output.executable()));
                            }
                        }
                    }
                }
            }
        }
        return List.copyOf(new TreeMap<>(files).values());
    }

    private StepRecord upstream(DynContext ctx, String step, String source) {
        Optional<JsonNode> value = ctx.read(new ContextKey(StepRecord.key(source)));
        if (value.isEmpty() || value.get().isNull()) {
            throw fail(
                    "input_not_available",
                    "step `" + plan.stepId() + "` takes the outputs of `" + source + "`, which has none in this run"
                            + " (it was skipped)",
                    false);
        }
        try {
            return Wire.fromTree(value.get(), StepRecord.class);
        } catch (JsonException e) {
            throw fail(
                    "input_not_available",
                    "the record of step `" + source + "` does not read (" + e.code() + ")",
                    false);
        }
    }

    private void add(Map<String, InputFile> files, InputFile file) {
        InputFile before = files.putIfAbsent(file.path(), file);
        if (before != null && !before.equals(file)) {
            throw fail(
                    "input_conflict",
                    "two inputs of step `" + plan.stepId() + "` go to `" + file.path() + "` with different contents",
                    false);
        }
    }

    private static String join(String to, String key) {
        String dir = to.equals(CommandStep.ROOT) ? "" : to.endsWith("/") ? to : to + "/";
        return dir + key;
    }

    private StateException fail(String code, String message, boolean retryable) {
        ObjectNode details = JsonNodeFactory.instance.objectNode().put("step_id", plan.stepId());
        return new StateException(StateError.of(
                ErrorInfo.of(code, ErrorCategory.UNKNOWN, retryable, message).withDetails(details)));
    }

    /** The upstream step ids a step's {@code step:} input reads, given the upstream's regions. */
    static List<String> sources(String upstream, List<String> upstreamRegions, Optional<String> region) {
        if (upstreamRegions.isEmpty()) {
            return List.of(upstream);
        }
        if (region.isPresent() && upstreamRegions.contains(region.get())) {
            return List.of(upstream + "@" + region.get());
        }
        List<String> all = new ArrayList<>();
        upstreamRegions.forEach(r -> all.add(upstream + "@" + r));
        return all;
    }
}
