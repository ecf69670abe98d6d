package dev.cairn.cells;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime's behaviour around one sandboxed command: I/O, environment, deadlines, cancellation, files. */
class SandboxCellTest {

    private static CellRuntime runtime;

    @TempDir
    Path tmp;

    private Path ws;

    @BeforeAll
    static void start() {
        runtime = CellRuntime.create();
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @BeforeEach
    void workspace() throws Exception {
        TestCells.requireSandbox(runtime);
        ws = TestCells.workspace(tmp);
    }

    @Test
    void capturesOutputAndExitCodeAndLeaksNoHostEnvironment() {
        CellRun run = runtime.run(TestCells.sandbox("env", ws, "echo out; echo err >&2; env; exit 7")
                .env("FOO", "bar")
                .build());
        CellResult r = run.result();
        assertThat(r.outcome()).isEqualTo(new CellOutcome.Exited(7));
        assertThat(r.profile()).isEqualTo(CellProfile.SANDBOX);
        assertThat(r.stderrText()).isEqualTo("err\n");
        Set<String> keys = r.stdoutText()
                .lines()
                .skip(1)
                .map(l -> l.substring(0, l.indexOf('=')))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(keys)
                .containsExactlyInAnyOrder(
                        "CAIRN_CELL_ID",
                        "CAIRN_CELL_KEY",
                        "CAIRN_WORKSPACE",
                        "FOO",
                        "HOME",
                        "LANG",
                        "PATH",
                        "PWD",
                        "TMPDIR");
        assertThat(r.stdoutText())
                .contains("FOO=bar\n", "HOME=/tmp\n", "CAIRN_WORKSPACE=/work\n", "PATH=" + CellRuntime.DEFAULT_PATH);
        assertThat(r.succeeded()).isFalse();
        assertThatThrownBy(r::requireSuccess).isInstanceOfSatisfying(CellsException.class, e -> assertThat(e.code())
                .isEqualTo("cell_failed"));
        assertThat(run.teardown().clean()).isTrue();
        assertThat(r.endedAt()).isAfterOrEqualTo(r.startedAt());
    }

    @Test
    void feedsStdinAndCapsOutput() {
        CellRun cat = runtime.run(CellSpec.builder(TestCells.id("stdin"), ws)
                .profile(CellProfile.SANDBOX)
                .argv("cat")
                .stdin("hello\nworld\n".getBytes(StandardCharsets.UTF_8))
                .build());
        assertThat(cat.result().stdoutText()).isEqualTo("hello\nworld\n");

        CellRun big = runtime.run(TestCells.sandbox("big", ws, "head -c 100000 /dev/zero; echo done >&2")
                .limits(CellLimits.builder().outputBytes(1000).build())
                .build());
        assertThat(big.result().stdout()).hasSize(1000);
        assertThat(big.result().stdoutTruncated()).isTrue();
        assertThat(big.result().stderrTruncated()).isFalse();
        assertThat(big.result().stderrText()).isEqualTo("done\n");
        assertThat(big.result().limitsHit()).containsExactly(LimitKind.OUTPUT);
        assertThat(big.result().succeeded()).isTrue();
    }

    @Test
    void wallClockLimitKillsTheCell() {
        CellRun run = runtime.run(TestCells.sandbox("slow", ws, "sleep 30")
                .limits(CellLimits.builder().wallClock(Duration.ofMillis(300)).build())
                .build());
        assertThat(run.result().outcome()).isEqualTo(new CellOutcome.TimedOut(Duration.ofMillis(300)));
        assertThat(run.result().limitsHit()).containsExactly(LimitKind.WALL_CLOCK);
        assertThatThrownBy(run.result()::requireSuccess).isInstanceOfSatisfying(CellsException.class, e -> {
            assertThat(e.code()).isEqualTo("cell_timeout");
            assertThat(e.retryable()).isTrue();
        });
        assertThat(run.teardown().clean()).isTrue();
        assertThat(run.teardown().processesKilled()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void cancelFromAnotherThreadEndsTheWait() throws Exception {
        Cell cell = runtime.create(TestCells.sandbox("cancel", ws, "sleep 30").build());
        cell.start();
        Thread.ofVirtual().start(cell::cancel).join();
        CellResult result = cell.await();
        assertThat(result.outcome()).isEqualTo(new CellOutcome.Cancelled());
        assertThatThrownBy(result::requireSuccess)
                .isInstanceOfSatisfying(
                        CellsException.class, e -> assertThat(e.code()).isEqualTo("cell_cancelled"));
        assertThat(cell.await()).isSameAs(result);
        assertThat(runtime.destroy(cell).clean()).isTrue();
    }

    @Test
    void interruptingTheWaiterCancelsTheCellAndKeepsTheFlag() throws Exception {
        Cell cell =
                runtime.create(TestCells.sandbox("interrupt", ws, "sleep 30").build());
        cell.start();
        AtomicReference<CellResult> seen = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            seen.set(cell.await());
            flag.set(Thread.currentThread().isInterrupted());
        });
        while (waiter.getState() != Thread.State.TIMED_WAITING && waiter.isAlive()) {
            Thread.onSpinWait();
        }
        waiter.interrupt();
        waiter.join();
        assertThat(seen.get().outcome()).isEqualTo(new CellOutcome.Cancelled());
        assertThat(flag.get()).isTrue();
        assertThat(runtime.destroy(cell).clean()).isTrue();
    }

    @Test
    void destroyingARunningCellKillsItAndRecordsItsExit() {
        Cell cell = runtime.create(TestCells.sandbox("destroy", ws, "sleep 30").build());
        cell.start();
        TeardownReport report = runtime.destroy(cell);
        assertThat(report.clean()).isTrue();
        assertThat(report.processesKilled()).isGreaterThanOrEqualTo(1);
        assertThat(report.lifecycle())
                .extracting(CellLifecycleRecord::state)
                .containsExactly(CellState.CREATED, CellState.STARTED, CellState.EXITED, CellState.DESTROYED);
        assertThat(cell.result()).get().extracting(CellResult::outcome).isEqualTo(new CellOutcome.Cancelled());
    }

    @Test
    void filesArePrivateReadOnlyAndLiveOnlyOnATmpfs() {
        String script = "cat \"$CAIRN_FILES_DIR/token\"; echo; echo \"dir=$CAIRN_FILES_DIR\";"
                + " (echo x > \"$CAIRN_FILES_DIR/token\") 2>/dev/null && echo WRITABLE || echo READONLY;"
                + " stat -c '%a' \"$CAIRN_FILES_DIR/token\"";
        Cell cell = runtime.create(TestCells.sandbox("files", ws, script)
                .file("token", "s3cret-value".getBytes(StandardCharsets.UTF_8))
                .build());
        Path scratch = cell.handle().scratchDir().orElseThrow();
        assertThat(HostInfo.fsTypeOf(scratch)).isEqualTo("tmpfs");
        assertThat(cell.handle().toString()).doesNotContain("s3cret");
        cell.start();
        CellResult result = cell.await();
        assertThat(result.stdoutText().lines())
                .containsExactly("s3cret-value", "dir=/run/cairn/files", "READONLY", "400");
        TeardownReport report = runtime.destroy(cell);
        assertThat(report.tempDirsRemoved()).isEqualTo(1);
        assertThat(scratch).doesNotExist();
    }

    @Test
    void runsInTheWorkdirAndWritesTheWorkspace() throws Exception {
        Files.createDirectories(ws.resolve("sub/dir"));
        Files.writeString(ws.resolve("sub/dir/input.txt"), "from host");
        CellRun run = runtime.run(TestCells.sandbox("workdir", ws, "pwd; cat input.txt; echo; echo made > made.txt")
                .workdir("sub/dir")
                .build());
        assertThat(run.result().stdoutText()).isEqualTo("/work/sub/dir\nfrom host\n");
        assertThat(ws.resolve("sub/dir/made.txt")).hasContent("made");
        run.teardown().lifecycle().get(0).handle().hostUid().ifPresent(uid -> {
            try {
                assertThat(Files.getAttribute(ws.resolve("sub/dir/made.txt"), "unix:uid"))
                        .isEqualTo(uid);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void setupFailuresAndMissingCommandsAreReportedDistinctly() {
        CellRun broken = runtime.run(TestCells.sandbox("setup", ws, "true")
                .readOnlyBind(Path.of("/etc/hostname"), "/usr/cairn-cannot-mount-here")
                .build());
        assertThat(broken.result().outcome()).isInstanceOf(CellOutcome.SetupFailed.class);
        assertThat(((CellOutcome.SetupFailed) broken.result().outcome()).message())
                .startsWith("bwrap: ");
        assertThatThrownBy(broken.result()::requireSuccess)
                .isInstanceOfSatisfying(
                        CellsException.class, e -> assertThat(e.code()).isEqualTo("cell_spawn_failed"));

        CellRun missing = runtime.run(CellSpec.builder(TestCells.id("missing"), ws)
                .profile(CellProfile.SANDBOX)
                .argv("no-such-command-in-the-cell")
                .build());
        assertThat(missing.result().outcome()).isEqualTo(new CellOutcome.Exited(127));
    }

    @Test
    void concurrentCellsAreIndependentAndAllTornDown() throws Exception {
        List<Future<CellRun>> runs = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 6; i++) {
                String id = TestCells.id("conc");
                runs.add(pool.submit(() -> runtime.run(CellSpec.builder(id, ws)
                        .profile(CellProfile.SANDBOX)
                        .argv("/bin/sh", "-c", "echo $CAIRN_CELL_ID; ls /proc | grep -c '^[0-9]'")
                        .build())));
            }
            for (Future<CellRun> f : runs) {
                CellRun run = f.get();
                assertThat(run.result().stdoutText()).startsWith(run.result().cellId() + "\n");
                assertThat(run.teardown().clean()).isTrue();
            }
        }
        assertThat(runtime.tracked()).isZero();
        Set<Integer> uids = runs.stream()
                .map(f -> f.resultNow().teardown().lifecycle().get(0).handle().hostUid())
                .filter(u -> u.isPresent())
                .map(u -> u.getAsInt())
                .collect(Collectors.toSet());
        if (!uids.isEmpty()) {
            assertThat(uids).hasSize(6);
        }
    }

    @Test
    void refusesWorkspacesThePerCellUidCannotReach() throws Exception {
        Assumptions.assumeTrue(runtime.host.root(), "per-cell uids are used only when Cairn runs as root");
        Path closed = Files.createDirectory(tmp.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        Path hidden = Files.createDirectory(closed.resolve("ws"));
        assertThatThrownBy(() -> runtime.create(
                        TestCells.sandbox("hidden", hidden, "true").build()))
                .isInstanceOfSatisfying(CellsException.class, e -> {
                    assertThat(e.code()).isEqualTo("cell_spec_invalid");
                    assertThat(e.getMessage()).contains(closed.toString()).contains("chmod o+x");
                });
        assertThat(runtime.tracked()).isZero();
    }

    @Test
    void refusesLimitsAboveTheHostsHardLimits() {
        assertThatThrownBy(() -> runtime.create(TestCells.sandbox("hard", ws, "true")
                        .limits(CellLimits.builder()
                                .openFiles(Integer.MAX_VALUE)
                                .build())
                        .build()))
                .isInstanceOfSatisfying(CellsException.class, e -> {
                    assertThat(e.code()).isEqualTo("cell_spec_invalid");
                    assertThat(e.getMessage()).contains("limits.open_files").contains("hard limit");
                });
        assertThatThrownBy(() -> runtime.create(
                        TestCells.sandbox("nows", tmp.resolve("absent"), "true").build()))
                .isInstanceOfSatisfying(
                        CellsException.class, e -> assertThat(e.getMessage()).contains("(workspace)"));
        assertThatThrownBy(() -> runtime.create(TestCells.sandbox("nowd", ws, "true")
                        .workdir("missing/dir")
                        .build()))
                .isInstanceOfSatisfying(
                        CellsException.class,
                        e -> assertThat(e.getMessage()).contains("(workdir)").contains("missing/dir"));
        assertThat(runtime.tracked()).isZero();
    }

    @Test
    void pidsOnlyModeUsesOneCgroupAndSaysMemoryIsAddressSpaceOnly() {
        try (CellRuntime pids = CellRuntime.create(CellRuntimeOptions.builder()
                .cgroups(CellRuntimeOptions.CgroupMode.PIDS)
                .build())) {
            TestCells.requireCgroups(pids);
            Cell cell = pids.create(TestCells.sandbox("pidsonly", ws, "true").build());
            assertThat(cell.handle().cgroups()).hasSize(1);
            assertThat(cell.handle().cgroups().get(0).toString()).contains("/pids/");
            assertThat(cell.handle().notes())
                    .anyMatch(n -> n.startsWith("memory: address space (RLIMIT_AS)")
                            && n.contains("no memory cgroup in this mode"))
                    .anyMatch(n -> n.contains("and by the pids cgroup"));
            cell.start();
            assertThat(cell.await().succeeded()).isTrue();
            TeardownReport report = pids.destroy(cell);
            assertThat(report.verification()).isEqualTo(TeardownReport.Verification.CGROUP);
            assertThat(report.cgroupsRemoved()).isEqualTo(1);
        }
    }
}
