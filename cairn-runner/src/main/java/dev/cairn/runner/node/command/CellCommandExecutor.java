package dev.cairn.runner.node.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.executor.CellEvent;
import dev.cairn.executor.ExecutorException;
import dev.cairn.executor.StepExecutor;
import dev.cairn.executor.StepHost;
import dev.cairn.executor.archive.SpooledArchive;
import dev.cairn.executor.cell.CellStepExecutor;
import dev.cairn.executor.cell.CellStepOptions;
import dev.cairn.executor.plugin.PluginExecutor;
import dev.cairn.executor.plugin.PluginOptions;
import dev.cairn.executor.protocol.ArchiveId;
import dev.cairn.executor.protocol.ArchiveReadRequest;
import dev.cairn.executor.protocol.ArchiveReadResponse;
import dev.cairn.executor.protocol.CacheDecision;
import dev.cairn.executor.protocol.CommandTask;
import dev.cairn.executor.protocol.ExecutorInput;
import dev.cairn.executor.protocol.SecretMount;
import dev.cairn.executor.protocol.StepResult;
import dev.cairn.json.CodedError;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.runner.api.ControlPlane;
import dev.cairn.runner.api.RunnerException;
import dev.cairn.runner.api.TaskCtx;
import dev.cairn.runner.node.StoreInputSource;
import dev.cairn.store.fs.FsArtifactStore;
import dev.cairn.workspace.FileBackedStore;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.WorkspaceOptions;
import dev.cairn.workspace.Workspaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The default {@code command} executor: hands each {@link CommandTask} to a seed-002 {@link
 * StepExecutor} — the built-in {@link CellStepExecutor} (each step in a cell over a materialized
 * workspace, with per-cell secrets and masked output) or an external {@link PluginExecutor} — as an
 * {@link ExecutorInput}, and serves the executor's host calls from the task's context.
 *
 * <ul>
 *   <li><b>Cache.</b> The host's decision is honoured, never re-made: on a {@link
 *       CacheDecision.Hit} the entry's recorded {@code cached.result} is returned and nothing runs
 *       (a log line says so). Otherwise the step runs from {@code parent_snapshot} (a chain) or from
 *       the tree of {@code inputs}, and a successful run reports {@code committed_snapshot =
 *       tree:<root tree id>}; the runner never writes the host's action cache.
 *   <li><b>Workspace archive.</b> The input tree is the step's archive: the built-in executor
 *       materializes the tree itself; a plugin reads it as a tar stream by {@code (offset, max)}.
 *   <li><b>Log.</b> Output lines (masked by the executor) become log events with {@code stream}
 *       {@code stdout}/{@code stderr}; the executor's own lines {@code runner}; each cell lifecycle
 *       transition a line on stream {@value #CELL_STREAM} whose message is the {@link CellEvent} as one
 *       JSON object plus {@code event} (its state) and, when the cell has one, {@code
 *       broker_correlation_id} — the record the orchestrator turns into {@code dev.cairn.cell.*.v1}
 *       events.
 *   <li><b>Outputs</b> go through {@code ctx.output()}; <b>cancellation</b> is {@code
 *       ctx.ctrl().isCancelled()} or an interrupt.
 * </ul>
 *
 * <p>Executor failures become {@link RunnerException}s with the executor's code ({@code
 * command_timeout}, {@code secret_in_output}, {@code cell_setup_failed}, {@code plugin_exited}, …);
 * cancellation is {@link RunnerException#cancelled(String)}.
 */
public final class CellCommandExecutor implements CommandExecutor {

    /**
     * The log stream of cell lifecycle records: each message is one JSON object, the {@link
     * CellEvent}'s fields plus {@code event} ({@code created}, {@code started}, {@code exited},
     * {@code destroyed}; {@code failed} when setup fails) and optionally {@code broker_correlation_id}.
     */
    public static final String CELL_STREAM = "cell";

    private static final Object DEFAULT_LOCK = new Object();
    private static CellStepExecutor defaultExecutor;

    private final Supplier<StepExecutor> executor;
    private volatile WorkspacesFor workspaces;

    private record WorkspacesFor(ArtifactStore store, Workspaces workspaces) {}

    private CellCommandExecutor(Supplier<StepExecutor> executor) {
        this.executor = executor;
    }

    /**
     * The built-in cell executor with {@link CellStepOptions#defaults()} (no secret broker), one per
     * JVM, created on first use.
     */
    public static CellCommandExecutor create() {
        return new CellCommandExecutor(() -> {
            synchronized (DEFAULT_LOCK) {
                if (defaultExecutor == null) {
                    defaultExecutor = CellStepExecutor.create(CellStepOptions.defaults());
                }
                return defaultExecutor;
            }
        });
    }

    /** The built-in cell executor with {@code options} (e.g. the node's secret broker). */
    public static CellCommandExecutor create(CellStepOptions options) {
        CellStepExecutor built = CellStepExecutor.create(options);
        return new CellCommandExecutor(() -> built);
    }

    /** Steps executed by {@code executor} (a {@link CellStepExecutor} or a {@link PluginExecutor}). */
    public static CellCommandExecutor create(StepExecutor executor) {
        Objects.requireNonNull(executor, "executor");
        return new CellCommandExecutor(() -> executor);
    }

    /** Steps executed by the external executor program {@code plugin}. */
    public static CellCommandExecutor plugin(PluginOptions plugin) {
        return create(new PluginExecutor(plugin));
    }

    /** The step executor. */
    public StepExecutor stepExecutor() {
        return executor.get();
    }

    @Override
    public StepResult execute(CommandTask task, TaskCtx ctx) {
        String taskId = ctx.task().id().toString();
        ControlPlane ctrl = ctx.ctrl();
        if (task.cache() instanceof CacheDecision.Hit hit) {
            StepResult cached = task.cached().orElseThrow().result();
            ctrl.log(
                    dev.cairn.runner.api.LogLevel.INFO,
                    "cache hit " + hit.tag()
                            + task.cacheKey().map(k -> " (key " + k + ")").orElse("")
                            + ": the command does not run; serving the recorded result (exit code "
                            + cached.exitCode() + ", " + cached.artifacts().size() + " outputs)");
            ctrl.progress(JsonNodeFactory.instance.objectNode().put("status", "cached"));
            return cached;
        }
        if (ctrl.isCancelled() || Thread.currentThread().isInterrupted()) {
            throw RunnerException.cancelled(taskId);
        }
        StepExecutor step = executor.get();
        Workspaces ws = workspaces(ctx);
        TreeId inputTree;
        try {
            inputTree = ws.inputTree(task.inputs());
        } catch (RuntimeException e) {
            throw failed(e, "cannot build the input tree of task " + taskId);
        }
        ExecutorInput input = new ExecutorInput(
                task.step(),
                new ArchiveId(UUID.randomUUID()),
                task.step().env(),
                task.step().workdir(),
                uuid(task.runId()),
                ctx.task().id(),
                task.cache(),
                task.parentSnapshot());
        try (Host host = new Host(task, ctx, ws, input.workspaceArchiveId(), inputTree)) {
            ctrl.progress(JsonNodeFactory.instance
                    .objectNode()
                    .put("status", "running")
                    .put("executor", step.name()));
            StepResult result = step.execute(input, host);
            ctrl.progress(JsonNodeFactory.instance
                    .objectNode()
                    .put("status", "exited")
                    .put("exit_code", result.exitCode()));
            return result;
        } catch (ExecutorException e) {
            if (e.code().equals(ExecutorException.CANCELLED) || ctrl.isCancelled()) {
                throw RunnerException.cancelled(taskId);
            }
            throw new RunnerException(e.code(), e.getMessage(), e.retryable(), e.hint(), e);
        }
    }

    private Workspaces workspaces(TaskCtx ctx) {
        if (!(ctx.input() instanceof StoreInputSource source)) {
            throw new RunnerException(
                    "artifact_store_unavailable",
                    "the command executor needs the node's artifact store, and this task's inputs do not come from one",
                    false,
                    "Run command steps on a RunnerNode or Worker.",
                    null);
        }
        ArtifactStore store = source.store();
        WorkspacesFor current = workspaces;
        if (current == null || current.store() != store) {
            Workspaces ws = store instanceof FsArtifactStore fs
                    ? Workspaces.open(fs)
                    : store instanceof FileBackedStore backed
                            ? Workspaces.open(backed.files())
                            : Workspaces.uncollected(store, WorkspaceOptions.defaults());
            current = new WorkspacesFor(store, ws);
            workspaces = current;
        }
        return current.workspaces();
    }

    private static UUID uuid(String runId) {
        try {
            return UUID.fromString(runId);
        } catch (IllegalArgumentException e) {
            return UUID.nameUUIDFromBytes(runId.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static RunnerException failed(RuntimeException e, String what) {
        if (e instanceof CodedError coded) {
            return new RunnerException(coded.code(), what + ": " + e.getMessage(), coded.retryable(), coded.hint(), e);
        }
        return RunnerException.failed(what + ": " + e, false, e);
    }

    /** The executor's host for one task. */
    private static final class Host implements StepHost, AutoCloseable {
        private final CommandTask task;
        private final TaskCtx ctx;
        private final Workspaces workspaces;
        private final ArchiveId archive;
        private final TreeId tree;
        private SpooledArchive spooled;
        private Path spoolDir;

        Host(CommandTask task, TaskCtx ctx, Workspaces workspaces, ArchiveId archive, TreeId tree) {
            this.task = task;
            this.ctx = ctx;
            this.workspaces = workspaces;
            this.archive = archive;
            this.tree = tree;
        }

        @Override
        public String stepLabel() {
            return task.runId() + "/" + task.stepId();
        }

        @Override
        public synchronized ArchiveReadResponse archiveRead(ArchiveReadRequest request) {
            if (!request.archiveId().equals(archive)) {
                throw new ExecutorException(
                        "unknown_archive",
                        "archive " + request.archiveId() + " is not this step's workspace archive",
                        false,
                        "Read the archive named by workspace_archive_id.",
                        null);
            }
            try {
                if (spooled == null) {
                    spoolDir = Files.createTempDirectory("cairn-archive-");
                    spooled = SpooledArchive.of(archive, workspaces.store(), tree, spoolDir);
                }
                return spooled.read(request);
            } catch (IOException e) {
                throw ExecutorException.localIo(stepLabel(), "cannot serve the workspace archive", e);
            }
        }

        @Override
        public Optional<TreeId> archiveTree(ArchiveId id) {
            return id.equals(archive) ? Optional.of(tree) : Optional.empty();
        }

        @Override
        public Workspaces workspaces() {
            return workspaces;
        }

        @Override
        public List<SecretMount> secrets() {
            return task.secrets();
        }

        @Override
        public void log(String level, String stream, String message) {
            ObjectNode event = JsonNodeFactory.instance.objectNode();
            event.put("level", level).put("stream", stream).put("message", message);
            ctx.ctrl().logEvent(event);
        }

        @Override
        public void lifecycle(CellEvent event) {
            ObjectNode record = (ObjectNode) Wire.toTree(event);
            record.put("event", event.state());
            event.correlationId().ifPresent(id -> record.put("broker_correlation_id", id));
            log("info", CELL_STREAM, Wire.write(record));
        }

        @Override
        public void output(String key, Path file) {
            ctx.output().putFile(key, file);
        }

        @Override
        public boolean isCancelled() {
            return ctx.ctrl().isCancelled();
        }

        @Override
        public synchronized void close() {
            try {
                if (spooled != null) {
                    spooled.close();
                }
                if (spoolDir != null) {
                    Files.deleteIfExists(spoolDir);
                }
            } catch (IOException e) {
                // a temporary file left behind is swept with the temporary directory
            }
        }
    }
}
