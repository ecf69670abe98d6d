package dev.cairn.machine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.Secrets;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.config.IoMode;
import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.engine.RunPhase;
import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.MachineException;
import dev.cairn.machine.errors.RunError;
import dev.cairn.machine.errors.RunException;
import dev.cairn.machine.errors.StateError;
import dev.cairn.machine.errors.StateException;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.events.RunStatus;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.meta.Idempotency;
import dev.cairn.machine.meta.SideEffectKind;
import dev.cairn.machine.meta.StateMeta;
import dev.cairn.machine.meta.Tag;
import dev.cairn.machine.runtime.io.AttemptFactKeys;
import dev.cairn.machine.runtime.io.FactIndex;
import dev.cairn.machine.runtime.io.FactLedger;
import dev.cairn.machine.runtime.io.IoCallContext;
import dev.cairn.machine.runtime.io.LiveIo;
import dev.cairn.machine.runtime.io.ReplayIo;
import dev.cairn.machine.runtime.io.StoreFactLedger;
import dev.cairn.machine.state.StateOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One execution of one run by the engine: the scheduler, the attempts and the order of their events.
 *
 * <p>Ready states run in <em>waves</em>: the first {@code max_concurrency} ready states in plan order
 * (one under {@code Sequential}). A wave appends the {@code StateEntered} of all its states, runs
 * their handlers concurrently (virtual threads), each on its own copy of the checkpoint, then, once
 * all have returned, appends for each state in plan order its domain events and its terminal event,
 * merging its writes into the context. Which states form a wave and the order of appends depend only
 * on the plan and on the states' outcomes, never on timing: the log is deterministic.
 */
final class RunExecution {

    private enum Status {
        WAITING,
        READY,
        DONE,
        FAILED
    }

    private sealed interface Outcome {
        AttemptSink sink();

        Map<String, JsonNode> diff();
    }

    private record Completed(Map<String, JsonNode> diff, AttemptSink sink) implements Outcome {}

    private record Failed(StateError error, Map<String, JsonNode> diff, AttemptSink sink) implements Outcome {}

    private final Engine engine;
    private final Stores stores;
    private final RunId runId;
    private final RunConfig config;
    private final PlanIndex plan;
    private final RunWriter writer;
    private final Snapshots snapshots;
    private final FactIndex facts;
    private final FactIndex replayFacts;
    private final RunControl control;
    private final EventFilter profile;
    private final boolean diagnostics;
    private final ReplayGuide guide;
    private final int cap;

    private final Status[] status;
    private final int[] nextAttempt;
    private final int[] generation;
    private final int[] remainingDeps;
    private final Duration[] retryDelay;
    private final boolean[] skipped;
    private final AttemptLifecycle[] attemptState;
    private final PriorityQueue<Integer> ready;

    private ContextState checkpoint;
    private RunLifecycle lifecycle = RunLifecycle.NEW;
    private boolean failed;
    private boolean callerInterrupted;
    private int verified;
    private EngineEvents.ReplayDiverged divergence;
    private ExecutorService threads;

    RunExecution(
            Engine engine,
            Stores stores,
            RunId runId,
            RunConfig config,
            PlanIndex plan,
            RunWriter writer,
            Snapshots snapshots,
            FactIndex facts,
            FactIndex replayFacts,
            RunControl control,
            EventFilter profile,
            ReplayGuide guide) {
        this.engine = engine;
        this.stores = stores;
        this.runId = runId;
        this.config = config;
        this.plan = plan;
        this.writer = writer;
        this.snapshots = snapshots;
        this.facts = facts;
        this.replayFacts = replayFacts;
        this.control = control;
        this.profile = profile;
        this.diagnostics = EventProfiles.mayKeepDiagnostics(profile);
        this.guide = guide;
        this.cap = switch (config.executionMode()) {
            case dev.cairn.machine.config.ExecutionMode.Sequential s -> 1;
            case dev.cairn.machine.config.ExecutionMode.FanOutJoin f -> f.maxConcurrency();
        };
        int n = plan.size();
        status = new Status[n];
        nextAttempt = new int[n];
        generation = new int[n];
        remainingDeps = new int[n];
        retryDelay = new Duration[n];
        skipped = new boolean[n];
        attemptState = new AttemptLifecycle[n];
        Set<Tag> skipTags = Set.copyOf(config.skipTags());
        for (int i = 0; i < n; i++) {
            status[i] = Status.WAITING;
            skipped[i] = !skipTags.isEmpty() && plan.metas[i].tags().stream().anyMatch(skipTags::contains);
        }
        Comparator<Integer> order = guide == null
                ? Comparator.naturalOrder()
                : Comparator.<Integer>comparingInt(i -> guide.block[i]).thenComparingInt(i -> i);
        ready = new PriorityQueue<>(order);
    }

    RunId runId() {
        return runId;
    }

    int verified() {
        return verified;
    }

    Optional<EngineEvents.ReplayDiverged> divergence() {
        return Optional.ofNullable(divergence);
    }

    /** A new run: {@code RunStarted} (and {@code replay_of}) appended by the caller first. */
    void begin(ContextState initial, List<Event> opening) {
        checkpoint = initial;
        writer.addAll(opening);
        move(RunLifecycle.RUNNING);
        for (int i = 0; i < plan.size(); i++) {
            remainingDeps[i] = plan.deps[i].length;
        }
        for (int i = 0; i < plan.size(); i++) {
            if (remainingDeps[i] == 0) {
                makeReady(i);
            }
        }
    }

    /** A run continued from its log; may append orphan decisions (see {@code docs/kernel.md}). */
    void resumeFrom(RunHistory history, ResumeOptions options) {
        RunHistory.StateRecord[] records = new RunHistory.StateRecord[plan.size()];
        for (var entry : history.states.entrySet()) {
            int i = plan.indexOf(entry.getKey());
            if (i < 0) {
                throw RunException.invalidPlan(
                        "plan_mismatch",
                        "the log of run " + runId + " has state `" + entry.getKey()
                                + "`, which the resolved plan does not");
            }
            records[i] = entry.getValue();
        }
        for (StateId id : options.allowRetry()) {
            int i = plan.indexOf(id);
            RunHistory.StateRecord r = history.state(id);
            if (i < 0 || r == null || !r.open || !unkeyedSideEffect(plan.metas[i])) {
                throw new RunException(
                        new RunError.Other(ErrorInfo.of(
                                KernelCodes.ALLOW_RETRY_NOT_APPLICABLE,
                                ErrorCategory.UNKNOWN,
                                false,
                                "state `" + id + "` of run " + runId
                                        + " has no interrupted side effect without an idempotency key")),
                        "allowRetry is for ApplySideEffect states without a key that a crash interrupted.",
                        null);
            }
        }
        if (guide == null && options.holdInterruptedSideEffects()) {
            for (int i = 0; i < plan.size(); i++) {
                RunHistory.StateRecord r = records[i];
                if (r != null
                        && r.open
                        && unkeyedSideEffect(plan.metas[i])
                        && !options.allowRetry().contains(plan.ids[i])) {
                    throw new RunException(
                            new RunError.State(interruptedSideEffect(i, r.lastAttempt)),
                            "Check the external system, then resume with ResumeOptions.allowRetry(" + plan.ids[i]
                                    + ") to run it again, or resume without holding to fail it.",
                            null);
                }
            }
        }
        checkpoint = snapshots.load(history.checkpoint);
        move(RunLifecycle.RUNNING);
        for (int i = 0; i < plan.size(); i++) {
            StateId id = plan.ids[i];
            RunHistory.StateRecord r = records[i];
            if (r == null) {
                continue;
            }
            generation[i] = r.failures;
            nextAttempt[i] = r.lastAttempt + 1;
            if (r.completed) {
                status[i] = Status.DONE;
            } else if (r.open) {
                attemptState[i] = AttemptLifecycle.ORPHANED;
                boolean rerun = guide != null
                        || skipped[i]
                        || !unkeyedSideEffect(plan.metas[i])
                        || options.allowRetry().contains(id);
                if (rerun) {
                    if (guide == null && !skipped[i] && unkeyedSideEffect(plan.metas[i])) {
                        writer.add(domain(new EngineEvents.OperatorRetryAllowed(id, r.lastAttempt).toDomainEvent()));
                    }
                    attemptMove(i, AttemptLifecycle.SUPERSEDED);
                } else {
                    writer.add(new Event.Kernel(new KernelEvent.StateFailed(
                            id, interruptedSideEffect(i, r.lastAttempt), Optional.empty())));
                    attemptMove(i, AttemptLifecycle.FAILED);
                    generation[i]++;
                    status[i] = Status.FAILED;
                    failed = true;
                }
            } else if (r.lastTerminalFailed) {
                if (guide == null
                        && r.lastFailureRetryable
                        && config.retryPolicy().permitsAttempt(r.lastAttempt + 1)) {
                    retryDelay[i] = config.retryPolicy().backoff().delayAfter(r.lastAttempt);
                } else {
                    status[i] = Status.FAILED;
                    failed = true;
                }
            }
        }
        for (int i = 0; i < plan.size(); i++) {
            int remaining = 0;
            for (int d : plan.deps[i]) {
                if (status[d] != Status.DONE) {
                    remaining++;
                }
            }
            remainingDeps[i] = remaining;
        }
        for (int i = 0; i < plan.size(); i++) {
            if (status[i] == Status.WAITING && remainingDeps[i] == 0) {
                makeReady(i);
            }
        }
    }

    /** Runs waves until the run ends; returns its result once everything is durable. */
    RunResult run() {
        threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual()
                .name("cairn-" + runId.toString().substring(0, 8) + "-", 0)
                .factory());
        try {
            while (true) {
                if (Thread.interrupted()) {
                    callerInterrupted = true;
                    control.cancel();
                }
                if (control.cancelled()) {
                    return finish(RunStatus.CANCELLED);
                }
                if (failed || divergence != null) {
                    return finish(RunStatus.FAILED);
                }
                List<Integer> wave = nextWave();
                if (wave.isEmpty()) {
                    return finish(RunStatus.COMPLETED);
                }
                runWave(wave);
            }
        } catch (RuntimeException | Error e) {
            if (lifecycle == RunLifecycle.RUNNING) {
                move(RunLifecycle.SUSPENDED);
            }
            if (e instanceof MachineException m) {
                throw RunException.of(m);
            }
            throw e;
        } finally {
            threads.close();
            if (callerInterrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ scheduling

    private List<Integer> nextWave() {
        List<Integer> wave = new ArrayList<>();
        if (guide == null) {
            while (!ready.isEmpty() && wave.size() < cap) {
                wave.add(ready.poll());
            }
        } else if (!ready.isEmpty()) {
            int block = guide.block[ready.peek()];
            while (!ready.isEmpty() && guide.block[ready.peek()] == block) {
                wave.add(ready.poll());
            }
        }
        wave.sort(Comparator.naturalOrder());
        return wave;
    }

    private void makeReady(int i) {
        if (guide != null && guide.block[i] < 0) {
            return;
        }
        status[i] = Status.READY;
        attemptState[i] = AttemptLifecycle.READY;
        ready.add(i);
    }

    private void markDone(int i) {
        status[i] = Status.DONE;
        for (int d : plan.dependents[i]) {
            if (--remainingDeps[d] == 0 && status[d] == Status.WAITING) {
                makeReady(d);
            }
        }
    }

    // ------------------------------------------------------------------ one wave

    private void runWave(List<Integer> wave) {
        Duration delay = Duration.ZERO;
        for (int i : wave) {
            if (retryDelay[i] != null && retryDelay[i].compareTo(delay) > 0) {
                delay = retryDelay[i];
            }
            retryDelay[i] = null;
        }
        if (!delay.isZero()) {
            try {
                engine.sleeper().sleep(delay);
            } catch (InterruptedException e) {
                callerInterrupted = true;
                control.cancel();
            }
        }
        if (control.cancelled()) {
            wave.forEach(ready::add);
            return;
        }
        ContextState base = checkpoint;
        int[] attempt = new int[wave.size()];
        boolean barrier = false;
        for (int w = 0; w < wave.size(); w++) {
            int i = wave.get(w);
            attempt[w] = nextAttempt[i];
            nextAttempt[i]++;
            writer.add(new Event.Kernel(new KernelEvent.StateEntered(plan.ids[i], attempt[w], base.id())));
            attemptMove(i, AttemptLifecycle.ENTERED);
            barrier |= !skipped[i] && plan.metas[i].sideEffects() != SideEffectKind.PURE;
        }
        if (barrier) {
            writer.flush();
        }
        boolean streaming = wave.size() == 1;
        Map<Integer, Future<Outcome>> running = new LinkedHashMap<>();
        for (int w = 0; w < wave.size(); w++) {
            int i = wave.get(w);
            if (skipped[i]) {
                continue;
            }
            AttemptSink sink = new AttemptSink(streaming ? writer : null);
            int a = attempt[w];
            attemptMove(i, AttemptLifecycle.RUNNING);
            running.put(i, threads.submit(() -> runAttempt(i, a, base, sink)));
        }
        Map<Integer, Outcome> outcomes = join(running);
        if (writer.isFenced()) {
            throw writer.fencedFailure();
        }
        merge(wave, attempt, base, outcomes);
        if (barrier) {
            writer.flush();
        }
    }

    private Map<Integer, Outcome> join(Map<Integer, Future<Outcome>> running) {
        Map<Integer, Outcome> outcomes = new HashMap<>();
        Throwable crash = null;
        for (Map.Entry<Integer, Future<Outcome>> entry : running.entrySet()) {
            while (true) {
                try {
                    outcomes.put(entry.getKey(), entry.getValue().get());
                    break;
                } catch (InterruptedException e) {
                    callerInterrupted = true;
                    control.cancel();
                } catch (ExecutionException e) {
                    if (crash == null) {
                        crash = e.getCause();
                        control.cancel();
                    }
                    break;
                }
            }
        }
        if (crash instanceof Error err) {
            throw err;
        }
        if (crash instanceof RuntimeException r) {
            throw r;
        }
        if (crash != null) {
            throw new IllegalStateException(crash);
        }
        return outcomes;
    }

    private void merge(List<Integer> wave, int[] attempt, ContextState base, Map<Integer, Outcome> outcomes) {
        ContextState cum = checkpoint;
        Map<String, Integer> writtenBy = new HashMap<>();
        for (int w = 0; w < wave.size(); w++) {
            int i = wave.get(w);
            StateId id = plan.ids[i];
            if (skipped[i]) {
                List<Tag> matched = plan.metas[i].tags().stream()
                        .filter(config.skipTags()::contains)
                        .toList();
                writer.add(domain(new EngineEvents.StateSkipped(id, matched).toDomainEvent()));
                writer.add(new Event.Kernel(new KernelEvent.StateCompleted(id, cum.id())));
                attemptMove(i, AttemptLifecycle.SKIPPED);
                markDone(i);
                verifyCompleted(i, cum.id());
                continue;
            }
            Outcome outcome = outcomes.get(i);
            writer.addAll(outcome.sink().drain());
            switch (outcome) {
                case Completed c -> {
                    String conflictKey = null;
                    for (String key : c.diff().keySet()) {
                        if (writtenBy.containsKey(key)) {
                            conflictKey = key;
                            break;
                        }
                    }
                    if (conflictKey != null) {
                        fail(
                                i,
                                attempt[w],
                                conflict(i, plan.ids[writtenBy.get(conflictKey)], conflictKey),
                                failureSnapshot(base, c.diff()));
                        continue;
                    }
                    ContextState next;
                    if (c.diff().isEmpty()) {
                        next = cum;
                    } else {
                        try {
                            next = snapshots.store(cum, c.diff());
                        } catch (Snapshots.Refused r) {
                            fail(i, attempt[w], refused(i, r), Optional.empty());
                            continue;
                        }
                    }
                    for (String key : c.diff().keySet()) {
                        writtenBy.put(key, i);
                    }
                    if (diagnostics) {
                        diagnostic(contextDiff(id, c.diff()));
                    }
                    writer.add(new Event.Kernel(new KernelEvent.StateCompleted(id, next.id())));
                    attemptMove(i, AttemptLifecycle.COMPLETED);
                    cum = next;
                    markDone(i);
                    verifyCompleted(i, next.id());
                }
                case Failed f -> fail(i, attempt[w], f.error(), failureSnapshot(base, f.diff()));
            }
        }
        checkpoint = cum;
    }

    /** The failed attempt's own context (diagnostic only), unless it cannot be stored. */
    private Optional<ArtifactId> failureSnapshot(ContextState base, Map<String, JsonNode> diff) {
        try {
            return Optional.of(
                    diff.isEmpty() ? base.id() : snapshots.store(base, diff).id());
        } catch (Snapshots.Refused r) {
            return Optional.empty();
        }
    }

    private void fail(int i, int attempt, StateError error, Optional<ArtifactId> failureSnapshot) {
        StateId id = plan.ids[i];
        writer.add(new Event.Kernel(new KernelEvent.StateFailed(id, error, failureSnapshot)));
        attemptMove(i, AttemptLifecycle.FAILED);
        generation[i]++;
        if (guide != null) {
            status[i] = Status.FAILED;
            failed = true;
            verifyFailed(i, error.info().code().value());
            return;
        }
        if (error.info().retryable()
                && !control.cancelled()
                && config.retryPolicy().permitsAttempt(attempt + 1)) {
            Duration delay = config.retryPolicy().backoff().delayAfter(attempt);
            retryDelay[i] = delay;
            if (diagnostics) {
                diagnostic(new EngineEvents.StateRetryScheduled(id, attempt, attempt + 1, delay).toDomainEvent());
            }
            makeReady(i);
        } else {
            status[i] = Status.FAILED;
            failed = true;
        }
    }

    private RunResult finish(RunStatus runStatus) {
        if (Thread.interrupted()) {
            callerInterrupted = true;
        }
        ArtifactId last = checkpoint.id();
        writer.add(new Event.Kernel(new KernelEvent.RunCompleted(runStatus, Optional.of(last))));
        writer.flush();
        move(
                switch (runStatus) {
                    case COMPLETED -> RunLifecycle.COMPLETED;
                    case FAILED -> RunLifecycle.FAILED;
                    case CANCELLED -> RunLifecycle.CANCELLED;
                });
        return new RunResult(runId, RunPhase.of(runStatus), Optional.of(last));
    }

    // ------------------------------------------------------------------ one attempt (handler thread)

    private Outcome runAttempt(int i, int attempt, ContextState base, AttemptSink sink) {
        control.enter();
        AttemptContext ctx = null;
        try {
            StateId id = plan.ids[i];
            StateMeta meta = plan.metas[i];
            Optional<String> key =
                    meta.idempotency() instanceof Idempotency.Key k ? Optional.of(k.value()) : Optional.empty();
            boolean live = config.ioMode() == IoMode.LIVE;
            int factAttempt = guide == null ? attempt : guide.factAttempt[i];
            AttemptFactKeys keys = new AttemptFactKeys(id, factAttempt);
            FactLedger ledger = live
                    ? new StoreFactLedger(facts, stores.artifacts(), sink::add)
                    : new StoreFactLedger(replayFacts, stores.artifacts(), e -> {
                        throw new IllegalStateException("replay never records facts");
                    });
            var io = live
                    ? LiveIo.builder()
                            .router(engine.router())
                            .context(new IoCallContext(runId, id, attempt, key, config.nixFlakeAllowlist()))
                            .ledger(ledger)
                            .keys(keys)
                            .clock(engine.clock())
                            .entropy(engine.entropy())
                            .barrier(writer::flush)
                            .cancelled(control::cancelled)
                            .build()
                    : new ReplayIo(ledger, keys, config.replayMissingFactRetryable());
            AttemptChildRuns children = new AttemptChildRuns(
                    engine,
                    stores,
                    runId,
                    id,
                    generation[i],
                    config.ioMode(),
                    config.replayMissingFactRetryable(),
                    sink,
                    writer,
                    ledger,
                    keys);
            AttemptRecorder recorder = new AttemptRecorder(sink, profile);
            AttemptInfo info =
                    new AttemptInfo(runId, id, attempt, factAttempt, meta.sideEffects(), key, config.ioMode());
            ctx = new AttemptContext(base, info, io, recorder, children, control);
            StateOutcome outcome = plan.states[i].handle(ctx, io, recorder);
            if (outcome == null) {
                return new Failed(unexpected(i, "the handler returned no StateOutcome"), ctx.diff(), sink);
            }
            return new Completed(ctx.diff(), sink);
        } catch (MachineException e) {
            return new Failed(stateError(i, e), diffOf(ctx), sink);
        } catch (RuntimeException e) {
            StateError error = control.cancelled() ? cancelled(i, "unexpected_exception") : unexpected(i, describe(e));
            return new Failed(error, diffOf(ctx), sink);
        } finally {
            control.exit();
        }
    }

    private static Map<String, JsonNode> diffOf(AttemptContext ctx) {
        return ctx == null ? Map.of() : ctx.diff();
    }

    // ------------------------------------------------------------------ errors

    private StateError stateError(int i, MachineException e) {
        if (control.cancelled()) {
            return cancelled(i, e.code());
        }
        StateError error = StateException.from(e).error().withStateId(plan.ids[i]);
        ErrorInfo info = error.info();
        if (!Secrets.pointers(Wire.toTree(info)).isEmpty()) {
            info = new ErrorInfo(
                    info.code(),
                    info.category(),
                    info.retryable(),
                    "[redacted: the error held a value that looks like a secret]",
                    Optional.empty());
            error = new StateError(error.stateId(), info);
        }
        return error;
    }

    private StateError cancelled(int i, String causeCode) {
        ObjectNode details = JsonNodeFactory.instance.objectNode().put("cause_code", causeCode);
        return new StateError(
                Optional.of(plan.ids[i]),
                ErrorInfo.of(
                                KernelCodes.CANCELLED,
                                ErrorCategory.UNKNOWN,
                                false,
                                "the run was cancelled while the state ran")
                        .withDetails(details));
    }

    private StateError unexpected(int i, String what) {
        return new StateError(
                Optional.of(plan.ids[i]),
                ErrorInfo.of(KernelCodes.UNEXPECTED_EXCEPTION, ErrorCategory.UNKNOWN, false, what));
    }

    private static String describe(RuntimeException e) {
        String message = e.getMessage();
        String text = "the state handler threw " + e.getClass().getName();
        if (message != null
                && !message.isBlank()
                && Secrets.credentialIn(message).isEmpty()) {
            text += ": " + (message.length() > 300 ? message.substring(0, 300) + "…" : message);
        }
        return text;
    }

    private StateError conflict(int i, StateId other, String key) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("key", key);
        details.putArray("states").add(other.value()).add(plan.ids[i].value());
        return new StateError(
                Optional.of(plan.ids[i]),
                ErrorInfo.of(
                                KernelCodes.CONTEXT_WRITE_CONFLICT,
                                ErrorCategory.CONTEXT,
                                false,
                                "states `" + other + "` and `" + plan.ids[i] + "` ran concurrently and both wrote"
                                        + " context key `" + key + "`")
                        .withDetails(details));
    }

    private StateError refused(int i, Snapshots.Refused r) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        var at = details.putArray("pointers");
        r.pointers.forEach(at::add);
        return new StateError(
                Optional.of(plan.ids[i]),
                ErrorInfo.of(r.code, ErrorCategory.CONTEXT, false, r.getMessage())
                        .withDetails(details));
    }

    private StateError interruptedSideEffect(int i, int attempt) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("state_id", plan.ids[i].value());
        details.put("interrupted_attempt", attempt);
        return new StateError(
                Optional.of(plan.ids[i]),
                ErrorInfo.of(
                                KernelCodes.INTERRUPTED_SIDE_EFFECT,
                                ErrorCategory.UNKNOWN,
                                false,
                                "state `" + plan.ids[i] + "` applies a side effect without an idempotency key and"
                                        + " attempt " + attempt + " was interrupted; it is not re-run blindly")
                        .withDetails(details));
    }

    private static boolean unkeyedSideEffect(StateMeta meta) {
        return meta.sideEffects() == SideEffectKind.APPLY_SIDE_EFFECT && meta.idempotency() instanceof Idempotency.None;
    }

    // ------------------------------------------------------------------ replay verification

    private void verifyCompleted(int i, ArtifactId actual) {
        if (guide == null || divergence != null) {
            return;
        }
        ArtifactId expected = guide.expectedSnapshot[i];
        if (actual.equals(expected)) {
            verified++;
            return;
        }
        diverge(
                i,
                Optional.ofNullable(expected),
                Optional.of(actual),
                expected == null ? "completed_but_original_failed" : "snapshot_mismatch");
    }

    private void verifyFailed(int i, String code) {
        if (guide == null || divergence != null) {
            return;
        }
        String expected = guide.expectedFailure[i];
        if (code.equals(expected)) {
            verified++;
            return;
        }
        diverge(
                i,
                Optional.ofNullable(guide.expectedSnapshot[i]),
                Optional.empty(),
                expected == null ? "failed_but_original_completed" : "failure_code_mismatch");
    }

    private void diverge(int i, Optional<ArtifactId> expected, Optional<ArtifactId> actual, String reason) {
        divergence = new EngineEvents.ReplayDiverged(plan.ids[i], expected, actual, reason);
        writer.add(domain(divergence.toDomainEvent()));
    }

    // ------------------------------------------------------------------ helpers

    private void diagnostic(DomainEvent event) {
        if (event != null && profile.keep(event, EventClass.DIAGNOSTIC)) {
            writer.add(domain(event));
        }
    }

    private static DomainEvent contextDiff(StateId id, Map<String, JsonNode> diff) {
        List<String> written = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        diff.forEach((k, v) -> (v == null ? deleted : written).add(k));
        return new EngineEvents.StateContextDiff(id, written, deleted).toDomainEvent();
    }

    private static Event domain(DomainEvent event) {
        return new Event.Domain(event);
    }

    private void move(RunLifecycle to) {
        engine.listener().onTransition(runId, Optional.empty(), RunLifecycle.TABLE.check(lifecycle, to));
        lifecycle = to;
    }

    private void attemptMove(int i, AttemptLifecycle to) {
        AttemptLifecycle from = attemptState[i];
        engine.listener().onTransition(runId, Optional.of(plan.ids[i].value()), AttemptLifecycle.TABLE.check(from, to));
        attemptState[i] = to;
    }
}
