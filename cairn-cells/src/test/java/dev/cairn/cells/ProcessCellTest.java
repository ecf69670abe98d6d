package dev.cairn.cells;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.testkit.HostProcs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process profile: a host subprocess in its own session, torn down as a whole tree. */
class ProcessCellTest {

    @TempDir
    Path tmp;

    /** Digits only: it becomes the fraction of a {@code sleep} duration that marks the test's processes. */
    private final String token = Integer.toString(100_000 + new Random().nextInt(900_000));

    @Test
    void runsInTheWorkspaceWithAPrivateTmpAndNoHostEnvironment() throws Exception {
        Path ws = TestCells.workspace(tmp);
        Files.createDirectory(ws.resolve("sub"));
        try (CellRuntime rt = CellRuntime.create()) {
            Cell cell = rt.create(TestCells.process("proc", ws, "pwd; echo \"$HOME\"; env | cut -d= -f1 | sort; exit 4")
                    .workdir("sub")
                    .network(NetworkPolicy.none())
                    .readOnlyBind(Path.of("/usr"), "/opt/usr")
                    .build());
            Path scratch = cell.handle().scratchDir().orElseThrow();
            assertThat(cell.handle().profile()).isEqualTo(CellProfile.PROCESS);
            assertThat(cell.handle().notes())
                    .anyMatch(n -> n.contains("network policy 'none (loopback only)' is not enforced"))
                    .anyMatch(n -> n.contains("read-only binds are ignored"));
            cell.start();
            CellResult r = cell.await();
            List<String> lines = r.stdoutText().lines().toList();
            assertThat(lines.get(0)).isEqualTo(ws.resolve("sub").toString());
            assertThat(lines.get(1)).isEqualTo(scratch.resolve("tmp").toString());
            assertThat(lines.subList(2, lines.size()))
                    .containsExactly(
                            "CAIRN_CELL_ID",
                            "CAIRN_CELL_KEY",
                            "CAIRN_WORKSPACE",
                            "HOME",
                            "LANG",
                            "PATH",
                            "PWD",
                            "TMPDIR");
            assertThat(r.outcome()).isEqualTo(new CellOutcome.Exited(4));
            TeardownReport report = rt.destroy(cell);
            assertThat(report.clean()).isTrue();
            assertThat(report.tempDirsRemoved()).isEqualTo(1);
            assertThat(scratch).doesNotExist();
        }
    }

    @Test
    void daemonsAreKilledAtTeardownThroughTheCgroup() throws Exception {
        try (CellRuntime rt = CellRuntime.create()) {
            TestCells.requireCgroups(rt);
            assertDaemonKilled(rt, TeardownReport.Verification.CGROUP);
        }
    }

    @Test
    void daemonsAreKilledAtTeardownThroughAProcScanWithoutCgroups() throws Exception {
        CellRuntimeOptions off = CellRuntimeOptions.builder()
                .cgroups(CellRuntimeOptions.CgroupMode.OFF)
                .build();
        try (CellRuntime rt = CellRuntime.create(off)) {
            assertThat(rt.cgroupsUnavailableReason()).hasValue("cgroups are turned off in the runtime options");
            assertDaemonKilled(rt, TeardownReport.Verification.PROC_SCAN);
        }
    }

    private void assertDaemonKilled(CellRuntime rt, TeardownReport.Verification expected) throws Exception {
        Path ws = TestCells.workspace(tmp);
        String script = "setsid nohup sleep 1000." + token + "1 >/dev/null 2>&1 &\n"
                + "( sh -c 'exec sleep 1000." + token + "2' & ) &\n"
                + "sleep 0.2; echo started";
        Cell cell = rt.create(TestCells.process("daemon", ws, script).build());
        cell.start();
        assertThat(cell.await().stdoutText()).isEqualTo("started\n");
        // without a PID namespace the daemons outlive the command: this is what teardown must catch
        assertThat(HostProcs.withCmdline("1000." + token)).hasSize(2);
        TeardownReport report = rt.destroy(cell);
        assertThat(report.clean()).isTrue();
        assertThat(report.verification()).isEqualTo(expected);
        assertThat(report.processesKilled()).isEqualTo(2);
        assertThat(report.peersTrackedAfter()).isZero();
        assertThat(HostProcs.withCmdlineAfterExit("1000." + token)).isEmpty();
    }

    @Test
    void aTimeoutKillsTheWholeTree() throws Exception {
        Path ws = TestCells.workspace(tmp);
        try (CellRuntime rt = CellRuntime.create()) {
            CellRun run = rt.run(TestCells.process("tree", ws, "sleep 1000." + token + " & sleep 1000." + token)
                    .limits(CellLimits.builder()
                            .wallClock(Duration.ofMillis(300))
                            .build())
                    .build());
            assertThat(run.result().outcome()).isInstanceOf(CellOutcome.TimedOut.class);
            assertThat(run.teardown().clean()).isTrue();
            assertThat(HostProcs.withCmdlineAfterExit("1000." + token)).isEmpty();
        }
    }

    @Test
    void thePidsCgroupCapsProcesses() throws Exception {
        Path ws = TestCells.workspace(tmp);
        try (CellRuntime rt = CellRuntime.create()) {
            TestCells.requireCgroups(rt);
            // pids.max is written just after the spawn (the JVM's own threads pass through the cgroup
            // while it starts the process, docs/cells.md), so the script first waits until its cgroup
            // has the cap: what is tested here is the cap, not that moment
            String script = "cg=$(sed -n 's/^[0-9]*:pids:\\(.*\\)$/\\1/p' /proc/self/cgroup);"
                    + " f=/sys/fs/cgroup/pids$cg/pids.max; [ -f \"$f\" ] || exit 4; n=0;"
                    + " while [ \"$(cat \"$f\")\" = max ]; do n=$((n+1)); [ $n -lt 1000 ] || exit 3; sleep 0.01; done;"
                    + " echo \"cap $(cat \"$f\")\";"
                    + " ( i=0; while [ $i -lt 30 ]; do sleep 1000." + token + " & i=$((i+1)); done ) 2>/dev/null;"
                    + " echo done";
            CellRun run = rt.run(TestCells.process("pids", ws, script)
                    .limits(CellLimits.builder().maxProcesses(8).build())
                    .build());
            assertThat(run.result().stdoutText())
                    .as("the script ran to its end (stderr: %s)", run.result().stderrText())
                    .isEqualTo("cap 8\ndone\n");
            assertThat(run.result().limitsHit()).contains(LimitKind.PROCESSES);
            // the cap held: without it the teardown would kill ~30 sleeps; with it, never more than the
            // cell's 8 processes (7 was assumed once, the shell having exited; a full verify under load
            // saw 8, which the cap allows)
            assertThat(run.teardown().processesKilled()).isBetween(1, 8);
            assertThat(run.teardown().clean()).isTrue();
            assertThat(HostProcs.withCmdlineAfterExit("1000." + token)).isEmpty();
        }
    }

    @Test
    void filesLiveInTheScratchDirectory() throws Exception {
        Path ws = TestCells.workspace(tmp);
        try (CellRuntime rt = CellRuntime.create()) {
            CellRun run = rt.run(TestCells.process("pfiles", ws, "cat \"$CAIRN_FILES_DIR/key\"")
                    .file("key", "k3y".getBytes(StandardCharsets.UTF_8))
                    .build());
            assertThat(run.result().stdoutText()).isEqualTo("k3y");
            assertThat(run.teardown().tempDirsRemoved()).isEqualTo(1);
        }
    }

    @Test
    void residueKeepsTheCellTrackedUntilADestroySucceeds() throws Exception {
        Path ws = TestCells.workspace(tmp);
        try (CellRuntime rt = CellRuntime.create()) {
            Assumptions.assumeTrue(
                    rt.host.root() && Files.isExecutable(Path.of("/usr/bin/chattr")), "needs root and chattr");
            // an immutable file in the scratch directory cannot be deleted, even by root
            CellSpec spec = TestCells.process("pinned", ws, "touch \"$TMPDIR/pin\" && chattr +i \"$TMPDIR/pin\"")
                    .build();
            Assumptions.assumeTrue(
                    rt.run(TestCells.process(
                                            "probe-chattr",
                                            ws,
                                            "touch \"$TMPDIR/p\" && chattr +i \"$TMPDIR/p\" && chattr -i \"$TMPDIR/p\"")
                                    .build())
                            .result()
                            .succeeded(),
                    "the scratch file system does not support chattr +i");
            assertThatThrownBy(() -> rt.run(spec)).isInstanceOfSatisfying(CellsException.class, e -> {
                assertThat(e.code()).isEqualTo("cell_teardown_incomplete");
                assertThat(e.retryable()).isTrue();
            });
            Cell cell = rt.cell(spec.cellId()).orElseThrow();
            assertThat(cell.state()).isEqualTo(CellState.EXITED);
            Path pin = cell.handle().scratchDir().orElseThrow().resolve("tmp/pin");
            TeardownReport again = rt.destroy(cell);
            assertThat(again.destroyed()).isFalse();
            assertThat(again.tempDirsRemaining()).isEqualTo(1);
            assertThat(again.peersTrackedAfter()).isEqualTo(1);
            new ProcessBuilder("/usr/bin/chattr", "-i", pin.toString()).start().waitFor();
            TeardownReport last = rt.destroy(cell);
            assertThat(last.clean()).isTrue();
            assertThat(last.peersTrackedAfter()).isZero();
            assertThat(cell.state()).isEqualTo(CellState.DESTROYED);
        }
    }
}
