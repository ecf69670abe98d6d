package dev.cairn.executor.cell;

import dev.cairn.cells.Cell;
import dev.cairn.cells.CellLifecycleRecord;
import dev.cairn.cells.CellLimits;
import dev.cairn.cells.CellOutcome;
import dev.cairn.cells.CellOutputListener;
import dev.cairn.cells.CellProfile;
import dev.cairn.cells.CellResult;
import dev.cairn.cells.CellRuntime;
import dev.cairn.cells.CellSpec;
import dev.cairn.cells.NetworkPolicy;
import dev.cairn.cells.TeardownReport;
import dev.cairn.executor.CellEvent;
import dev.cairn.executor.ExecutorException;
import dev.cairn.executor.StepExecutor;
import dev.cairn.executor.StepHost;
import dev.cairn.executor.protocol.ArtifactRef;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.ExecutorInput;
import dev.cairn.executor.protocol.NetworkGrant;
import dev.cairn.executor.protocol.ResourceLimits;
import dev.cairn.executor.protocol.Run;
import dev.cairn.executor.protocol.SecretMount;
import dev.cairn.executor.protocol.SnapshotRef;
import dev.cairn.executor.protocol.StepResult;
import dev.cairn.json.CodedError;
import dev.cairn.secrets.CellSecrets;
import dev.cairn.secrets.SecretFile;
import dev.cairn.secrets.SecretRequest;
import dev.cairn.secrets.mask.LineMasker;
import dev.cairn.secrets.mask.Masker;
import dev.cairn.workspace.OutputArtifact;
import dev.cairn.workspace.SnapshotResult;
import dev.cairn.workspace.StatCache;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.cache.SnapshotRefs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in step executor ({@value #NAME}): each step in a fresh workspace in a cell of {@code
 * cairn-cells}.
 *
 * <ol>
 *   <li>A fresh directory under {@link CellStepOptions#workRoot()} becomes the workspace; the
 *       parent snapshot ({@code tree:<id>}) or else the host's input tree ({@link
 *       StepHost#archiveTree}) is materialized into it.
 *   <li>The declared secrets are resolved from the {@link CellStepOptions#secretBroker()} for this
 *       cell only, with the step's timeout plus a margin as time to live, and delivered as
 *       variables or as files on a tmpfs named by {@code CAIRN_SECRETS_DIR}; they are revoked after
 *       the cell's teardown.
 *   <li>When the step asks for inference ({@code CommandStep.inference}), the {@link
 *       CellStepOptions#inference()} port starts an endpoint for this cell only; the cell is granted
 *       it (on top of the step's network grant) and gets {@code OPENAI_BASE_URL} and {@code
 *       OPENAI_API_KEY} (a token for that endpoint, masked in the output); it is closed after the
 *       cell's teardown. Without the port the step fails with {@code inference_unavailable}.
 *   <li>The step runs in a cell: {@code sandbox} steps in a bubblewrap sandbox where it works,
 *       otherwise (unless {@link CellStepOptions#requireSandbox()}) as a host process, and the log
 *       says so and why; with the step's limits, timeout, network grant, environment and workdir.
 *   <li>stdout and stderr are masked (every form of every declared secret) line by line before
 *       they reach {@link StepHost#log}. Lifecycle transitions go to {@link StepHost#lifecycle};
 *       cancellation and timeout tear the cell down; the teardown's verification is logged.
 *   <li>After exit code 0: when secrets were declared, every workspace file is scanned, and a file
 *       holding a secret fails the step ({@code secret_in_output} for a declared output, {@code
 *       secret_in_workspace} otherwise) before anything is stored. Then the workspace is
 *       snapshotted, the outputs (globs) are handed to {@link StepHost#output}, and the result
 *       reports {@code committed_snapshot = tree:<root tree id>}.
 *   <li>The directory is deleted, whatever happened.
 * </ol>
 */
public final class CellStepExecutor implements StepExecutor, AutoCloseable {

    /** The executor's name and version, part of cache keys. */
    public static final String NAME = "cairn-cell/1";

    private static final Logger LOG = LoggerFactory.getLogger(CellStepExecutor.class);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final CellRuntime runtime;
    private final boolean ownsRuntime;
    private final CellStepOptions options;

    private CellStepExecutor(CellRuntime runtime, boolean ownsRuntime, CellStepOptions options) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.ownsRuntime = ownsRuntime;
        this.options = Objects.requireNonNull(options, "options");
    }

    /** An executor over its own {@link CellRuntime} (closed with the executor). */
    public static CellStepExecutor create(CellStepOptions options) {
        return new CellStepExecutor(CellRuntime.create(), true, options);
    }

    /** An executor over {@code runtime}, which the caller keeps and closes. */
    public static CellStepExecutor create(CellRuntime runtime, CellStepOptions options) {
        return new CellStepExecutor(runtime, false, options);
    }

    public CellStepOptions options() {
        return options;
    }

    /** The cells runtime. */
    public CellRuntime runtime() {
        return runtime;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public StepResult execute(ExecutorInput input, StepHost host) {
        String step = host.stepLabel();
        if (input.cacheLookup() instanceof dev.cairn.executor.protocol.CacheDecision.Hit) {
            throw new ExecutorException(
                    "cache_hit_not_executed",
                    "step " + step + ": the host decided a cache hit; a hit is served from the host's cache entry,"
                            + " not executed",
                    false,
                    "Serve the entry's recorded result (the runner's CellCommandExecutor does) instead of calling"
                            + " the executor.",
                    null);
        }
        String cellId = "step-" + input.stepId() + "-" + SEQUENCE.incrementAndGet();
        Path dir = createStepDirectory(step, cellId);
        try {
            Path work = dir.resolve("work");
            StatCache stat = StatCache.inMemory();
            TreeId start = startTree(input, host, step);
            try {
                host.workspaces().materialize(start, work, stat);
            } catch (RuntimeException e) {
                throw wrap(step, "cannot materialize the workspace " + start.value(), e);
            }
            checkCancelled(host, step);
            Path workdir = work.resolve(input.workdir()).normalize();
            if (!workdir.startsWith(work)) {
                throw new ExecutorException(
                        "invalid_workdir", "step " + step + ": workdir leaves the workspace", false, "", null);
            }
            Files.createDirectories(workdir);
            List<SecretMount> declared = host.secrets();
            Masker masker = Masker.none();
            int exit;
            try (CellSecrets secrets = resolveSecrets(declared, cellId, input.step(), step);
                    CellInference.Session inference = openInference(input, cellId, step)) {
                if (secrets != null) {
                    masker = secrets.masker();
                }
                exit = runCell(input, host, step, cellId, work, secrets, masker, inference);
            } catch (ExecutorException e) {
                throw e;
            } catch (RuntimeException e) {
                throw wrap(step, "the step's secrets failed", e);
            }
            if (exit != 0) {
                return new StepResult(exit, Optional.empty(), List.of());
            }
            if (!masker.secretNames().isEmpty()) {
                scanForSecrets(work, input.step().outputs(), masker, step);
            }
            SnapshotResult snapshot;
            try {
                snapshot = host.workspaces().snapshot(work, stat);
            } catch (RuntimeException e) {
                throw wrap(step, "cannot snapshot the workspace", e);
            }
            List<ArtifactRef> artifacts = new ArrayList<>();
            for (OutputArtifact out :
                    host.workspaces().outputs(snapshot.tree(), input.step().outputs())) {
                host.output(out.key(), work.resolve(out.key()));
                artifacts.add(out.toArtifactRef());
            }
            host.log(
                    "info",
                    "runner",
                    "workspace snapshot tree:" + snapshot.tree().value() + " (" + snapshot.files() + " files, "
                            + snapshot.hashedFiles() + " hashed, " + snapshot.storedBlobs() + " blobs stored)");
            return new StepResult(0, Optional.of(SnapshotRefs.treeRef(snapshot.tree())), artifacts);
        } catch (IOException e) {
            throw ExecutorException.localIo(step, "cannot prepare the workspace", e);
        } finally {
            deleteTree(dir);
        }
    }

    private TreeId startTree(ExecutorInput input, StepHost host, String step) {
        if (input.parentSnapshot().isPresent()) {
            SnapshotRef ref = input.parentSnapshot().get();
            try {
                return switch (SnapshotRefs.parse(ref)) {
                    case SnapshotRefs.Target.Tree t -> t.tree();
                    case SnapshotRefs.Target.Cache c ->
                        throw new ExecutorException(
                                "parent_snapshot_unresolvable",
                                "step " + step + ": parent snapshot " + ref + " names a cache entry; this executor"
                                        + " needs the tree (tree:<id>)",
                                false,
                                "The host resolves cache tags to trees before dispatching a chained step.",
                                null);
                };
            } catch (RuntimeException e) {
                throw wrap(step, "cannot use parent snapshot " + ref, e);
            }
        }
        return host.archiveTree(input.workspaceArchiveId())
                .orElseThrow(() -> ExecutorException.workspace(
                        step,
                        "the host does not name the tree of archive " + input.workspaceArchiveId()
                                + "; the built-in executor materializes trees of the host's artifact store",
                        false,
                        null));
    }

    private CellSecrets resolveSecrets(List<SecretMount> declared, String cellId, CommandStep cs, String step) {
        if (declared.isEmpty()) {
            return null;
        }
        if (options.secretBroker().isEmpty()) {
            throw ExecutorException.secretsUnavailable(step, "this runner node has no secret broker");
        }
        List<SecretRequest> requests = new ArrayList<>();
        for (SecretMount m : declared) {
            requests.add(
                    switch (m.target()) {
                        case SecretMount.Target.Env env -> SecretRequest.env(m.name(), env.variable());
                        case SecretMount.Target.File file -> SecretRequest.file(m.name(), file.fileName());
                    });
        }
        try {
            return CellSecrets.resolve(
                    options.secretBroker().get(), cellId, requests, cs.timeout().plus(options.secretTtlMargin()));
        } catch (RuntimeException e) {
            throw wrap(
                    step,
                    "cannot resolve the step's secrets "
                            + declared.stream().map(SecretMount::name).toList(),
                    e);
        }
    }

    /**
     * The inference endpoint of a cell whose step asks for it, started before the cell and closed
     * (by the caller's try) after its teardown; {@code null} when the step does not ask.
     */
    private CellInference.Session openInference(ExecutorInput input, String cellId, String step) {
        if (input.step().inference().isEmpty()) {
            return null;
        }
        if (options.inference().isEmpty()) {
            throw ExecutorException.inferenceUnavailable(step, "this runner has no inference endpoint to give a cell");
        }
        try {
            return options.inference()
                    .get()
                    .open(
                            cellId,
                            input.runId().toString(),
                            input.step().inference().get().maxTokens());
        } catch (RuntimeException e) {
            throw wrap(step, "cannot start the cell's inference endpoint", e);
        }
    }

    private int runCell(
            ExecutorInput input,
            StepHost host,
            String step,
            String cellId,
            Path work,
            CellSecrets secrets,
            Masker masker,
            CellInference.Session inference) {
        CommandStep cs = input.step();
        Optional<String> correlation = secrets == null ? Optional.empty() : secrets.correlationId();
        SortedMap<String, String> env = new TreeMap<>(input.env());
        CellSpec.Builder spec = CellSpec.builder(cellId, work)
                .argv(argv(cs.run()))
                .workdir(input.workdir().equals(CommandStep.ROOT) ? "" : input.workdir())
                .profile(
                        cs.cell() == dev.cairn.executor.protocol.CellProfile.PROCESS
                                ? CellProfile.PROCESS
                                : options.requireSandbox() ? CellProfile.SANDBOX : CellProfile.AUTO)
                .network(network(cs.network(), inference))
                .limits(limits(cs.limits(), cs));
        if (secrets != null) {
            env.putAll(secrets.environment());
            for (SecretFile f : secrets.files()) {
                spec.file(f.name(), f.content());
                f.wipe();
            }
        }
        if (inference != null) {
            env.putAll(inference.environment());
            host.log("info", "runner", "cell " + cellId + ": inference endpoint granted at " + inference.grant());
        }
        env.put("CAIRN_RUN_ID", input.runId().toString());
        env.put("CAIRN_STEP_ID", input.stepId().toString());
        spec.env(env);
        Cell cell;
        try {
            cell = runtime.create(spec.build());
        } catch (RuntimeException e) {
            throw wrap(step, "cannot create the step's cell", e);
        }
        Emitter emitter = new Emitter(host, correlation);
        emitter.emit(cell.lifecycle());
        cell.handle()
                .fallbackReason()
                .ifPresent(reason -> host.log(
                        "warn", "runner", "sandbox unavailable (" + reason + "); running the step as a host process"));
        for (String note : cell.handle().notes()) {
            if (cell.handle().fallbackReason().isEmpty() || !note.startsWith("sandbox unavailable")) {
                host.log("info", "runner", "cell " + cellId + ": " + note);
            }
        }
        String token = inference == null ? null : inference.token();
        LineMasker out = masker.lines(line -> host.log("info", "stdout", maskToken(line, token, masker)));
        LineMasker err = masker.lines(line -> host.log("warn", "stderr", maskToken(line, token, masker)));
        CellOutputListener listener = (stream, bytes, off, len) -> {
            LineMasker sink = stream == CellOutputListener.Stream.STDOUT ? out : err;
            synchronized (sink) {
                sink.write(bytes, off, len);
            }
        };
        AtomicBoolean done = new AtomicBoolean();
        Thread watcher = Thread.ofVirtual().name("cairn-cancel-" + cellId).start(() -> {
            while (!done.get()) {
                if (host.isCancelled()) {
                    cell.cancel();
                    return;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        CellResult result;
        TeardownReport teardown;
        try {
            try {
                cell.start(listener);
                emitter.emit(cell.lifecycle());
                result = cell.await();
            } finally {
                done.set(true);
                watcher.interrupt();
                teardown = runtime.destroy(cell);
                emitter.emit(teardown.lifecycle());
                synchronized (out) {
                    out.close();
                }
                synchronized (err) {
                    err.close();
                }
                host.log(
                        teardown.clean() ? "info" : "error",
                        "runner",
                        "cell " + cellId + " torn down: destroyed=" + teardown.destroyed() + ", verification="
                                + teardown.verification() + ", processes_killed=" + teardown.processesKilled()
                                + ", processes_remaining=" + teardown.processesRemaining() + ", mounts_remaining="
                                + teardown.mountsRemaining() + ", temp_dirs_remaining="
                                + teardown.tempDirsRemaining() + ", cgroups_remaining="
                                + teardown.cgroupsRemaining() + ", peers_tracked_after="
                                + teardown.peersTrackedAfter());
            }
        } catch (RuntimeException e) {
            if (host.isCancelled() || Thread.currentThread().isInterrupted()) {
                throw ExecutorException.cancelled(step);
            }
            throw wrap(step, "the step's cell failed", e);
        }
        if (!teardown.clean()) {
            throw new ExecutorException(
                    "cell_teardown_incomplete",
                    "step " + step + ": something of cell " + cellId + " survived its teardown",
                    true,
                    "See the step's log for what remained; the runner node keeps tracking the cell.",
                    null);
        }
        if (!result.limitsHit().isEmpty()) {
            host.log("warn", "runner", "cell " + cellId + " hit its limits: " + result.limitsHit());
        }
        return switch (result.outcome()) {
            case CellOutcome.Exited e -> e.exitCode();
            case CellOutcome.Signaled s -> 128 + s.signal();
            case CellOutcome.TimedOut t -> throw ExecutorException.timeout(step, cs.timeout());
            case CellOutcome.Cancelled c -> throw ExecutorException.cancelled(step);
            case CellOutcome.SetupFailed f -> throw ExecutorException.setupFailed(step, f.message(), null);
        };
    }

    /** Emits the lifecycle records not emitted yet, in order. */
    private static final class Emitter {
        private final StepHost host;
        private final Optional<String> correlation;
        private int emitted;

        Emitter(StepHost host, Optional<String> correlation) {
            this.host = host;
            this.correlation = correlation;
        }

        void emit(List<CellLifecycleRecord> records) {
            for (int i = emitted; i < records.size(); i++) {
                host.lifecycle(CellEvent.of(records.get(i), correlation));
            }
            emitted = Math.max(emitted, records.size());
        }
    }

    static List<String> argv(Run run) {
        return switch (run) {
            case Run.Argv a -> a.value();
            case Run.Script s -> List.of(s.shell(), "-c", s.source());
        };
    }

    private static NetworkPolicy network(NetworkGrant grant, CellInference.Session inference) {
        List<String> grants = new ArrayList<>();
        if (grant instanceof NetworkGrant.Allow a) {
            a.value().forEach(g -> grants.add(g.toString()));
        }
        if (inference != null) {
            grants.add(inference.grant());
        }
        return grants.isEmpty() ? NetworkPolicy.none() : NetworkPolicy.granted(grants.toArray(String[]::new));
    }

    /** The endpoint's token never reaches the log, whatever the step prints. */
    private static String maskToken(String line, String token, Masker masker) {
        return token == null ? line : line.replace(token, masker.marker());
    }

    private static CellLimits limits(ResourceLimits l, CommandStep cs) {
        return CellLimits.builder()
                .memoryBytes(l.memoryBytes())
                .maxProcesses(l.pids())
                .cpuSeconds(l.cpuSeconds())
                .openFiles(l.openFiles())
                .wallClock(cs.timeout())
                .build();
    }

    private static void scanForSecrets(Path work, List<String> globs, Masker masker, String step) throws IOException {
        List<PathMatcher> outputs = globs.stream()
                .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g))
                .toList();
        Files.walkFileTree(work, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!attrs.isRegularFile()) {
                    return FileVisitResult.CONTINUE;
                }
                List<Masker.Finding> found;
                try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                    found = masker.find(in, 1);
                }
                if (!found.isEmpty()) {
                    Path relative = work.relativize(file);
                    String key = relative.toString();
                    if (outputs.stream().anyMatch(m -> m.matches(relative))) {
                        throw ExecutorException.secretInOutput(
                                step, key, found.getFirst().secret());
                    }
                    throw ExecutorException.secretInWorkspace(
                            step, key, found.getFirst().secret());
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void checkCancelled(StepHost host, String step) {
        if (host.isCancelled() || Thread.currentThread().isInterrupted()) {
            throw ExecutorException.cancelled(step);
        }
    }

    private Path createStepDirectory(String step, String cellId) {
        try {
            Files.createDirectories(options.workRoot());
            Path dir = Files.createTempDirectory(options.workRoot(), cellId + "-");
            // a sandbox may run as its own host uid, which must pass through to the workspace
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
            return dir;
        } catch (IOException e) {
            throw ExecutorException.localIo(step, "cannot create a step directory under " + options.workRoot(), e);
        }
    }

    static ExecutorException wrap(String step, String what, RuntimeException e) {
        if (e instanceof ExecutorException ee) {
            return ee;
        }
        if (e instanceof CodedError coded) {
            return new ExecutorException(
                    coded.code(),
                    "step " + step + ": " + what + ": " + e.getMessage(),
                    coded.retryable(),
                    coded.hint(),
                    e);
        }
        return new ExecutorException(
                "executor_error", "step " + step + ": " + what + ": " + e, false, "This is a bug in Cairn.", e);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    // a step may leave directories it cannot write (chmod 555); make them deletable
                    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("cannot delete the step directory {}: {}", dir, e.toString());
        }
    }

    /** Closes the cells runtime when this executor created it. */
    @Override
    public void close() {
        if (ownsRuntime) {
            runtime.close();
        }
    }
}
