package dev.cairn.orchestrator.embedded;

import dev.cairn.contracts.RunRequest;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.RunStatus;
import dev.cairn.contracts.RunSummary;
import dev.cairn.contracts.SubmitRunResponse;
import dev.cairn.contracts.api.LogEntry;
import dev.cairn.contracts.api.LogPage;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.contracts.api.ReplayResult;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.RunListItem;
import dev.cairn.contracts.api.RunPage;
import dev.cairn.executor.protocol.SecretMount;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.Canonical;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.config.RunManifest;
import dev.cairn.machine.engine.StartRun;
import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.errors.MachineException;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.runtime.Engine;
import dev.cairn.machine.runtime.JsonContext;
import dev.cairn.machine.runtime.Lifecycle;
import dev.cairn.machine.runtime.ReplayReport;
import dev.cairn.machine.runtime.TransitionListener;
import dev.cairn.machine.runtime.io.IoTransportRegistry;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.orchestrator.OrchestratorException;
import dev.cairn.orchestrator.api.Orchestrator;
import dev.cairn.orchestrator.api.RunQuery;
import dev.cairn.orchestrator.embedded.RunIndex.RunInfo;
import dev.cairn.orchestrator.embedded.RunIndex.StepInfo;
import dev.cairn.orchestrator.embedded.TaskQueue.TaskInfo;
import dev.cairn.orchestrator.spec.ExportTarget;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.LogLevel;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.CompletionResult;
import dev.cairn.runner.api.lease.CompletionStatus;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.HeartbeatAnswer;
import dev.cairn.runner.api.lease.LeaseException;
import dev.cairn.runner.api.lease.LeaseService;
import dev.cairn.runner.api.lease.LogLine;
import dev.cairn.sinks.config.EventSinkConfig;
import dev.cairn.sinks.config.EventsConfigs;
import dev.cairn.store.sqlite.Row;
import dev.cairn.store.sqlite.SqlReader;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteEventStore;
import dev.cairn.store.sqlite.SqliteOptions;
import dev.cairn.workspace.Workspaces;
import dev.cairn.workspace.cache.HostKey;
import dev.cairn.workspace.cache.SqliteActionCache;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The orchestrator in one process, over the embedded store: a SQLite database ({@code
 * <home>/cairn.db}: the event log, the runs index, the task queue, leases and logs, see {@code
 * docs/orchestrator.md}) and the home's artifact store ({@link HomeArtifactStore}: files under {@code
 * <home>/artifacts}, small deferred blobs in {@code cairn.db}'s {@code blobs} table).
 *
 * <pre>{@code
 * try (EmbeddedOrchestrator orchestrator = EmbeddedOrchestrator.open(OrchestratorOptions.builder()
 *         .home(Path.of("/var/lib/cairn")).build())) {
 *     String runId = orchestrator.submitPipeline(PipelineRunRequest.of(spec, Map.of())).runId();
 *     // runner nodes take its tasks from orchestrator.leases(), or localLeases() in this JVM
 * }
 * }</pre>
 *
 * <p>Runs execute on the kernel ({@link Engine}); each step's state dispatches its task through the
 * {@code task} IO namespace ({@link TaskTransport}), so the task's result is a recorded fact. On
 * {@link #open}, runs that had not ended are resumed (a state that was waiting for its task finds
 * the same task again), and leases granted before the restart get one more lease TTL.
 *
 * <p>A task whose capability no runner node serves waits in the queue (a node may start later);
 * {@code cairn status} shows it {@code queued}. Thread-safe.
 */
public final class EmbeddedOrchestrator implements Orchestrator {

    private static final System.Logger LOG = System.getLogger(EmbeddedOrchestrator.class.getName());

    /** The file in the home that keeps the host key of cache keys ({@link HostKey}). */
    public static final String HOST_KEY_FILE = "host.key";

    /** The largest page of events or log lines one call returns. */
    public static final int MAX_PAGE = 10_000;

    /** How many accepted runs' manifests {@code acceptedManifests} remembers. */
    private static final int ACCEPTED_MANIFESTS = 1_024;

    private final OrchestratorOptions options;
    private final SqliteDatabase db;
    private final HomeArtifactStore artifacts;
    /** Task dispatches carried by the barrier's append (one commit instead of two). */
    private final DispatchStaging staging = new DispatchStaging();

    private final SqliteEventStore events;
    private final SqliteActionCache actionCache;
    private final Workspaces workspaces;
    private final TaskQueue queue;
    private final Stores stores;
    private final Planner planner;
    private final Engine engine;
    private final OrchestratorMetrics metrics;
    private final RunSignals appended = new RunSignals();
    private final Signal logged = new Signal();
    private final ConcurrentHashMap<RunId, Thread> drivers = new ConcurrentHashMap<>();
    /**
     * The manifests of runs this orchestrator accepted lately (forgetting one only costs a write).
     * Such a manifest, and the pipeline spec it names, are stored: a committed run names its
     * manifest ({@code runs.manifest_id}, {@code RunStarted}), its manifest names the spec, and runs
     * are never deleted, so every collection keeps both ({@code cairn cache gc}'s roots). A run of
     * the same pipeline with the same parameters does not stage them again: staging rewrote their
     * rows in the acceptance's commit (a WAL frame and two statements in the commit every submission
     * waits for), as content-addressed stores skip what they hold.
     */
    private final Recent<ArtifactId, Boolean> acceptedManifests = new Recent<>(ACCEPTED_MANIFESTS);

    private final Acceptances acceptances;
    private final LeaseService leases;
    private final LeaseService localLeases;
    private final Thread sweeper;
    private volatile boolean closed;

    private EmbeddedOrchestrator(
            OrchestratorOptions options, TaskQueue.Listener listener, List<String> extraMigrationModules) {
        this.options = options;
        Path home = options.home().toAbsolutePath();
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw StorageException.unavailable("cannot create the Cairn home " + home + ": " + e.getMessage(), e);
        }
        SqliteOptions.Builder dbOptions = SqliteOptions.builder(home.resolve("cairn.db"))
                .migrationModule("orchestrator")
                .migrationModule(SqliteActionCache.MIGRATION_MODULE);
        extraMigrationModules.forEach(dbOptions::migrationModule);
        this.db = SqliteDatabase.open(dbOptions.build());
        HomeArtifactStore store;
        try {
            store = HomeArtifactStore.open(db, home.resolve("artifacts"));
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        this.artifacts = store;
        this.events = new SqliteEventStore(db);
        this.actionCache = SqliteActionCache.open(db, options.clock());
        this.workspaces = Workspaces.open(store.files());
        HostKey hostKey;
        try {
            hostKey = options.hostKey()
                    .orElseGet(() -> HostKey.loadOrCreate(home.resolve(HOST_KEY_FILE), options.entropy()));
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        this.metrics = new OrchestratorMetrics(options.meters());
        TaskQueue.Listener both = new TaskQueue.Listener() {
            @Override
            public void onTask(UUID taskId, Lifecycle.Move<TaskStatus> move) {
                metrics.onTask(taskId, move);
                listener.onTask(taskId, move);
            }

            @Override
            public void onLease(UUID taskId, long epoch, Lifecycle.Move<LeaseStatus> move) {
                metrics.onLease(taskId, epoch, move);
                listener.onLease(taskId, epoch, move);
            }
        };
        this.queue = new TaskQueue(db, options, logged, both);
        this.acceptances = new Acceptances(Acceptances.tickFor(options.acceptanceWait()));
        this.leases = new CountingLeases(queue, metrics, false);
        this.localLeases = new CountingLeases(queue, metrics, true);
        ProjectingEventStore projecting =
                new ProjectingEventStore(events, queue, options.clock(), appended, staging, acceptances);
        // its appends are transactions of db, which carry the blobs staged in db's table: the kernel
        // makes no separate flush of the artifact store before them (AppendCarriesBlobs)
        artifacts.carriedBy(projecting);
        this.stores = new Stores(projecting, artifacts);
        this.planner = new Planner(artifacts);
        TransitionListener transitions = metrics;
        this.engine = Engine.builder()
                .planResolver(planner::resolve)
                .clock(options.clock())
                .sleeper(options.sleeper())
                .entropy(options.entropy())
                .durability(options.durability())
                .transports(transports(options, hostKey, store))
                .transitionListener(transitions)
                .build();
        metrics.gauges(this::taskCounts, () -> engine.activeRuns().size());
        metrics.pushes(queue);
        this.sweeper = options.sweepInterval().isZero()
                ? null
                : Thread.ofVirtual().name("cairn-sweeper").unstarted(this::sweepLoop);
    }

    /**
     * The engine's IO namespaces: tasks, the action cache, exports, and {@code inference} when the
     * options give it.
     */
    private IoTransportRegistry transports(OrchestratorOptions options, HostKey hostKey, HomeArtifactStore store) {
        IoTransportRegistry.Builder registry = IoTransportRegistry.builder()
                .register(StepState.NAMESPACE, new TaskTransport(queue, this::stopIfRequested, staging))
                .register(
                        CacheCall.NAMESPACE,
                        new CacheTransport(
                                actionCache, workspaces, hostKey, options.executorVersion(), options.secrets()))
                .register(
                        ExportCall.NAMESPACE,
                        new ExportTransport(
                                store.files(),
                                options.exportSinks(),
                                options.defaultExportSink(),
                                options.exportBase()));
        options.inference()
                .ifPresent(factory -> registry.register(OrchestratorOptions.INFERENCE_NAMESPACE, factory.apply(db)));
        return registry.build();
    }

    /**
     * Opens the orchestrator in {@code options.home()}: opens (or creates) the database and the
     * artifact store, gives leases granted before a restart one more lease TTL, resumes the runs
     * that had not ended (unless {@link OrchestratorOptions#resumeOnOpen()} is off) and starts the
     * sweeper.
     *
     * @throws StorageException {@code store_locked} when another process has the home open
     */
    public static EmbeddedOrchestrator open(OrchestratorOptions options) {
        return open(options, TaskQueue.Listener.none(), List.of());
    }

    /**
     * Opens the orchestrator as {@link #open(OrchestratorOptions)} does, with the migrations of
     * {@code migrationModules} applied to its database as well, so that other components of the
     * same process (a server's token store, an event relay's cursors) keep their tables in it and
     * share it through {@link #database()}.
     */
    public static EmbeddedOrchestrator open(OrchestratorOptions options, List<String> migrationModules) {
        return open(options, TaskQueue.Listener.none(), List.copyOf(migrationModules));
    }

    static EmbeddedOrchestrator open(OrchestratorOptions options, TaskQueue.Listener listener) {
        return open(options, listener, List.of());
    }

    private static EmbeddedOrchestrator open(
            OrchestratorOptions options, TaskQueue.Listener listener, List<String> extraMigrationModules) {
        Objects.requireNonNull(options, "options");
        EmbeddedOrchestrator orchestrator = new EmbeddedOrchestrator(options, listener, extraMigrationModules);
        try {
            orchestrator.queue.recover();
            if (options.resumeOnOpen()) {
                orchestrator.resumeUnfinished();
            }
            if (orchestrator.sweeper != null) {
                orchestrator.sweeper.start();
            }
        } catch (RuntimeException e) {
            orchestrator.close();
            throw e;
        }
        return orchestrator;
    }

    private void resumeUnfinished() {
        List<RunInfo> unfinished = db.read(r -> r.query(
                "SELECT " + RunIndex.RUN_COLUMNS + " FROM runs WHERE phase IN ('accepted', 'running') ORDER BY ord",
                RunIndex::runInfo));
        for (RunInfo run : unfinished) {
            RunId runId = RunId.parse(run.runId());
            launch(runId, null);
            if (run.cancelRequested()) {
                cancelWhenActive(runId);
            }
        }
    }

    // ------------------------------------------------------------------ submission

    @Override
    public SubmitRunResponse submit(RunRequest request) {
        Objects.requireNonNull(request, "request");
        ensureOpen();
        Planner.Planned planned = planner.runners(request);
        return accept(planned, request.runId(), hash(planned, 0), 0, List.of());
    }

    @Override
    public SubmitRunResponse submitPipeline(PipelineRunRequest request) {
        return submitPipeline(request, 0);
    }

    /**
     * {@link #submitPipeline(PipelineRunRequest)} with a priority for the run's tasks: higher runs
     * first when runners are scarce; equal priorities are served first in, first out.
     */
    public SubmitRunResponse submitPipeline(PipelineRunRequest request, long priority) {
        return submitPipeline(request, priority, List.of());
    }

    /**
     * {@link #submitPipeline(PipelineRunRequest, long)} with event sinks for this run only: they are
     * stored with the run (configurations name secrets, never hold them) and handed to {@link
     * OrchestratorOptions#runListener()} whenever the run is driven, so the node can subscribe them
     * to its event relay. Sink names must be unique.
     *
     * @throws OrchestratorException {@code invalid_request} for a sink name given twice
     */
    public SubmitRunResponse submitPipeline(PipelineRunRequest request, long priority, List<EventSinkConfig> sinks) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(sinks, "sinks");
        ensureOpen();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < sinks.size(); i++) {
            if (!names.add(sinks.get(i).name())) {
                throw OrchestratorException.invalidRequest(
                        "sinks[" + i + "].name",
                        "sink `" + sinks.get(i).name() + "` is given twice",
                        "Give each sink of a run its own name.");
            }
        }
        Planner.Planned planned = planner.pipeline(request);
        checkSecrets(planned);
        checkInference(planned);
        if (!planned.sinks().isEmpty()) {
            // the pipeline's own sinks (`events: {sinks: [...]}`) first, then the submission's
            List<EventSinkConfig> merged = new ArrayList<>(planned.sinks());
            for (int i = 0; i < sinks.size(); i++) {
                String name = sinks.get(i).name();
                if (planned.sinks().stream().anyMatch(s -> s.name().equals(name))) {
                    throw OrchestratorException.invalidRequest(
                            "sinks[" + i + "].name",
                            "sink `" + name + "` is declared by the pipeline (`events.sinks`) too",
                            "Give the submission's sink another name than the pipeline's.");
                }
                merged.add(sinks.get(i));
            }
            sinks = merged;
        }
        return accept(planned, request.runId(), hash(planned, priority, sinks), priority, sinks);
    }

    /** The per-run event sinks stored with {@code runId}, in order. */
    public List<EventSinkConfig> runSinks(String runId) {
        RunId id = parse(runId);
        requireRun(id);
        return storedSinks(id);
    }

    private List<EventSinkConfig> storedSinks(RunId runId) {
        return db
                .read(r -> r.query(
                        "SELECT config FROM run_sinks WHERE run_id = ? ORDER BY position",
                        row -> row.getString(1),
                        runId.toString()))
                .stream()
                .map(json ->
                        EventsConfigs.parseSink(Wire.read(json, com.fasterxml.jackson.databind.JsonNode.class), ""))
                .toList();
    }

    private static String hash(Planner.Planned planned, long priority, List<EventSinkConfig> sinks) {
        if (sinks.isEmpty()) {
            return hash(planned, priority);
        }
        com.fasterxml.jackson.databind.node.ArrayNode configs =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        sinks.forEach(sink -> configs.add(EventsConfigs.toTree(sink)));
        return hash(planned, priority) + ":" + ArtifactIds.ofBytes(Canonical.canonicalize(configs));
    }

    /**
     * Refuses a pipeline whose steps or export targets name secrets the configured catalog does not
     * hold ({@code secret_not_found}, naming every missing one and who needs it); without a catalog
     * nothing is checked here (the runner's broker refuses the cell instead).
     */
    private void checkSecrets(Planner.Planned planned) {
        if (options.secrets().isEmpty()) {
            return;
        }
        SecretCatalog catalog = options.secrets().get();
        SortedMap<String, List<String>> missing = new TreeMap<>();
        for (StepPlan step : planned.steps()) {
            if (step.payload() instanceof StepPlan.Payload.Command command) {
                for (SecretMount secret : command.secrets()) {
                    if (!catalog.contains(secret.name())) {
                        List<String> users = missing.computeIfAbsent(secret.name(), k -> new ArrayList<>());
                        if (!users.contains("step " + step.name())) {
                            users.add("step " + step.name());
                        }
                    }
                }
            }
        }
        planned.export().targets().forEach((name, target) -> {
            if (target instanceof ExportTarget.HttpPut put
                    && put.bearer().isPresent()
                    && !catalog.contains(put.bearer().get())) {
                missing.computeIfAbsent(put.bearer().get(), k -> new ArrayList<>())
                        .add("export target " + name);
            }
        });
        if (!missing.isEmpty()) {
            throw OrchestratorException.secretNotFound(missing, catalog.description());
        }
    }

    /**
     * Refuses a pipeline whose steps ask for inference when the home has none configured ({@code
     * inference_unavailable}, naming the steps).
     */
    private void checkInference(Planner.Planned planned) {
        if (options.inference().isPresent()) {
            return;
        }
        List<String> asking = new ArrayList<>();
        for (StepPlan step : planned.steps()) {
            if (step.payload() instanceof StepPlan.Payload.Command command
                    && command.step().inference().isPresent()
                    && !asking.contains(step.name())) {
                asking.add(step.name());
            }
        }
        if (!asking.isEmpty()) {
            throw OrchestratorException.inferenceUnavailable(asking);
        }
    }

    /**
     * A submission's request hash: its manifest's id (the hash of the manifest's canonical form, which
     * the planner computed and {@link #accept} checks against the stored bytes) and its priority.
     */
    private static String hash(Planner.Planned planned, long priority) {
        return planned.manifestId().value() + ":" + priority;
    }

    private SubmitRunResponse accept(
            Planner.Planned planned,
            Optional<String> requested,
            String requestHash,
            long priority,
            List<EventSinkConfig> sinks) {
        RunId runId;
        Optional<String> clientRunId = Optional.empty();
        long now = options.clock().nowMillis();
        if (requested.isPresent()) {
            runId = runIdOf(requested.get());
            if (!runId.toString().equals(requested.get())) {
                clientRunId = requested;
            }
            Optional<RunInfo> existing = db.read(r -> RunIndex.run(r, runId.toString()));
            if (existing.isPresent()) {
                return same(existing.get(), requestHash);
            }
        } else {
            // a UUID v7 of its created_at, so the tables keyed by run id take the runs in flight
            // last; its 74 random bits name no run yet, so nothing is read back before the engine
            // starts (the acceptance's own write still checks, inside its transaction)
            runId = new RunId(TaskIds.run(now, options.entropy()));
        }
        ArtifactId manifestId = planned.manifestId();
        if (acceptedManifests.get(manifestId) == null) {
            // deferred, not yet durable: the transaction of the run's first append (or acceptAlone's)
            // carries them (HomeArtifactStore), before any row names them
            planned.spec().ifPresent(bytes -> artifacts.putDeferred(HomeArtifactStore.PIPELINE_SPEC, bytes));
            ArtifactId stored = artifacts.putDeferred(new ArtifactKind.Manifest(), planned.manifestBytes());
            if (!stored.equals(manifestId)) {
                throw new IllegalStateException("the manifest's id is not the hash of its canonical form");
            }
        }
        RunIndex.Acceptance acceptance = new RunIndex.Acceptance(
                runId.toString(),
                planned.kind(),
                planned.manifest().opId().value(),
                now,
                manifestId.value(),
                requestHash,
                clientRunId,
                planned.mode().map(m -> m.name().toLowerCase(Locale.ROOT)),
                Wire.write(planned.tags()),
                priority,
                planned.timeout().map(t -> now + t.toMillis()),
                planned.steps());
        Acceptances.Pending pending = new Acceptances.Pending(
                acceptance,
                sinks.stream()
                        .map(sink -> EventsConfigs.toTree(sink).toString())
                        .toList(),
                requested.isEmpty());
        StartRun start = new StartRun(
                planned.manifest(),
                manifestId,
                planned.plan(),
                planned.manifest().runConfig(),
                JsonContext.empty(),
                Optional.of(runId));
        // The engine starts at once; its first append writes the acceptance in the same transaction
        // (Acceptances). The answer waits for that commit (P1): the run is durable when it is given.
        // its sinks are known here: no need to read them back (they are not stored yet)
        Optional<RunInfo> raced;
        if (launch(runId, start, Optional.of(sinks), pending)) {
            try {
                if (pending.awaitAppend(options.acceptanceWait()) || !pending.claimForSubmitter()) {
                    raced = pending.await();
                } else {
                    // the engine is slow to reach its first append, or stopped before it
                    raced = acceptAlone(pending);
                }
            } finally {
                acceptances.remove(pending);
            }
        } else {
            // another execution drives this run id (a concurrent submission of it), or we are closing
            acceptances.get(runId.toString()).ifPresent(other -> {
                try {
                    other.await();
                } catch (RuntimeException e) {
                    // its submitter reports it
                }
            });
            Optional<RunInfo> stored = db.read(r -> RunIndex.run(r, runId.toString()));
            raced = stored.isPresent() ? stored : acceptAlone(pending);
        }
        if (raced.isPresent()) {
            return same(raced.get(), requestHash);
        }
        acceptedManifests.put(manifestId, Boolean.TRUE);
        metrics.accepted(planned.kind());
        return new SubmitRunResponse(runId.toString());
    }

    /**
     * Writes {@code pending}'s acceptance in a transaction of its own, which carries the manifest and
     * spec staged in the database's blob table (a larger one, a file, is synced first).
     */
    private Optional<RunInfo> acceptAlone(Acceptances.Pending pending) {
        try {
            artifacts.syncForWrite();
            Optional<RunInfo> raced = db.write(pending::write);
            pending.settled(raced);
            return raced;
        } catch (RuntimeException e) {
            pending.failed(e);
            throw e;
        }
    }

    private static SubmitRunResponse same(RunInfo existing, String requestHash) {
        if (existing.requestHash().filter(requestHash::equals).isEmpty()) {
            throw OrchestratorException.runIdConflict(existing.runId());
        }
        return new SubmitRunResponse(existing.runId());
    }

    /** The run id of a user's run id: a UUID as is, any other string mapped to a UUID. */
    private static RunId runIdOf(String given) {
        if (given.length() == 36) {
            try {
                return new RunId(UUID.fromString(given));
            } catch (IllegalArgumentException e) {
                // not a UUID: an alias
            }
        }
        if (given.isEmpty() || given.length() > 200) {
            throw OrchestratorException.invalidRequest(
                    "runId", "must be 1 to 200 characters", "Use a UUID, or leave it out to get one.");
        }
        return new RunId(TaskIds.alias(given));
    }

    // ------------------------------------------------------------------ driving runs

    /**
     * Executes a run on a virtual thread: {@code start} when given, else resume from its log (or
     * start from its stored manifest when it has none yet). The engine registers a start before
     * returning, so it can be cancelled at once.
     */
    private void launch(RunId runId, StartRun start) {
        launch(runId, start, Optional.empty(), null);
    }

    /** {@link #launch(RunId, StartRun)} with the run's sinks when the caller knows them (else they are read). */
    private boolean launch(
            RunId runId, StartRun start, Optional<List<EventSinkConfig>> sinks, Acceptances.Pending acceptance) {
        if (closed) {
            return false;
        }
        Thread thread = Thread.ofVirtual().name("cairn-run-" + runId).unstarted(() -> drive(runId, start));
        if (drivers.putIfAbsent(runId, thread) != null) {
            return false;
        }
        // registered before the thread starts: only this execution appends to the run's log now
        if (acceptance != null && !acceptances.register(acceptance)) {
            drivers.remove(runId, thread);
            return false;
        }
        try {
            options.runListener().driving(runId.toString(), sinks.orElseGet(() -> storedSinks(runId)));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the run listener failed for run " + runId + ": " + e);
        }
        thread.start();
        return true;
    }

    private void drive(RunId runId, StartRun start) {
        boolean stopped = false;
        try {
            if (start != null) {
                engine.start(stores, start);
            } else if (events.headSeq(runId) == 0) {
                engine.start(stores, storedStart(runId));
            } else {
                engine.resume(stores, runId);
            }
        } catch (RuntimeException e) {
            stopped = true;
            if (!closed) {
                String code = e instanceof MachineException m
                        ? m.code()
                        : e.getClass().getSimpleName();
                LOG.log(Level.WARNING, "run " + runId + " stopped without ending (" + code + "): " + e.getMessage());
            }
        } finally {
            drivers.remove(runId, Thread.currentThread());
            // a submitter still waiting for this run's first append accepts the run itself
            acceptances.get(runId.toString()).ifPresent(Acceptances.Pending::wake);
        }
        if (stopped && !closed) {
            // A cancel interrupts the run's handlers; one interrupted inside the kernel's durability
            // barrier fences the run's writer, and the run stops without its RunCompleted. The cancel
            // request is durable: carry it out on a fresh execution.
            findRun(runId)
                    .filter(run -> !run.terminal() && run.cancelRequested())
                    .ifPresent(run -> cancelWhenActive(runId));
        }
    }

    /** A run accepted before a restart and not started: its stored manifest, planned again. */
    private StartRun storedStart(RunId runId) {
        RunInfo run = requireRun(runId);
        ArtifactId manifestId = new ArtifactId(run.manifestId()
                .orElseThrow(() -> OrchestratorException.notResumable(runId.toString(), "it has no manifest", null)));
        RunManifest manifest;
        try {
            manifest = Wire.read(artifacts.get(manifestId), RunManifest.class);
        } catch (JsonException e) {
            throw OrchestratorException.notResumable(runId.toString(), "its manifest does not read", e);
        }
        return new StartRun(
                manifest,
                manifestId,
                planner.resolve(manifest),
                manifest.runConfig(),
                JsonContext.empty(),
                Optional.of(runId));
    }

    private boolean driving(RunId runId) {
        Thread thread = drivers.get(runId);
        return (thread != null && thread.isAlive()) || engine.activeRuns().contains(runId);
    }

    /** Cancels the run in the engine as soon as it executes there (resuming it if nothing does). */
    private void cancelWhenActive(RunId runId) {
        Thread.ofVirtual().name("cairn-cancel-" + runId).start(() -> {
            for (int i = 0; i < 6000 && !closed; i++) {
                if (engine.cancel(runId)) {
                    return;
                }
                Optional<RunInfo> run = findRun(runId);
                if (run.isEmpty() || run.get().terminal()) {
                    return;
                }
                if (!driving(runId)) {
                    launch(runId, null);
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    // ------------------------------------------------------------------ reading runs

    @Override
    public RunStatus status(String runId) {
        return Views.status(snapshot(parse(runId)));
    }

    @Override
    public RunSummary summary(String runId) {
        return Views.summary(snapshot(parse(runId)));
    }

    @Override
    public RunDetail detail(String runId) {
        RunId id = parse(runId);
        Views.Snapshot snapshot = snapshot(id);
        Map<String, List<LogLine>> tails = db.read(r -> {
            Map<String, List<LogLine>> out = new HashMap<>();
            for (StepInfo step : snapshot.steps()) {
                List<LogLine> lines = new ArrayList<>(r.query(
                        "SELECT ts_millis, level, stream, message FROM logs WHERE run_id = ? AND step_id = ?"
                                + " ORDER BY cursor DESC LIMIT ?",
                        EmbeddedOrchestrator::logLine,
                        id.toString(),
                        step.stepId(),
                        Views.LOG_TAIL));
                Collections.reverse(lines);
                out.put(step.stepId(), lines);
            }
            return out;
        });
        return Views.detail(snapshot, tails);
    }

    private Views.Snapshot snapshot(RunId runId) {
        ensureOpen();
        return db.read(r -> {
            RunInfo run = RunIndex.run(r, runId.toString())
                    .orElseThrow(() -> OrchestratorException.runNotFound(runId.toString()));
            List<StepInfo> steps = RunIndex.steps(r, runId.toString());
            Map<String, TaskInfo> tasks = new LinkedHashMap<>();
            for (TaskInfo task : r.query(
                    "SELECT " + TaskQueue.TASK_COLUMNS
                            + " FROM tasks WHERE run_id = ? ORDER BY state_id, failures, ord",
                    TaskQueue::taskInfo,
                    runId.toString())) {
                tasks.put(task.stateId(), task);
            }
            return new Views.Snapshot(run, steps, tasks, options.clock().nowMillis());
        });
    }

    @Override
    public RunPage runs(RunQuery query) {
        Objects.requireNonNull(query, "query");
        ensureOpen();
        long before = Long.MAX_VALUE;
        if (query.cursor().isPresent()) {
            try {
                before = Long.parseLong(query.cursor().get());
            } catch (NumberFormatException e) {
                before = -1;
            }
            if (before < 1) {
                throw OrchestratorException.invalidCursor(
                        "cursor", query.cursor().get());
            }
        }
        List<String> phases = query.state().map(Views::phases).orElse(List.of());
        long cursor = before;
        String filter = phases.isEmpty() ? "" : " AND r.phase IN (SELECT value FROM json_each(?))";
        String sql = "SELECT " + prefixed(RunIndex.RUN_COLUMNS) + ","
                + " (SELECT count(*) FROM steps s WHERE s.run_id = r.run_id),"
                + " (SELECT count(*) FROM steps s WHERE s.run_id = r.run_id AND s.status IN ('completed', 'skipped')),"
                + " (SELECT count(*) FROM steps s WHERE s.run_id = r.run_id AND s.status = 'failed')"
                + " FROM runs r WHERE r.ord < ?" + filter + " ORDER BY r.ord DESC LIMIT ?";
        List<Object> args = new ArrayList<>();
        args.add(cursor);
        if (!phases.isEmpty()) {
            args.add(Wire.write(phases));
        }
        args.add(query.limit() + 1);
        record Listed(RunInfo run, int total, int completed, int failed) {}
        List<Listed> rows = db.read(r -> r.query(
                sql,
                row -> new Listed(
                        RunIndex.runInfo(row), (int) row.getLong(22), (int) row.getLong(23), (int) row.getLong(24)),
                args.toArray()));
        List<RunListItem> items = new ArrayList<>();
        for (int i = 0; i < Math.min(rows.size(), query.limit()); i++) {
            Listed l = rows.get(i);
            items.add(Views.item(l.run(), l.total(), l.completed(), l.failed()));
        }
        Optional<String> next = rows.size() > query.limit()
                ? Optional.of(Long.toString(rows.get(query.limit() - 1).run().ord()))
                : Optional.empty();
        return new RunPage(items, next);
    }

    private static String prefixed(String columns) {
        StringBuilder out = new StringBuilder();
        for (String column : columns.split(",")) {
            if (!out.isEmpty()) {
                out.append(", ");
            }
            out.append("r.").append(column.strip());
        }
        return out.toString();
    }

    /** The tasks of a run, oldest first (every dispatch of every state). */
    List<TaskInfo> tasks(String runId) {
        RunId id = parse(runId);
        return db.read(r -> r.query(
                "SELECT " + TaskQueue.TASK_COLUMNS + " FROM tasks WHERE run_id = ? ORDER BY ord",
                TaskQueue::taskInfo,
                id.toString()));
    }

    /** What the runs index holds for a run: its row and its steps (for tests that check it). */
    record Indexed(RunInfo run, List<StepInfo> steps) {}

    Indexed indexed(String runId) {
        RunId id = parse(runId);
        return db.read(r -> new Indexed(
                RunIndex.run(r, id.toString()).orElseThrow(() -> OrchestratorException.runNotFound(runId)),
                RunIndex.steps(r, id.toString())));
    }

    // ------------------------------------------------------------------ run control

    @Override
    public RunStatus cancel(String runId) {
        RunId id = parse(runId);
        ensureOpen();
        RunInfo run = requireRun(id);
        if (run.terminal()) {
            return status(runId);
        }
        long now = options.clock().nowMillis();
        TaskQueue.Moves moves = queue.moves();
        db.write(tx -> {
            tx.update("UPDATE runs SET cancel_requested = 1 WHERE run_id = ?", id.toString());
            queue.cancelRun(tx, id.toString(), now, moves);
            return null;
        });
        queue.finish(moves);
        if (!engine.cancel(id)) {
            cancelWhenActive(id);
        }
        return status(runId);
    }

    @Override
    public RunStatus resume(String runId) {
        RunId id = parse(runId);
        ensureOpen();
        RunInfo run = requireRun(id);
        if (run.terminal() || driving(id)) {
            return status(runId);
        }
        try {
            if (events.headSeq(id) == 0) {
                storedStart(id);
            } else {
                planner.resolve(manifestOf(id));
            }
        } catch (OrchestratorException e) {
            throw e;
        } catch (RuntimeException e) {
            String code =
                    e instanceof MachineException m ? m.code() : e.getClass().getSimpleName();
            throw OrchestratorException.notResumable(runId, code + ": " + e.getMessage(), e);
        }
        launch(id, null);
        if (run.cancelRequested()) {
            cancelWhenActive(id);
        }
        return status(runId);
    }

    private RunManifest manifestOf(RunId runId) {
        EventEnvelope first = events.readRange(runId, 1, Optional.of(1L)).getFirst();
        if (!(first.event() instanceof Event.Kernel k && k.event() instanceof KernelEvent.RunStarted started)) {
            throw OrchestratorException.notResumable(runId.toString(), "its log does not start with RunStarted", null);
        }
        return Wire.read(artifacts.get(started.manifestId()), RunManifest.class);
    }

    @Override
    public ReplayResult replay(String runId) {
        RunId id = parse(runId);
        ensureOpen();
        RunInfo run = requireRun(id);
        if (!run.terminal()) {
            throw OrchestratorException.notFinished(runId);
        }
        ReplayReport report = engine.replay(stores, id);
        Optional<String> diverged =
                report.divergence().map(d -> stepIdOf(id, d.stateId().value()));
        String message = diverged.isEmpty()
                ? "replayed " + report.statesVerified() + " states from the recorded facts; each ended as in the"
                        + " original"
                : "step `" + diverged.get() + "` ended differently in the replay ("
                        + report.divergence().get().reason() + ")";
        return new ReplayResult(id.toString(), report.replayRunId().toString(), report.verified(), diverged, message);
    }

    private String stepIdOf(RunId runId, String stateId) {
        return db.read(r -> r.queryOne(
                        "SELECT step_id FROM steps WHERE run_id = ? AND state_id = ?",
                        row -> row.getString(1),
                        runId.toString(),
                        stateId))
                .orElse(stateId);
    }

    // ------------------------------------------------------------------ events and logs

    @Override
    public List<EventEnvelope> events(String runId, long afterSeq, int limit, Duration wait) {
        RunId id = parse(runId);
        checkPage(afterSeq, limit, wait, "after_seq");
        requireRun(id);
        long deadline = System.nanoTime() + wait.toNanos();
        // followed before the first read, so that an append committed after the read wakes the wait
        try (RunSignals.Follow follow = appended.follow(id.toString())) {
            while (true) {
                ensureOpen();
                long seen = follow.signal().version();
                List<EventEnvelope> page = events.readRange(id, afterSeq + 1, Optional.empty(), limit);
                if (!page.isEmpty() || requireRun(id).terminal()) {
                    return page;
                }
                if (!await(follow.signal(), seen, deadline)) {
                    return List.of();
                }
            }
        }
    }

    /**
     * Waits up to {@code wait} for run {@code runId} to end, and returns its state: a terminal one
     * when it ended, else the state when the wait ran out (or the calling thread was interrupted,
     * with its flag kept). Only appends to this run wake the wait, and each wake reads the run's row
     * in the runs index, not its log: a caller that only needs the end pays one indexed read per
     * append, where following {@link #events} decodes every event and {@link #status} reads every
     * step and task. The state is the one {@link #status} reports.
     *
     * @throws OrchestratorException {@code run_not_found}; {@code invalid_request} for a negative wait
     */
    public RunState awaitEnd(String runId, Duration wait) {
        RunId id = parse(runId);
        Objects.requireNonNull(wait, "wait");
        if (wait.isNegative()) {
            throw OrchestratorException.invalidRequest("wait", "must not be negative, got " + wait, null);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        try (RunSignals.Follow follow = appended.follow(id.toString())) {
            while (true) {
                ensureOpen();
                long seen = follow.signal().version();
                RunInfo run = requireRun(id);
                if (run.terminal()) {
                    return Views.state(run.phase());
                }
                if (!await(follow.signal(), seen, deadline)) {
                    return Views.state(requireRun(id).phase());
                }
            }
        }
    }

    @Override
    public LogPage logs(String runId, Optional<String> stepId, long afterCursor, int limit, Duration wait) {
        RunId id = parse(runId);
        Objects.requireNonNull(stepId, "step_id");
        checkPage(afterCursor, limit, wait, "after");
        requireRun(id);
        if (stepId.isPresent()) {
            List<String> steps = db.read(r -> r.query(
                    "SELECT DISTINCT name FROM steps WHERE run_id = ? UNION SELECT step_id FROM steps WHERE run_id = ?",
                    row -> row.getString(1),
                    id.toString(),
                    id.toString()));
            if (!steps.contains(stepId.get())) {
                throw OrchestratorException.stepNotFound(
                        runId, stepId.get(), steps.stream().sorted().toList());
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            ensureOpen();
            long seen = logged.version();
            List<LogEntry> lines = db.read(r -> lines(r, id, stepId, afterCursor, limit));
            if (!lines.isEmpty() || requireRun(id).terminal()) {
                return new LogPage(
                        lines, lines.isEmpty() ? afterCursor : lines.getLast().cursor());
            }
            if (!await(logged, seen, deadline)) {
                return new LogPage(List.of(), afterCursor);
            }
        }
    }

    private static List<LogEntry> lines(SqlReader r, RunId id, Optional<String> stepId, long after, int limit) {
        String columns = "SELECT cursor, step_id, attempt, ts_millis, level, stream, message FROM logs";
        if (stepId.isEmpty()) {
            return r.query(
                    columns + " WHERE run_id = ? AND cursor > ? ORDER BY cursor LIMIT ?",
                    EmbeddedOrchestrator::logEntry,
                    id.toString(),
                    after,
                    limit);
        }
        return r.query(
                columns + " WHERE run_id = ? AND (step_id = ? OR step_id LIKE ? ESCAPE '\\') AND cursor > ?"
                        + " ORDER BY cursor LIMIT ?",
                EmbeddedOrchestrator::logEntry,
                id.toString(),
                stepId.get(),
                stepId.get().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "@%",
                after,
                limit);
    }

    private static LogEntry logEntry(Row row) {
        return new LogEntry(
                row.getLong(1),
                row.getString(2),
                (int) row.getLong(3),
                new LogLine(
                        row.getLong(4),
                        LogLevel.valueOf(row.getString(5).toUpperCase(Locale.ROOT)),
                        row.getString(6),
                        row.getString(7)));
    }

    private static LogLine logLine(Row row) {
        return new LogLine(
                row.getLong(1),
                LogLevel.valueOf(row.getString(2).toUpperCase(Locale.ROOT)),
                row.getString(3),
                row.getString(4));
    }

    private static void checkPage(long after, int limit, Duration wait, String afterName) {
        if (after < 0) {
            throw OrchestratorException.invalidRequest(afterName, "must not be negative, got " + after, null);
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw OrchestratorException.invalidRequest(
                    "limit", "must be 1.." + MAX_PAGE + ", got " + limit, "Ask for fewer at a time.");
        }
        Objects.requireNonNull(wait, "wait");
        if (wait.isNegative() || wait.compareTo(AcquireRequest.MAX_WAIT) > 0) {
            throw OrchestratorException.invalidRequest(
                    "wait", "must be 0.." + AcquireRequest.MAX_WAIT.toSeconds() + " s, got " + wait, null);
        }
    }

    private boolean await(Signal signal, long seen, long deadline) {
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (remaining <= 0) {
            return false;
        }
        try {
            signal.awaitMillis(seen, Math.min(remaining, 1000));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ------------------------------------------------------------------ services

    @Override
    public LeaseService leases() {
        return leases;
    }

    /**
     * The lease service for a runner node in this JVM, whose runners end when this process does:
     * {@link #leases()}, but a lease taken off the queue reaches the runner as soon as its grant has
     * joined the write transaction, while that commits, rather than after (see {@link
     * TaskQueue#acquireLocal}). A runner anywhere else, or one that could outlive this process, must
     * use {@link #leases()}.
     */
    public LeaseService localLeases() {
        return localLeases;
    }

    /**
     * The database of the event log and the orchestrator's tables, for components of the same
     * process that keep their own tables in it (opened with their modules through {@link
     * #open(OrchestratorOptions, List)}). It is closed by {@link #close()}.
     */
    public SqliteDatabase database() {
        return db;
    }

    /**
     * The action cache the orchestrator decides from and commits to: in {@code cairn.db}, the
     * tables of the {@code workspace} migrations (what {@code cairn cache} reads).
     */
    public SqliteActionCache actionCache() {
        return actionCache;
    }

    @Override
    public ArtifactStore artifacts() {
        return artifacts;
    }

    /**
     * Puts each deferred and syncs only what the completion's own transaction of {@code cairn.db}
     * does not carry ({@link HomeArtifactStore#syncForWrite}): a whole {@code sync()} would also
     * commit the blobs the engine has staged in the table, a transaction of its own on the
     * completion's way (half of a remote completion's time in {@code cairn bench tasks}).
     */
    @Override
    public void storeOutputs(List<byte[]> contents) {
        for (byte[] content : contents) {
            artifacts.putDeferred(new ArtifactKind.Output(), content);
        }
        artifacts.syncForWrite();
    }

    /**
     * A task of {@code runId} ended cancelled, and its step is about to fail: if the run is being
     * cancelled or is past its timeout, stop it in the engine first, so it ends cancelled (or timed
     * out) rather than failed. The run is executing (its handler is the caller), so the stop lands.
     */
    private void stopIfRequested(RunId runId) {
        findRun(runId)
                .filter(run -> run.cancelRequested() || run.timeoutRequested())
                .ifPresent(run -> engine.cancel(runId));
    }

    /**
     * Runs the sweeper once now: expires leases and timeouts and ends runs past their deadline,
     * reading the clock port (what the background sweeper does every {@code sweep_interval}).
     */
    public void sweep() {
        ensureOpen();
        for (String run : queue.sweep()) {
            RunId id = RunId.parse(run);
            if (!engine.cancel(id)) {
                cancelWhenActive(id);
            }
        }
    }

    private void sweepLoop() {
        while (!closed) {
            try {
                Thread.sleep(options.sweepInterval());
            } catch (InterruptedException e) {
                return;
            }
            try {
                sweep();
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.log(Level.WARNING, "the sweeper failed: " + e.getMessage());
            }
        }
    }

    private Map<String, Long> taskCounts() {
        if (closed) {
            return Map.of();
        }
        try {
            Map<String, Long> counts = new HashMap<>();
            db.read(r -> r.query(
                            // each status a literal of its own: tasks_ready and tasks_by_expiry are partial (V4)
                            "SELECT 'queued', count(*) FROM tasks WHERE status = 'queued'"
                                    + " UNION ALL SELECT 'leased', count(*) FROM tasks WHERE status = 'leased'",
                            row -> Map.entry(row.getString(1), row.getLong(2))))
                    .forEach(e -> counts.put(e.getKey(), e.getValue()));
            return counts;
        } catch (StorageException e) {
            return Map.of();
        }
    }

    // ------------------------------------------------------------------ closing

    /**
     * Closes: refuses new calls, closes the database first (so nothing more is appended: runs stop
     * where their log is, and resume after the next {@link #open}), then releases the dispatches
     * waiting for tasks and waits briefly for the runs' threads to stop. Tasks and leases stay in
     * the database. Closing twice does nothing.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (sweeper != null) {
            sweeper.interrupt();
        }
        try {
            artifacts.table().sync(); // what is staged needs the database; nothing durable references it yet
        } catch (StorageException e) {
            // then nothing needs it: a durable write would have carried it
        }
        db.close();
        queue.close();
        acceptances.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Thread thread : List.copyOf(drivers.values())) {
            if (thread.getState() == Thread.State.NEW) {
                // registered by a launch that raced this close and has not started it yet: joining
                // it would throw; once started, it finds the stores closed and ends at once
                continue;
            }
            try {
                thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        artifacts.close();
    }

    // ------------------------------------------------------------------ helpers

    private void ensureOpen() {
        if (closed) {
            throw OrchestratorException.closed();
        }
    }

    private static RunId parse(String runId) {
        Objects.requireNonNull(runId, "run_id");
        if (runId.length() == 36) {
            try {
                return new RunId(UUID.fromString(runId));
            } catch (IllegalArgumentException e) {
                // an alias
            }
        }
        if (runId.isEmpty() || runId.length() > 200) {
            throw OrchestratorException.runNotFound(runId);
        }
        return new RunId(TaskIds.alias(runId));
    }

    private Optional<RunInfo> findRun(RunId runId) {
        try {
            return db.read(r -> RunIndex.run(r, runId.toString()));
        } catch (StorageException e) {
            return Optional.empty();
        }
    }

    private RunInfo requireRun(RunId runId) {
        return db.read(r -> RunIndex.run(r, runId.toString()))
                .orElseThrow(() -> OrchestratorException.runNotFound(runId.toString()));
    }

    /** Counts refused lease calls; otherwise the queue itself. */
    private record CountingLeases(TaskQueue queue, OrchestratorMetrics metrics, boolean local) implements LeaseService {

        @Override
        public List<LeaseEnvelope> acquire(AcquireRequest request) {
            return local ? queue.acquireLocal(request) : queue.acquire(request);
        }

        @Override
        public HeartbeatAnswer heartbeat(Heartbeat heartbeat) {
            try {
                return queue.heartbeat(heartbeat);
            } catch (LeaseException e) {
                metrics.refused(e.code());
                throw e;
            }
        }

        @Override
        public void complete(Completion completion) {
            try {
                queue.complete(completion);
            } catch (LeaseException e) {
                metrics.refused(e.code());
                throw e;
            }
        }

        @Override
        public List<CompletionResult> complete(List<Completion> completions) {
            List<CompletionResult> results;
            try {
                results = queue.complete(completions);
            } catch (LeaseException e) {
                metrics.refused(e.code());
                throw e;
            }
            for (CompletionResult result : results) {
                if (result.status() != CompletionStatus.DONE) {
                    metrics.refused(result.status().code());
                }
            }
            return results;
        }
    }
}
