package dev.cairn.bench;

import dev.cairn.bench.BenchReport.Figure;
import dev.cairn.bench.BenchReport.Input;
import dev.cairn.bench.BenchReport.Ratio;
import dev.cairn.cells.CellRun;
import dev.cairn.cells.CellRuntime;
import dev.cairn.cells.CellRuntimeOptions;
import dev.cairn.cells.CellSpec;
import dev.cairn.executor.CellEvent;
import dev.cairn.executor.StepHost;
import dev.cairn.executor.cell.CellStepExecutor;
import dev.cairn.executor.cell.CellStepOptions;
import dev.cairn.executor.protocol.ArchiveId;
import dev.cairn.executor.protocol.ArchiveReadRequest;
import dev.cairn.executor.protocol.ArchiveReadResponse;
import dev.cairn.executor.protocol.CacheDecision;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.ExecutorInput;
import dev.cairn.executor.protocol.StepResult;
import dev.cairn.store.fs.FsArtifactStore;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.Workspaces;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code sandbox-spawn}: the cost of a sandboxed no-op step ({@code /bin/true}) run end to end through
 * the built-in step executor — fresh workspace, materialization of an empty tree, a bubblewrap cell
 * with its limits, masked output, teardown with verification, snapshot, directory removal — beside,
 * in the same run, a bare {@code ProcessBuilder} spawn of {@code /bin/true} and raw bubblewrap
 * started from Java ({@code bwrap --unshare-all --die-with-parent --ro-bind / / --proc /proc --dev
 * /dev --unshare-user --uid 1000 --cap-drop ALL /bin/true}); also {@code CellRuntime.run} alone with
 * cgroups {@code AUTO} and {@code OFF}, to show where the time goes.
 *
 * <p>Each configuration is timed one operation at a time in wall-clock time, configurations
 * interleaved sample by sample so that a machine's load drifts into all of them alike. Goals (issue
 * 5): the step costs at most 4× the bare spawn ({@code bare_spawn_over_sandboxed_step} ≥ 0.25) and
 * at most 1.25× raw bwrap ({@code raw_bwrap_over_sandboxed_step} ≥ 0.8). Where the sandbox does not
 * work the workload fails with the reason rather than time a fallback.
 */
public final class SandboxSpawnWorkload implements Workload {

    private static final List<String> RAW_BWRAP = List.of(
            "bwrap",
            "--unshare-all",
            "--die-with-parent",
            "--ro-bind",
            "/",
            "/",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--unshare-user",
            "--uid",
            "1000",
            "--cap-drop",
            "ALL",
            "/bin/true");

    @Override
    public String name() {
        return "sandbox-spawn";
    }

    @Override
    public String description() {
        return "a sandboxed no-op step through the built-in executor, beside a bare ProcessBuilder spawn of"
                + " /bin/true and raw bwrap from Java";
    }

    @Override
    public BenchReport run(BenchSettings settings) {
        Path dir;
        try {
            dir = Files.createTempDirectory("cairn-bench-sandbox-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            throw BenchException.selfCheckFailed(name(), "cannot create a temporary directory: " + e);
        }
        try (CellRuntime auto = CellRuntime.create();
                CellRuntime off = CellRuntime.create(CellRuntimeOptions.builder()
                        .cgroups(CellRuntimeOptions.CgroupMode.OFF)
                        .build());
                FsArtifactStore store = FsArtifactStore.open(dir.resolve("store"))) {
            if (!auto.sandboxStatus().available()) {
                throw BenchException.selfCheckFailed(
                        name(),
                        "the sandbox does not work here: "
                                + auto.sandboxStatus().reason());
            }
            CellStepExecutor executor = CellStepExecutor.create(
                    auto,
                    CellStepOptions.defaults()
                            .withWorkRoot(dir.resolve("steps"))
                            .withRequireSandbox(true));
            Workspaces workspaces = Workspaces.open(store);
            TreeId empty = workspaces.treeBuilder().build();
            return measure(settings, dir, executor, workspaces, empty, auto, off);
        } finally {
            BenchFiles.deleteQuietly(dir);
        }
    }

    private BenchReport measure(
            BenchSettings settings,
            Path dir,
            CellStepExecutor executor,
            Workspaces workspaces,
            TreeId empty,
            CellRuntime auto,
            CellRuntime off) {
        int samples = Math.max(15, settings.rounds() * 5);
        int warmups = Math.max(3, settings.warmupRounds() * 2);
        Path cellWorkspace = dir.resolve("cell-ws");
        try {
            Files.createDirectories(cellWorkspace);
            Files.setPosixFilePermissions(cellWorkspace, PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            throw BenchException.selfCheckFailed(name(), "cannot create a workspace: " + e);
        }
        AtomicLong seq = new AtomicLong();
        CommandStep noop = CommandStep.argv("/bin/true").build();
        Host host = new Host(workspaces, empty);
        List<Config> configs = List.of(
                new Config("sandboxed_noop_step", () -> {
                    StepResult r = executor.execute(input(noop, host), host);
                    if (r.exitCode() != 0 || r.committedSnapshot().isEmpty()) {
                        throw BenchException.selfCheckFailed(name(), "the no-op step reported " + r);
                    }
                }),
                new Config("cell_run_sandbox_cgroups_auto", () -> cell(auto, cellWorkspace, seq)),
                new Config("cell_run_sandbox_cgroups_off", () -> cell(off, cellWorkspace, seq)),
                new Config("bare_spawn_true", () -> spawn(List.of("/bin/true"))),
                new Config("raw_bwrap_true", () -> spawn(RAW_BWRAP)));
        double[][] millis = new double[configs.size()][samples];
        for (int i = 0; i < warmups + samples; i++) {
            for (int c = 0; c < configs.size(); c++) {
                long start = System.nanoTime();
                configs.get(c).operation().run();
                long nanos = System.nanoTime() - start;
                if (i >= warmups) {
                    millis[c][i - warmups] = nanos / 1e6;
                }
            }
        }
        Figure step = Samples.figure(configs.get(0).name(), millis[0]);
        Figure cellAuto = Samples.figure(configs.get(1).name(), millis[1]);
        Figure cellOff = Samples.figure(configs.get(2).name(), millis[2]);
        Figure bare = Samples.figure(configs.get(3).name(), millis[3]);
        Figure bwrap = Samples.figure(configs.get(4).name(), millis[4]);
        return new BenchReport(
                name(),
                BenchReport.Environment.current(),
                new BenchReport.Settings(warmups, samples, 0, 1, "wall"),
                List.of(
                        Input.count("noop_steps", samples),
                        Input.count(
                                "cgroups_available",
                                auto.cgroupsUnavailableReason().isEmpty() ? 1 : 0)),
                List.of(step, cellAuto, cellOff),
                List.of(bare, bwrap),
                List.of(
                        Ratio.of("bare_spawn_over_sandboxed_step", bare, step, Optional.of(0.25)),
                        Ratio.of("raw_bwrap_over_sandboxed_step", bwrap, step, Optional.of(0.8)),
                        Ratio.of("raw_bwrap_over_cell_run_cgroups_auto", bwrap, cellAuto, Optional.empty()),
                        Ratio.of("raw_bwrap_over_cell_run_cgroups_off", bwrap, cellOff, Optional.empty()),
                        Ratio.of("cell_run_cgroups_auto_over_sandboxed_step", cellAuto, step, Optional.empty())));
    }

    private record Config(String name, Runnable operation) {}

    private static ExecutorInput input(CommandStep step, Host host) {
        return new ExecutorInput(
                step,
                host.archive,
                new TreeMap<>(),
                CommandStep.ROOT,
                UUID.randomUUID(),
                UUID.randomUUID(),
                new CacheDecision.MissNoCommit(),
                Optional.empty());
    }

    private void cell(CellRuntime runtime, Path workspace, AtomicLong seq) {
        CellRun run = runtime.run(CellSpec.builder("bench-" + seq.incrementAndGet(), workspace)
                .argv("/bin/true")
                .build());
        if (!run.result().succeeded() || !run.teardown().clean()) {
            throw BenchException.selfCheckFailed(name(), "a no-op cell failed: " + run.result());
        }
    }

    private void spawn(List<String> command) {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            int status = p.waitFor();
            if (status != 0) {
                throw BenchException.selfCheckFailed(name(), String.join(" ", command) + " exited with " + status);
            }
        } catch (IOException e) {
            throw BenchException.selfCheckFailed(name(), "cannot start " + command.getFirst() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BenchException.selfCheckFailed(name(), "interrupted");
        }
    }

    /** The host of a no-op step: an empty workspace tree, output discarded. */
    private static final class Host implements StepHost {
        final ArchiveId archive = new ArchiveId(UUID.randomUUID());
        private final Workspaces workspaces;
        private final TreeId tree;

        Host(Workspaces workspaces, TreeId tree) {
            this.workspaces = workspaces;
            this.tree = tree;
        }

        @Override
        public String stepLabel() {
            return "bench/noop";
        }

        @Override
        public ArchiveReadResponse archiveRead(ArchiveReadRequest request) {
            throw new UnsupportedOperationException("the built-in executor materializes the tree");
        }

        @Override
        public Optional<TreeId> archiveTree(ArchiveId id) {
            return Optional.of(tree);
        }

        @Override
        public Workspaces workspaces() {
            return workspaces;
        }

        @Override
        public void log(String level, String stream, String message) {}

        @Override
        public void lifecycle(CellEvent event) {}

        @Override
        public void output(String key, Path file) {}

        @Override
        public boolean isCancelled() {
            return false;
        }
    }
}
