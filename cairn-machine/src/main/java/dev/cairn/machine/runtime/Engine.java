package dev.cairn.machine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.JsonException;
import dev.cairn.json.Secrets;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.config.ContextCheckpointing;
import dev.cairn.machine.config.IoMode;
import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.config.RunManifest;
import dev.cairn.machine.engine.ExecutionEngine;
import dev.cairn.machine.engine.RunPhase;
import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.engine.StartRun;
import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.MachineException;
import dev.cairn.machine.errors.RunError;
import dev.cairn.machine.errors.RunException;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.runtime.io.FactIndex;
import dev.cairn.machine.runtime.io.IoRouter;
import dev.cairn.machine.runtime.io.IoTransportRegistry;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.time.Clock;
import dev.cairn.machine.time.Entropy;
import dev.cairn.machine.time.Sleeper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Cairn's durable execution engine (seed 001's {@code ExecutionEngine}): starts runs, resumes them
 * from their log after a crash, replays them to verify determinism, and cancels them. See {@code
 * docs/kernel.md} for the semantics, the order of events and the durability barriers.
 *
 * <pre>{@code
 * Engine engine = Engine.builder().planResolver(manifest -> plans.get(manifest.opId())).build();
 * RunResult result = engine.start(stores, StartRuns.of(plan).build());
 * }</pre>
 *
 * <p>Thread-safe: one engine runs many runs at once. {@code start}, {@code resume} and {@code
 * replay} block until the run ends (or this engine stops executing it); {@link #submit} runs a start
 * on its own virtual thread. A run executes at most once at a time per engine ({@code
 * run_already_active}); two engines on one log are arbitrated by the event store (the loser gets
 * {@code StorageError.Concurrency} at its next append and stops writing).
 */
public final class Engine implements ExecutionEngine {

    private final PlanResolver planResolver;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Entropy entropy;
    private final IoRouter router;
    private final Durability durability;
    private final Map<String, EventFilter> profiles;
    private final TransitionListener listener;
    private final int pageSize;
    private final ConcurrentHashMap<RunId, RunControl> active = new ConcurrentHashMap<>();

    private static final int RECENT_PLANS = 8;
    private final PlanIndex[] recentPlans = new PlanIndex[RECENT_PLANS];
    private int nextPlanSlot;

    private static final int RECENT_MANIFESTS = 8;
    private final CanonicalManifest[] recentManifests = new CanonicalManifest[RECENT_MANIFESTS];
    private int nextManifestSlot;

    private Engine(Builder b) {
        this.planResolver = b.planResolver;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.entropy = b.entropy;
        this.router = new IoRouter(b.transports);
        this.durability = b.durability;
        this.profiles = Map.copyOf(b.profiles);
        this.listener = b.listener;
        this.pageSize = b.pageSize;
    }

    /** A builder with the host's clock, a real sleeper, secure entropy, no transports, batched durability. */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ start

    /**
     * Starts a run: checks everything first (plan validation, the manifest id and its agreement with
     * the plan and config, secrets in the input parameters and the initial context, supported
     * checkpointing and event profile, a fresh run id), writes nothing if any check fails, then
     * stores the manifest and the initial snapshot, appends {@code RunStarted} and executes the plan.
     * Returns once the run has ended and every event is durable.
     *
     * @throws RunException when the run cannot start (nothing is written), or when this engine had to
     *     stop executing it (storage failure, another engine appended first); the run is then
     *     resumable
     */
    @Override
    public RunResult start(Stores stores, StartRun run) {
        Objects.requireNonNull(stores, "stores");
        Objects.requireNonNull(run, "run");
        RunId runId = run.runId().orElseGet(() -> new RunId(entropy.newUuid()));
        RunControl control = register(runId);
        try {
            return startRegistered(stores, run, runId, control);
        } finally {
            active.remove(runId, control);
        }
    }

    /**
     * Starts {@code run} on a new virtual thread and returns at once. The run's id is drawn now when
     * {@code run} has none.
     */
    public RunHandle submit(Stores stores, StartRun run) {
        Objects.requireNonNull(stores, "stores");
        Objects.requireNonNull(run, "run");
        RunId runId = run.runId().orElseGet(() -> new RunId(entropy.newUuid()));
        RunControl control = register(runId);
        FutureTask<RunResult> task = new FutureTask<>(() -> {
            try {
                return startRegistered(stores, run, runId, control);
            } finally {
                active.remove(runId, control);
            }
        });
        Thread.ofVirtual().name("cairn-run-" + runId).start(task);
        return new RunHandle(runId, task, this::cancel);
    }

    private RunResult startRegistered(Stores stores, StartRun run, RunId runId, RunControl control) {
        try {
            ExecutionPlan plan = run.plan();
            PlanIndex index = prepare(plan);
            RunManifest manifest = run.manifest();
            CanonicalManifest canonical = canonical(manifest);
            byte[] manifestBytes = canonical.bytes();
            ArtifactId manifestId = canonical.id();
            if (!manifestId.equals(run.manifestId())) {
                throw RunException.invalidPlan(
                        KernelCodes.MANIFEST_ID_MISMATCH,
                        "manifest_id " + run.manifestId() + " is not the hash of the manifest's canonical JSON ("
                                + manifestId + ")");
            }
            if (!manifest.opId().equals(plan.opId())) {
                throw RunException.invalidPlan(
                        KernelCodes.MANIFEST_OP_ID_MISMATCH,
                        "the plan is for `" + plan.opId() + "` but the manifest for `" + manifest.opId() + "`");
            }
            if (!manifest.runConfig().equals(run.runConfig())) {
                throw RunException.invalidPlan(
                        KernelCodes.RUN_CONFIG_MISMATCH, "StartRun.run_config differs from manifest.run_config");
            }
            refuseSecrets(manifest.inputParams(), KernelCodes.SECRET_IN_INPUT_PARAMS, "/input_params", "input_params");
            EventFilter profile = checkConfig(manifest.runConfig());
            JsonNode initial = run.initialContext().dump();
            if (initial == null || !initial.isObject()) {
                throw RunException.invalidPlan(
                        KernelCodes.CONTEXT_NOT_OBJECT, "the initial context's dump() is not a JSON object");
            }
            refuseSecrets(initial, KernelCodes.SECRET_IN_CONTEXT, "", "the initial context");
            // A run id the engine drew itself (122 random bits) names no log yet; a given one may.
            // Either way the first append expects an empty log, so a collision can never interleave.
            if (run.runId().isPresent()) {
                long head = stores.events().headSeq(runId);
                if (head != 0) {
                    throw RunException.of(StorageException.concurrency(runId, 0, head));
                }
            }
            Snapshots snapshots = new Snapshots(stores.artifacts());
            ContextState initialState = storeInitial(snapshots, initial);
            if (!stores.artifacts().exists(manifestId)) {
                stores.artifacts().putDeferred(new ArtifactKind.Manifest(), manifestBytes);
            }
            FactIndex facts = new FactIndex();
            RunExecution execution = new RunExecution(
                    this,
                    stores,
                    runId,
                    manifest.runConfig(),
                    index,
                    new RunWriter(stores, runId, 0, clock, durability),
                    snapshots,
                    facts,
                    facts,
                    control,
                    profile,
                    null);
            execution.begin(
                    initialState,
                    List.of(new Event.Kernel(new KernelEvent.RunStarted(plan.opId(), manifestId, initialState.id()))));
            return execution.run();
        } catch (MachineException e) {
            throw RunException.of(e);
        }
    }

    // ------------------------------------------------------------------ resume

    /** {@link #resume(Stores, RunId, ResumeOptions)} with {@link ResumeOptions#defaults()}. */
    @Override
    public RunResult resume(Stores stores, RunId runId) {
        return resume(stores, runId, ResumeOptions.defaults());
    }

    /**
     * Resumes a run from its log (scanned page by page, never loaded whole): completed states are
     * not run again; an attempt the log shows interrupted is decided by its state's side-effect
     * classification (see {@code docs/kernel.md}); the context is restored from the last checkpoint.
     * A run that already ended returns its result and nothing is appended.
     *
     * @throws RunException {@code run_not_found} for a run without events; {@code no_plan_resolver}
     *     without a {@link PlanResolver}; {@code interrupted_side_effect} when {@code options} hold
     *     interrupted side effects; {@code Concurrency} when another engine appends first
     */
    public RunResult resume(Stores stores, RunId runId, ResumeOptions options) {
        Objects.requireNonNull(stores, "stores");
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(options, "options");
        RunControl control = register(runId);
        AtomicReference<FutureTask<Resolved>> resolving = new AtomicReference<>();
        try {
            // The plan is resolved, validated and indexed on its own thread while the log is read:
            // RunStarted, first in the log, names the manifest.
            RunHistory history = RunHistory.scan(stores.events(), runId, pageSize, started -> {
                FutureTask<Resolved> task = new FutureTask<>(() -> resolveStarted(stores, started));
                resolving.set(task);
                Thread.ofVirtual().name("cairn-resolve-" + runId).start(task);
            });
            if (history.completed.isPresent()) {
                KernelEvent.RunCompleted done = history.completed.get();
                return new RunResult(runId, RunPhase.of(done.status()), done.finalSnapshotId());
            }
            Resolved resolved = join(resolving.get());
            RunManifest manifest = resolved.manifest();
            PlanIndex index = resolved.index();
            EventFilter profile = checkConfig(manifest.runConfig());
            ReplayGuide guide = null;
            FactIndex replayFacts = history.facts;
            if (history.replayOf.isPresent()) {
                RunHistory replayed = RunHistory.scan(stores.events(), history.replayOf.get(), pageSize);
                guide = ReplayGuide.of(replayed, index);
                replayFacts = factSource(stores, replayed);
            }
            RunExecution execution = new RunExecution(
                    this,
                    stores,
                    runId,
                    manifest.runConfig(),
                    index,
                    new RunWriter(stores, runId, history.head, clock, durability),
                    new Snapshots(stores.artifacts()),
                    history.facts,
                    replayFacts,
                    control,
                    profile,
                    guide);
            execution.resumeFrom(history, options);
            return execution.run();
        } catch (MachineException e) {
            throw RunException.of(e);
        } finally {
            FutureTask<Resolved> task = resolving.get();
            if (task != null && !task.isDone()) {
                task.cancel(true); // the scan failed, or the run had ended: the plan is not needed
            }
            active.remove(runId, control);
        }
    }

    /** A run's manifest and its plan, validated and indexed. */
    private record Resolved(RunManifest manifest, PlanIndex index) {}

    private Resolved resolveStarted(Stores stores, KernelEvent.RunStarted started) {
        RunManifest manifest = loadManifest(stores, started.manifestId());
        if (!manifest.opId().equals(started.opId())) {
            throw StorageException.corruption(
                    KernelCodes.INVALID_EVENT_LOG,
                    "RunStarted names operation `" + started.opId() + "` but its manifest `" + manifest.opId() + "`");
        }
        return new Resolved(manifest, resolve(manifest));
    }

    /** The result of {@code task}, waiting for it; its failure rethrown as it was thrown. */
    private static <T> T join(FutureTask<T> task) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the run sees it once it executes (cancellation)
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ replay

    /**
     * Replays run {@code runId} into a new run in {@code Replay} mode: same manifest (with {@code
     * io_mode = Replay}), same initial context, the original's facts (no live IO at all), each state
     * reproducing the original's final attempt in the original's wave order. Every state's outcome is
     * compared with the original's; the first difference is a determinism violation: the replay run
     * appends {@code replay_diverged} naming the state and ends {@code Failed}.
     *
     * @return the report: the replay run, how many states matched, the first divergence
     * @throws RunException {@code run_not_found}, {@code no_plan_resolver}, storage failures
     */
    public ReplayReport replay(Stores stores, RunId runId) {
        Objects.requireNonNull(stores, "stores");
        Objects.requireNonNull(runId, "run_id");
        try {
            RunHistory original = RunHistory.scan(stores.events(), runId, pageSize);
            RunManifest manifest = loadManifest(stores, original.started.manifestId());
            RunConfig replayConfig = withIoMode(manifest.runConfig(), IoMode.REPLAY);
            RunManifest replayManifest = new RunManifest(
                    manifest.opId(), manifest.opVersion(), manifest.inputParams(), replayConfig, manifest.build());
            PlanIndex index = resolve(replayManifest);
            ExecutionPlan plan = index.plan;
            EventFilter profile = checkConfig(replayConfig);
            ReplayGuide guide = ReplayGuide.of(original, index);
            FactIndex replayFacts = factSource(stores, original);
            RunId replayRunId = new RunId(entropy.newUuid());
            RunControl control = register(replayRunId);
            try {
                Snapshots snapshots = new Snapshots(stores.artifacts());
                ContextState initial = snapshots.load(original.started.initialSnapshotId());
                ArtifactId manifestId = StartRuns.manifestId(replayManifest);
                if (!stores.artifacts().exists(manifestId)) {
                    stores.artifacts()
                            .putDeferred(new ArtifactKind.Manifest(), StartRuns.canonicalBytes(replayManifest));
                }
                RunExecution execution = new RunExecution(
                        this,
                        stores,
                        replayRunId,
                        replayConfig,
                        index,
                        new RunWriter(stores, replayRunId, 0, clock, durability),
                        snapshots,
                        new FactIndex(),
                        replayFacts,
                        control,
                        profile,
                        guide);
                execution.begin(
                        initial,
                        List.of(
                                new Event.Kernel(new KernelEvent.RunStarted(plan.opId(), manifestId, initial.id())),
                                new Event.Domain(new EngineEvents.ReplayOf(runId).toDomainEvent())));
                RunResult result = execution.run();
                return new ReplayReport(runId, replayRunId, result, execution.verified(), execution.divergence());
            } finally {
                active.remove(replayRunId, control);
            }
        } catch (MachineException e) {
            throw RunException.of(e);
        }
    }

    // ------------------------------------------------------------------ cancellation

    /**
     * Cancels a run executing in this engine: its running states are interrupted (their IO calls fail
     * fast), no new state starts, and the run ends with {@code RunCompleted{Cancelled}}.
     *
     * @return whether the run was executing in this engine
     */
    public boolean cancel(RunId runId) {
        RunControl control = active.get(runId);
        if (control == null) {
            return false;
        }
        control.cancel();
        return true;
    }

    /** The runs executing in this engine right now. */
    public Set<RunId> activeRuns() {
        return Set.copyOf(active.keySet());
    }

    // ------------------------------------------------------------------ for the execution

    Clock clock() {
        return clock;
    }

    Sleeper sleeper() {
        return sleeper;
    }

    Entropy entropy() {
        return entropy;
    }

    IoRouter router() {
        return router;
    }

    TransitionListener listener() {
        return listener;
    }

    // ------------------------------------------------------------------ helpers

    private RunControl register(RunId runId) {
        RunControl control = new RunControl(runId);
        if (active.putIfAbsent(runId, control) != null) {
            throw new RunException(
                    new RunError.Other(ErrorInfo.of(
                            KernelCodes.RUN_ALREADY_ACTIVE,
                            ErrorCategory.UNKNOWN,
                            false,
                            "run " + runId + " is already executing in this engine")),
                    "Wait for it to end (or cancel it) before resuming it again.",
                    null);
        }
        return control;
    }

    /**
     * {@code plan} validated and indexed. Plans are immutable and a process runs the same few plans
     * again and again (a resolver or a caller keeps them), so the last {@link #RECENT_PLANS} are kept,
     * by identity: a thousand starts of one plan validate and index it once.
     */
    private PlanIndex prepare(ExecutionPlan plan) {
        synchronized (recentPlans) {
            for (PlanIndex known : recentPlans) {
                if (known != null && known.plan == plan) {
                    return known;
                }
            }
        }
        GraphPlanValidator.INSTANCE.validate(plan);
        PlanIndex index = PlanIndex.of(plan);
        synchronized (recentPlans) {
            recentPlans[nextPlanSlot] = index;
            nextPlanSlot = (nextPlanSlot + 1) % RECENT_PLANS;
        }
        return index;
    }

    /** A manifest (a copy of its own), its canonical JSON and that JSON's id. */
    private record CanonicalManifest(RunManifest manifest, byte[] bytes, ArtifactId id) {}

    /**
     * The canonical JSON of {@code manifest} and its id. A caller that starts the same pipeline again
     * and again gives equal manifests (its own, or the very same), so the last {@link
     * #RECENT_MANIFESTS} are kept: by value, on copies made when kept, since equal manifests have the
     * same canonical JSON and a manifest's input is a JSON tree its holder could still change.
     */
    private CanonicalManifest canonical(RunManifest manifest) {
        synchronized (recentManifests) {
            for (CanonicalManifest known : recentManifests) {
                if (known != null && known.manifest().equals(manifest)) {
                    return known;
                }
            }
        }
        byte[] bytes = StartRuns.canonicalBytes(manifest);
        CanonicalManifest canonical = new CanonicalManifest(
                new RunManifest(
                        manifest.opId(),
                        manifest.opVersion(),
                        manifest.inputParams(),
                        manifest.runConfig(),
                        manifest.build()),
                bytes,
                new ArtifactId(dev.cairn.json.ArtifactIds.ofBytes(bytes)));
        synchronized (recentManifests) {
            recentManifests[nextManifestSlot] = canonical;
            nextManifestSlot = (nextManifestSlot + 1) % RECENT_MANIFESTS;
        }
        return canonical;
    }

    private PlanIndex resolve(RunManifest manifest) {
        if (planResolver == null) {
            throw RunException.invalidPlan(
                    KernelCodes.NO_PLAN_RESOLVER,
                    "resuming or replaying needs the run's plan, and this engine has no PlanResolver");
        }
        ExecutionPlan plan = planResolver.resolve(manifest);
        Objects.requireNonNull(plan, "the PlanResolver returned no plan");
        PlanIndex index = prepare(plan);
        if (!plan.opId().equals(manifest.opId())) {
            throw RunException.invalidPlan(
                    KernelCodes.PLAN_OP_ID_MISMATCH,
                    "the PlanResolver returned a plan for `" + plan.opId() + "` for a manifest of `" + manifest.opId()
                            + "`");
        }
        return index;
    }

    private EventFilter checkConfig(RunConfig config) {
        if (!(config.contextCheckpointing() instanceof ContextCheckpointing.AfterEveryState)) {
            throw RunException.invalidPlan(
                    KernelCodes.UNSUPPORTED_CHECKPOINTING,
                    "context_checkpointing " + Wire.write(config.contextCheckpointing())
                            + " is not implemented; use AfterEveryState");
        }
        return EventProfiles.resolve(config.eventProfile(), profiles);
    }

    private static ContextState storeInitial(Snapshots snapshots, JsonNode initial) {
        Map<String, JsonNode> entries = new HashMap<>();
        initial.properties()
                .forEach(
                        member -> entries.put(member.getKey(), member.getValue().deepCopy()));
        try {
            return snapshots.store(entries);
        } catch (Snapshots.Refused r) {
            throw RunException.invalidPlan(r.code, "the initial context cannot be stored: " + r.getMessage());
        }
    }

    private static void refuseSecrets(JsonNode node, String code, String prefix, String what) {
        List<String> pointers = new ArrayList<>();
        Secrets.pointers(node).forEach(p -> pointers.add(prefix + p));
        if (pointers.isEmpty()) {
            return;
        }
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        ArrayNode at = details.putArray("pointers");
        pointers.forEach(at::add);
        throw new RunException(
                new RunError.InvalidPlan(ErrorInfo.of(
                                code,
                                ErrorCategory.PARSING_INPUT,
                                false,
                                what + " holds values that look like secrets, at " + String.join(", ", pointers))
                        .withDetails(details)),
                "Nothing was written. Pass secrets by reference (a name a secret broker resolves), never inline.",
                null);
    }

    private RunManifest loadManifest(Stores stores, ArtifactId id) {
        byte[] bytes = stores.artifacts().get(id);
        try {
            return Wire.read(bytes, RunManifest.class);
        } catch (JsonException e) {
            throw StorageException.corruption(
                    KernelCodes.INVALID_EVENT_LOG,
                    "manifest " + id + " does not read as a RunManifest (" + e.code() + ")");
        }
    }

    /** The facts a replay of {@code replayed} reads: its own, or those of the run it replays in turn. */
    private FactIndex factSource(Stores stores, RunHistory replayed) {
        Optional<RunId> source = replayed.replayOf;
        if (source.isEmpty()) {
            return replayed.facts;
        }
        return RunHistory.scan(stores.events(), source.get(), pageSize).facts;
    }

    private static RunConfig withIoMode(RunConfig config, IoMode mode) {
        return new RunConfig(
                mode,
                config.retryPolicy(),
                config.eventProfile(),
                config.executionMode(),
                config.contextCheckpointing(),
                config.replayMissingFactRetryable(),
                config.skipTags(),
                config.nixFlakeAllowlist());
    }

    /** Builds an {@link Engine}; not thread-safe. */
    public static final class Builder {
        private PlanResolver planResolver;
        private Clock clock = Clock.system();
        private Sleeper sleeper = Sleeper.system();
        private Entropy entropy = Entropy.secure();
        private IoTransportRegistry transports = IoTransportRegistry.empty();
        private Durability durability = Durability.batched();
        private final Map<String, EventFilter> profiles = new HashMap<>();
        private TransitionListener listener = TransitionListener.none();
        private int pageSize = 4096;

        private Builder() {}

        /** How {@code resume} and {@code replay} derive a plan from a manifest; none by default. */
        public Builder planResolver(PlanResolver value) {
            this.planResolver = Objects.requireNonNull(value, "planResolver");
            return this;
        }

        /** The clock of event timestamps, backoff and {@code now_millis}; default the host's. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** How retries wait; default really sleeping. */
        public Builder sleeper(Sleeper value) {
            this.sleeper = Objects.requireNonNull(value, "sleeper");
            return this;
        }

        /** The source of run ids and {@code random_bytes}; default {@link Entropy#secure()}. */
        public Builder entropy(Entropy value) {
            this.entropy = Objects.requireNonNull(value, "entropy");
            return this;
        }

        /** The transports live IO routes calls to; default none. */
        public Builder transports(IoTransportRegistry value) {
            this.transports = Objects.requireNonNull(value, "transports");
            return this;
        }

        /** When events are made durable; default {@link Durability#batched()}. */
        public Builder durability(Durability value) {
            this.durability = Objects.requireNonNull(value, "durability");
            return this;
        }

        /** Registers the custom event profile {@code name} ({@code EventProfile.Custom(name)}). */
        public Builder eventProfile(String name, EventFilter filter) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(filter, "filter");
            if (profiles.putIfAbsent(name, filter) != null) {
                throw new IllegalArgumentException("event profile `" + name + "` is already registered");
            }
            return this;
        }

        /** Observes lifecycle moves; default none. */
        public Builder transitionListener(TransitionListener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        /** Events read per page when resume or replay scans a log; default 4,096. */
        public Builder resumePageSize(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("resumePageSize must be at least 1, got " + value);
            }
            this.pageSize = value;
            return this;
        }

        public Engine build() {
            return new Engine(this);
        }
    }
}
