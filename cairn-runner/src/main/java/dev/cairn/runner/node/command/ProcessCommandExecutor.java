package dev.cairn.runner.node.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.executor.protocol.ArtifactRef;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.CommandTask;
import dev.cairn.executor.protocol.InputFile;
import dev.cairn.executor.protocol.Run;
import dev.cairn.executor.protocol.StepResult;
import dev.cairn.runner.api.ControlPlane;
import dev.cairn.runner.api.LogLevel;
import dev.cairn.runner.api.RunnerException;
import dev.cairn.runner.api.TaskCtx;
import dev.cairn.runner.node.RunnerNodeException;
import dev.cairn.runner.node.StoreInputSource;
import dev.cairn.runner.node.TaskScratch;
import dev.cairn.workspace.MediaTypes;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a command step as a plain host subprocess: no isolation beyond its own session and a clean
 * environment (cells bring namespaces, limits and snapshots). Linux and other Unix systems with
 * {@code setsid}.
 *
 * <ol>
 *   <li>A fresh directory under {@link ProcessCommandOptions#workRoot()} holds the workspace ({@code
 *       work/}) and the command's home and temporary directory ({@code tmp/}, outside the workspace
 *       so it is never captured).
 *   <li>{@code task.inputs} are streamed from the artifact store into the workspace, with mode
 *       0755 when {@code executable}, else 0644.
 *   <li>The command starts in {@code step.workdir} (created if missing) with exactly this
 *       environment: {@code PATH} ({@link ProcessCommandOptions#path()}), {@code HOME} and {@code
 *       TMPDIR} (the temporary directory), {@code LANG=C.UTF-8}, the node's {@link
 *       ProcessCommandOptions#passthroughEnv()} variables, then the step's {@code env} (which may
 *       override all of those), then {@code CAIRN_WORKSPACE}, {@code CAIRN_RUN_ID}, {@code
 *       CAIRN_STEP_ID}, {@code CAIRN_TASK_ID} and {@code CAIRN_PROCESS_KEY}, which a step cannot
 *       override. An {@code argv} program without a {@code /} is looked up on that {@code PATH}; one
 *       that is not found exits with 127, as in a shell. A script runs as {@code shell -c source}.
 *       Standard input is empty.
 *   <li>Each stdout and stderr line becomes a log event of the task as it is written.
 *   <li>The command runs in a session of its own ({@code setsid}). When it exits, anything it left
 *       running (background jobs, daemons) is killed. On cancellation or timeout the whole tree gets
 *       SIGTERM, then SIGKILL after {@link ProcessCommandOptions#terminateGrace()}.
 *   <li>After exit code 0, the files matching {@code step.outputs} are stored as artifacts, keyed
 *       by their path in the workspace. Then the directory is deleted.
 * </ol>
 *
 * <p>{@code step.cell}, {@code network}, {@code limits} and {@code cache} are not enforced by a plain
 * subprocess; the first log line of the task says so when the step asks for a sandbox.
 */
public final class ProcessCommandExecutor implements CommandExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessCommandExecutor.class);
    private static final Optional<Path> SETSID = findSetsid();
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration DRAIN = Duration.ofSeconds(5);

    private final ProcessCommandOptions options;

    private ProcessCommandExecutor(ProcessCommandOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** An executor with {@link ProcessCommandOptions#defaults()}. */
    public static ProcessCommandExecutor create() {
        return new ProcessCommandExecutor(ProcessCommandOptions.defaults());
    }

    public static ProcessCommandExecutor create(ProcessCommandOptions options) {
        return new ProcessCommandExecutor(options);
    }

    public ProcessCommandOptions options() {
        return options;
    }

    @Override
    public StepResult execute(CommandTask task, TaskCtx ctx) {
        String taskId = ctx.task().id().toString();
        CommandStep step = task.step();
        ControlPlane ctrl = ctx.ctrl();
        Path dir = createTaskDirectory(taskId);
        try {
            Path workspace = Files.createDirectory(dir.resolve("work"));
            Path tmp = Files.createDirectory(dir.resolve("tmp"));
            if (step.cell() == dev.cairn.executor.protocol.CellProfile.SANDBOX) {
                ctrl.log(
                        LogLevel.WARN,
                        "this node runs commands as plain host processes: the step's sandbox, network and"
                                + " limits are not enforced");
            }
            materialize(task.inputs(), workspace, ctx);
            checkCancelled(ctrl, taskId);
            Path workdir = workspace.resolve(step.workdir()).normalize();
            Files.createDirectories(workdir);
            String key = UUID.randomUUID().toString();
            SortedMap<String, String> env = environment(task, taskId, workspace, tmp, key);
            Optional<List<String>> command = command(step.run(), env.get("PATH"), workdir);
            if (command.isEmpty()) {
                String program = ((Run.Argv) step.run()).value().getFirst();
                stderr(ctrl, "cairn: " + program + ": command not found on PATH " + env.get("PATH"));
                return new StepResult(127, Optional.empty(), List.of());
            }
            int exit = run(command.get(), workdir, env, key, step.timeout(), ctrl, taskId);
            ctrl.progress(JsonNodeFactory.instance
                    .objectNode()
                    .put("status", "exited")
                    .put("exit_code", exit));
            List<ArtifactRef> artifacts = exit == 0 ? capture(step.outputs(), workspace, ctx) : List.of();
            return new StepResult(exit, Optional.empty(), artifacts);
        } catch (IOException e) {
            throw RunnerException.localIo("cannot prepare the workspace of task " + taskId, e);
        } finally {
            try {
                TaskScratch.deleteTree(dir);
            } catch (RunnerNodeException e) {
                LOG.warn("cannot delete the workspace of task {}: {}", taskId, e.getMessage());
            }
        }
    }

    private Path createTaskDirectory(String taskId) {
        try {
            Files.createDirectories(options.workRoot());
            return Files.createTempDirectory(options.workRoot(), "cmd-" + taskId + "-");
        } catch (IOException e) {
            throw RunnerException.localIo("cannot create a workspace under " + options.workRoot(), e);
        }
    }

    private static void materialize(List<InputFile> inputs, Path workspace, TaskCtx ctx) throws IOException {
        for (InputFile input : inputs) {
            checkCancelled(ctx.ctrl(), ctx.task().id().toString());
            Path target = workspace.resolve(input.path()).normalize();
            if (!target.startsWith(workspace) || target.equals(workspace)) {
                throw RunnerException.invalidArtifactKey(input.path(), "leaves the workspace");
            }
            Path parent = target.getParent();
            Files.createDirectories(parent);
            if (!parent.toRealPath().startsWith(workspace.toRealPath())) {
                throw RunnerException.invalidArtifactKey(input.path(), "leaves the workspace through a link");
            }
            StoreInputSource.copy(ctx.input(), input.artifactId(), target);
            Files.setPosixFilePermissions(
                    target, PosixFilePermissions.fromString(input.executable() ? "rwxr-xr-x" : "rw-r--r--"));
        }
    }

    private SortedMap<String, String> environment(
            CommandTask task, String taskId, Path workspace, Path tmp, String key) {
        SortedMap<String, String> env = new TreeMap<>();
        env.put("PATH", options.path());
        env.put("HOME", tmp.toString());
        env.put("TMPDIR", tmp.toString());
        env.put("LANG", "C.UTF-8");
        Map<String, String> node = System.getenv();
        for (String name : options.passthroughEnv()) {
            String value = node.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.putAll(task.step().env());
        env.put("CAIRN_WORKSPACE", workspace.toString());
        env.put("CAIRN_RUN_ID", task.runId());
        env.put("CAIRN_STEP_ID", task.stepId());
        env.put("CAIRN_TASK_ID", taskId);
        env.put("CAIRN_PROCESS_KEY", key);
        return env;
    }

    /** The command line, or empty when an argv program is not found on {@code path}. */
    private static Optional<List<String>> command(Run run, String path, Path workdir) {
        return switch (run) {
            case Run.Script script -> Optional.of(List.of(script.shell(), "-c", script.source()));
            case Run.Argv argv -> {
                String program = argv.value().getFirst();
                if (program.contains("/")) {
                    yield Optional.of(argv.value());
                }
                Optional<Path> found = lookUp(program, path == null ? "" : path, workdir);
                if (found.isEmpty()) {
                    yield Optional.empty();
                }
                List<String> line = new ArrayList<>(argv.value());
                line.set(0, found.get().toString());
                yield Optional.of(line);
            }
        };
    }

    private static Optional<Path> lookUp(String program, String path, Path workdir) {
        for (String entry : path.split(":", -1)) {
            Path dir = entry.isEmpty() ? workdir : workdir.resolve(entry);
            Path candidate = dir.resolve(program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    private int run(
            List<String> command,
            Path workdir,
            SortedMap<String, String> env,
            String key,
            Duration timeout,
            ControlPlane ctrl,
            String taskId) {
        List<String> line = new ArrayList<>();
        SETSID.ifPresent(setsid -> line.add(setsid.toString()));
        line.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(line)
                .directory(workdir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(env);
        checkCancelled(ctrl, taskId);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw RunnerException.failed("cannot start " + command.getFirst(), false, e);
        }
        ProcessTree tree = new ProcessTree(process.toHandle(), SETSID.isPresent(), "CAIRN_PROCESS_KEY=" + key);
        ctrl.progress(JsonNodeFactory.instance.objectNode().put("status", "running"));
        Thread out = pump(process.getInputStream(), "stdout", ctrl, taskId);
        Thread err = pump(process.getErrorStream(), "stderr", ctrl, taskId);
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean finished = false;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                if (process.waitFor(Math.min(left, POLL.toNanos()), TimeUnit.NANOSECONDS)) {
                    finished = true;
                    break;
                }
                if (ctrl.isCancelled()) {
                    throw new InterruptedException("cancelled");
                }
            }
        } catch (InterruptedException e) {
            stop(tree, process);
            drain(out, err);
            throw RunnerException.cancelled(taskId);
        }
        if (!finished) {
            stop(tree, process);
            drain(out, err);
            ctrl.log(LogLevel.ERROR, "the command ran longer than its timeout of " + timeout + " and was killed");
            throw new RunnerException(
                    COMMAND_TIMEOUT,
                    "task " + taskId + ": the command ran longer than its timeout of " + timeout,
                    true,
                    "Raise the step's timeout, or find out why the command hangs.",
                    null);
        }
        int exit = process.exitValue();
        int leftovers = tree.kill();
        if (leftovers > 0) {
            ctrl.log(LogLevel.WARN, "killed " + leftovers + " process(es) the command left running");
        }
        drain(out, err);
        return exit;
    }

    /** SIGTERM to the tree, SIGKILL after the grace period. Keeps an interrupt for later. */
    private void stop(ProcessTree tree, Process process) {
        boolean interrupted = Thread.interrupted();
        tree.terminate();
        try {
            if (!options.terminateGrace().isZero()) {
                process.waitFor(options.terminateGrace().toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        tree.kill();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread pump(InputStream in, String stream, ControlPlane ctrl, String taskId) {
        LogLevel level = stream.equals("stderr") ? LogLevel.WARN : LogLevel.INFO;
        return Thread.ofVirtual().name("cairn-" + stream + "-" + taskId).start(() -> {
            try (in) {
                LineReader.pump(
                        in,
                        text -> ctrl.logEvent(JsonNodeFactory.instance
                                .objectNode()
                                .put("level", level.wireName())
                                .put("stream", stream)
                                .put("message", text)));
            } catch (IOException e) {
                // the stream closes when the process tree is gone
            }
        });
    }

    /** Waits for the output pumps to reach the end of their streams (the tree is dead by now). */
    private static void drain(Thread... pumps) {
        boolean interrupted = Thread.interrupted();
        long deadline = System.nanoTime() + DRAIN.toNanos();
        for (Thread pump : pumps) {
            try {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    pump.join(Duration.ofNanos(left));
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<ArtifactRef> capture(List<String> globs, Path workspace, TaskCtx ctx) throws IOException {
        List<ArtifactRef> refs = new ArrayList<>();
        for (String key : OutputGlobs.match(workspace, globs)) {
            Path file = workspace.resolve(key);
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            long size = Files.size(file);
            ctx.output().putFile(key, file);
            refs.add(new ArtifactRef(key, MediaTypes.guess(key), size));
        }
        return refs;
    }

    private static void checkCancelled(ControlPlane ctrl, String taskId) {
        if (ctrl.isCancelled() || Thread.currentThread().isInterrupted()) {
            throw RunnerException.cancelled(taskId);
        }
    }

    private static void stderr(ControlPlane ctrl, String message) {
        ctrl.logEvent(JsonNodeFactory.instance
                .objectNode()
                .put("level", "error")
                .put("stream", "stderr")
                .put("message", message));
    }

    private static Optional<Path> findSetsid() {
        for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
            Path path = Path.of(candidate);
            if (Files.isExecutable(path)) {
                return Optional.of(path);
            }
        }
        LOG.warn("setsid not found (util-linux): commands share the node's session; leftover processes are"
                + " found through their descendants and environment only");
        return Optional.empty();
    }
}
