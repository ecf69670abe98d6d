package dev.cairn.cells;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testkit.HostProcs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each test tries to break out of a real bubblewrap sandbox; each attempt must fail. */
class SandboxBreakoutTest {

    private static CellRuntime runtime;
    private static CellRuntime withoutCgroups;

    @TempDir
    Path tmp;

    private Path ws;
    /** Digits only: it becomes the fraction of a {@code sleep} duration that marks the test's processes. */
    private final String token = Integer.toString(100_000 + new Random().nextInt(900_000));

    @BeforeAll
    static void start() {
        runtime = CellRuntime.create();
        withoutCgroups = CellRuntime.create(CellRuntimeOptions.builder()
                .cgroups(CellRuntimeOptions.CgroupMode.OFF)
                .build());
    }

    @AfterAll
    static void stop() {
        runtime.close();
        withoutCgroups.close();
    }

    /** The default runtime (cgroups where available) and one that relies on namespaces and rlimits alone. */
    private static List<CellRuntime> runtimes() {
        return List.of(runtime, withoutCgroups);
    }

    @BeforeEach
    void workspace() throws Exception {
        TestCells.requireSandbox(runtime);
        ws = TestCells.workspace(tmp);
    }

    @Test
    void cannotWriteOutsideTheWorkspace() throws Exception {
        Path ro = Files.createDirectory(tmp.resolve("ro"));
        Files.writeString(ro.resolve("data.txt"), "read-only data");
        Files.createSymbolicLink(ws.resolve("escape"), Path.of("/etc"));
        String script = String.join(
                "\n",
                "attempt() { if eval \"$2\" >/dev/null 2>&1; then echo \"ALLOWED $1\"; else echo \"DENIED $1\"; fi; }",
                "attempt etc 'touch /etc/cairn-escape'",
                "attempt usr 'touch /usr/bin/cairn-escape'",
                "attempt root 'touch /cairn-escape'",
                "attempt mkdir-root 'mkdir /cairn-escape-dir'",
                "attempt parent 'touch /work/../cairn-escape'",
                "attempt symlink 'touch /work/escape/cairn-escape'",
                "attempt dev 'touch /dev/cairn-escape'",
                "attempt shadow 'cat /etc/shadow'",
                "attempt bind 'touch /opt/ro/new'",
                "attempt bind-overwrite 'echo x > /opt/ro/data.txt'",
                "attempt hostname 'echo evil > /proc/sys/kernel/hostname'",
                "attempt tmp 'echo hi > /tmp/cairn-" + token + "'",
                "attempt shm 'echo hi > /dev/shm/cairn-" + token + "'",
                "attempt work 'echo inside > /work/inside.txt'",
                "cat /opt/ro/data.txt; echo");
        CellRun run = runtime.run(
                TestCells.sandbox("fs", ws, script).readOnlyBind(ro, "/opt/ro").build());
        Map<String, String> verdicts = verdicts(run.result().stdoutText());
        assertThat(verdicts)
                .containsEntry("etc", "DENIED")
                .containsEntry("usr", "DENIED")
                .containsEntry("root", "DENIED")
                .containsEntry("mkdir-root", "DENIED")
                .containsEntry("parent", "DENIED")
                .containsEntry("symlink", "DENIED")
                .containsEntry("dev", "DENIED")
                .containsEntry("shadow", "DENIED")
                .containsEntry("bind", "DENIED")
                .containsEntry("bind-overwrite", "DENIED")
                .containsEntry("hostname", "DENIED")
                .containsEntry("tmp", "ALLOWED")
                .containsEntry("shm", "ALLOWED")
                .containsEntry("work", "ALLOWED");
        assertThat(run.result().stdoutText()).contains("read-only data");
        // what the cell wrote to its private tmpfs never reached the host; what it wrote to /work did
        assertThat(Path.of("/tmp/cairn-" + token)).doesNotExist();
        assertThat(Path.of("/dev/shm/cairn-" + token)).doesNotExist();
        assertThat(Path.of("/cairn-escape")).doesNotExist();
        assertThat(Path.of("/etc/cairn-escape")).doesNotExist();
        assertThat(Files.readString(ro.resolve("data.txt"))).isEqualTo("read-only data");
        assertThat(Files.readString(ws.resolve("inside.txt"))).isEqualTo("inside\n");
        assertThat(run.teardown().clean()).isTrue();
        Files.delete(ws.resolve("escape"));
    }

    @Test
    void seesOnlyItsOwnProcessesAndHoldsNoPrivileges() {
        long jvm = ProcessHandle.current().pid();
        String script = String.join(
                "\n",
                "set -- /proc/[0-9]*; echo \"procs=$#\"",
                "for d in /proc/[0-9]*; do echo \"cmd=$(tr '\\0' ' ' < $d/cmdline 2>/dev/null)\"; done",
                "kill -0 " + jvm + " 2>/dev/null && echo JVM-VISIBLE || echo JVM-HIDDEN",
                "grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' /proc/self/status",
                "echo \"uid=$(id -u) gid=$(id -g) groups=$(id -G)\"",
                "echo \"host=$(cat /proc/sys/kernel/hostname)\"",
                "unshare -U true 2>/dev/null && echo USERNS-ALLOWED || echo USERNS-DENIED",
                "ls /root /home /sys 2>/dev/null | head -1; echo done");
        CellRun run = runtime.run(TestCells.sandbox("ps", ws, script).build());
        String out = run.result().stdoutText();
        int procs = Integer.parseInt(out.lines()
                .filter(l -> l.startsWith("procs="))
                .findFirst()
                .orElseThrow()
                .substring(6));
        assertThat(procs).as(out).isBetween(2, 5);
        assertThat(out.lines().filter(l -> l.startsWith("cmd="))).noneMatch(l -> l.contains("java"));
        assertThat(out.lines()).contains("JVM-HIDDEN").doesNotContain("JVM-VISIBLE");
        assertThat(out)
                .contains("CapInh:\t0000000000000000")
                .contains("CapPrm:\t0000000000000000")
                .contains("CapEff:\t0000000000000000")
                .contains("CapBnd:\t0000000000000000")
                .contains("CapAmb:\t0000000000000000")
                .contains("NoNewPrivs:\t1");
        assertThat(out).contains("uid=1000 gid=1000 groups=1000");
        assertThat(out).contains("host=cairn-cell");
        assertThat(out).contains("USERNS-DENIED");
        assertThat(out).endsWith("done\n");
        assertThat(out.lines().filter(l -> l.equals("done")).count()).isEqualTo(1);
    }

    @Test
    void daemonsDoNotSurviveTheCell() {
        for (CellRuntime rt : runtimes()) {
            String mark = "1000." + token + (rt == runtime ? "1" : "2");
            String script = "setsid nohup sleep " + mark + "1 >/dev/null 2>&1 &\n"
                    + "( sh -c 'sleep " + mark + "2' & ) &\n"
                    + "sleep 0.2\n"
                    + "for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < $f; echo; done | grep -c '^sleep " + mark
                    + "'";
            Cell cell = rt.create(TestCells.sandbox("daemon", ws, script).build());
            cell.start();
            CellResult result = cell.await();
            // both daemons ran inside the cell when its command ended
            assertThat(result.stdoutText()).isEqualTo("2\n");
            TeardownReport report = rt.destroy(cell);
            assertThat(report.clean()).isTrue();
            assertThat(report.verification())
                    .isEqualTo(
                            rt.cgroupsUnavailableReason().isEmpty()
                                    ? TeardownReport.Verification.CGROUP
                                    : TeardownReport.Verification.PID_NAMESPACE);
            assertThat(report.peersTrackedAfter()).isZero();
            assertThat(report.processesRemaining()).isZero();
            assertThat(HostProcs.withCmdlineAfterExit(mark)).isEmpty();
            cell.handle().hostUid().ifPresent(uid -> assertThat(HostProcs.liveWithUidAfterExit(uid))
                    .isEmpty());
        }
    }

    @Test
    void memoryBeyondTheAddressSpaceLimitCannotBeAllocated() {
        CellRun run = runtime.run(TestCells.sandbox("mem", ws, "dd if=/dev/zero of=/dev/null bs=512M count=1")
                .limits(CellLimits.builder().memoryBytes(128L << 20).build())
                .build());
        assertThat(run.result().succeeded()).isFalse();
        assertThat(run.result().outcome()).isEqualTo(new CellOutcome.Exited(1));
        assertThat(run.result().stderrText()).contains("memory exhausted");
        assertThat(run.teardown().clean()).isTrue();
        assertHostStillWorks();
    }

    @Test
    void residentMemoryBeyondTheCgroupLimitIsKilled() {
        TestCells.requireCgroups(runtime);
        // tmpfs pages do not count as address space, only the memory cgroup sees them
        CellRun run = runtime.run(TestCells.sandbox("oom", ws, "dd if=/dev/zero of=/tmp/fill bs=1M count=400")
                .limits(CellLimits.builder()
                        .memoryBytes(96L << 20)
                        .tmpfsBytes(1L << 30)
                        .build())
                .build());
        assertThat(run.result().succeeded()).isFalse();
        assertThat(run.result().limitsHit()).contains(LimitKind.MEMORY);
        assertThatThrownCode(run.result(), "cell_limit_exceeded");
        assertThat(run.teardown().clean()).isTrue();
        assertHostStillWorks();
    }

    @Test
    void processCountIsCapped() {
        for (CellRuntime rt : runtimes()) {
            String script = "( i=0; while [ $i -lt 60 ]; do sleep 30 & i=$((i+1)); done ) 2>/dev/null\n"
                    + "set -- /proc/[0-9]*; echo \"procs=$#\"";
            CellRun run = rt.run(TestCells.sandbox("nproc", ws, script)
                    .limits(CellLimits.builder().maxProcesses(16).build())
                    .build());
            String out = run.result().stdoutText();
            int procs = Integer.parseInt(out.trim().substring("procs=".length()));
            // bwrap's init, the shell, and at most 15 sleeps: 16 processes of the command plus init
            assertThat(procs).as(out).isBetween(8, 17);
            if (rt.cgroupsUnavailableReason().isEmpty()) {
                assertThat(run.result().limitsHit()).contains(LimitKind.PROCESSES);
            }
            assertThat(run.teardown().clean()).isTrue();
            run.teardown().lifecycle().get(0).handle().hostUid().ifPresent(uid -> assertThat(
                            HostProcs.liveWithUidAfterExit(uid))
                    .isEmpty());
        }
    }

    @Test
    void forkBombIsContainedAndLeavesNothing() {
        for (CellRuntime rt : runtimes()) {
            String script = "bomb() { bomb | bomb & }; bomb 2>/dev/null; while :; do :; done";
            Cell cell = rt.create(TestCells.sandbox("bomb", ws, script)
                    .limits(CellLimits.builder()
                            .maxProcesses(32)
                            .wallClock(Duration.ofMillis(1500))
                            .build())
                    .build());
            cell.start();
            CellResult result = cell.await();
            // Tear down before judging the outcome, so a failed assertion leaves no cell behind.
            TeardownReport report = rt.destroy(cell);
            // Either the bomb's shell keeps spinning until the wall clock stops it, or its own fork
            // fails against the process cap and dash exits 2: both are a contained bomb.
            if (result.outcome() instanceof CellOutcome.TimedOut timedOut) {
                assertThat(timedOut).isEqualTo(new CellOutcome.TimedOut(Duration.ofMillis(1500)));
                assertThat(result.limitsHit()).contains(LimitKind.WALL_CLOCK);
                assertThat(report.processesKilled()).isGreaterThanOrEqualTo(1);
            } else {
                assertThat(result.outcome())
                        .as("a bomb that is not timed out must have failed to fork")
                        .isInstanceOfSatisfying(CellOutcome.Exited.class, exited -> assertThat(exited.exitCode())
                                .isNotZero());
            }
            assertThat(report.clean()).isTrue();
            assertThat(report.peersTrackedAfter()).isZero();
            // a killed cell without cgroups is verified by a scan; one whose bomb failed to fork and
            // exited on its own is covered by its PID namespace (docs/cells.md, teardown table)
            if (rt == withoutCgroups
                    && cell.handle().hostUid().isPresent()
                    && result.outcome() instanceof CellOutcome.TimedOut) {
                assertThat(report.verification()).isEqualTo(TeardownReport.Verification.PROC_SCAN);
            }
            cell.handle().hostUid().ifPresent(uid -> assertThat(HostProcs.liveWithUidAfterExit(uid))
                    .isEmpty());
            assertHostStillWorks();
        }
    }

    @Test
    void cpuTimeBeyondTheLimitIsKilledBySigxcpu() {
        CellRun run = runtime.run(TestCells.sandbox("cpu", ws, "while :; do :; done")
                .limits(CellLimits.builder()
                        .cpuSeconds(1)
                        .wallClock(Duration.ofSeconds(30))
                        .build())
                .build());
        assertThat(run.result().outcome()).isEqualTo(new CellOutcome.Signaled(24));
        assertThat(run.result().limitsHit()).containsExactly(LimitKind.CPU_TIME);
        assertThatThrownCode(run.result(), "cell_limit_exceeded");
        assertThat(run.teardown().clean()).isTrue();
    }

    @Test
    void openFilesBeyondTheLimitFail() {
        String script = "ulimit -n; for i in $(seq 3 100); do eval \"exec $i</dev/null\" 2>/dev/null"
                + " || { echo \"fail-at $i\"; exit 0; }; done; echo no-limit";
        CellRun run = runtime.run(CellSpec.builder(TestCells.id("nofile"), ws)
                .profile(CellProfile.SANDBOX)
                .argv("/bin/bash", "-c", script)
                .limits(CellLimits.builder().openFiles(32).build())
                .build());
        List<String> lines = run.result().stdoutText().lines().toList();
        assertThat(lines.get(0)).isEqualTo("32");
        assertThat(lines.get(1)).startsWith("fail-at ");
        assertThat(Integer.parseInt(lines.get(1).substring(8))).isBetween(29, 32);
        assertThat(run.teardown().clean()).isTrue();
    }

    private void assertHostStillWorks() {
        CellRun after = runtime.run(TestCells.sandbox("after", ws, "echo fine").build());
        assertThat(after.result().stdoutText()).isEqualTo("fine\n");
    }

    private static void assertThatThrownCode(CellResult result, String code) {
        try {
            result.requireSuccess();
        } catch (CellsException e) {
            assertThat(e.code()).isEqualTo(code);
            return;
        }
        throw new AssertionError("requireSuccess did not throw for " + result);
    }

    private static Map<String, String> verdicts(String out) {
        return out.lines()
                .filter(l -> l.startsWith("ALLOWED ") || l.startsWith("DENIED "))
                .map(l -> l.split(" ", 2))
                .collect(Collectors.toMap(p -> p[1], p -> p[0], (a, b) -> a, java.util.TreeMap::new));
    }
}
