package dev.cairn.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.cell.api.AuthorityBundle;
import dev.cairn.cell.api.CellException;
import dev.cairn.cell.api.CellHandle;
import dev.cairn.cell.api.EgressRule;
import dev.cairn.cell.api.ExecutionCellDocument;
import dev.cairn.cell.api.ExecutionCellSpec;
import dev.cairn.cell.api.RunCpuMax;
import dev.cairn.cell.api.RunLimits;
import dev.cairn.cell.api.RunSpec;
import dev.cairn.cell.api.TeardownReport;
import dev.cairn.cells.CellOutcome;
import dev.cairn.cells.CellResult;
import dev.cairn.cells.CellRuntime;
import dev.cairn.executor.backend.CellsBackend;
import dev.cairn.testkit.HostProcs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Seed 004's CellBackend over real process and bubblewrap cells, including break-out attempts. */
class CellsBackendTest {

    static CellRuntime runtime;
    static Path root;
    static CellsBackend process;
    static CellsBackend sandbox;
    final String token = Integer.toString(100_000 + new Random().nextInt(900_000));

    @BeforeAll
    static void start() throws IOException {
        runtime = CellRuntime.create();
        root = Files.createTempDirectory("cairn-backend-test");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
        process = CellsBackend.process(runtime, root.resolve("process"));
        sandbox = CellsBackend.sandbox(runtime, root.resolve("sandbox"));
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    static ExecutionCellDocument doc(String id, String script, AuthorityBundle authority, Optional<RunLimits> limits) {
        RunSpec run = new RunSpec(
                List.of("/bin/sh", "-c", script),
                Map.of("GREETING", "hi"),
                Optional.empty(),
                Optional.of(20_000L),
                limits);
        return ExecutionCellDocument.of(new ExecutionCellSpec(
                id, Optional.empty(), authority, Optional.of(run), Optional.empty(), Optional.empty()));
    }

    static ExecutionCellDocument doc(String id, String script) {
        return doc(id, script, AuthorityBundle.none(), Optional.empty());
    }

    record Ran(CellResult result, TeardownReport teardown, Optional<Integer> hostUid) {}

    static Ran run(CellsBackend backend, ExecutionCellDocument doc) {
        CellHandle handle = backend.create(doc);
        Optional<Integer> uid = backend.cell(handle)
                .flatMap(c -> c.handle().hostUid().isPresent()
                        ? Optional.of(c.handle().hostUid().getAsInt())
                        : Optional.empty());
        CellResult result;
        try {
            backend.start(handle, null);
            result = backend.await(handle);
        } finally {
            // the seed's contract: destroy twice is safe, the second reports destroyed = false
            TeardownReport first = backend.destroy(handle);
            assertThat(backend.destroy(handle).destroyed()).isFalse();
            if (!first.destroyed()) {
                throw new AssertionError("teardown failed: " + first);
            }
        }
        return new Ran(result, new TeardownReport(handle.cellId(), true, runtime.tracked()), uid);
    }

    static void requireSandbox() {
        assumeTrue(
                runtime.sandboxStatus().available(),
                () -> "no sandbox here: " + runtime.sandboxStatus().reason());
    }

    @Test
    void bothBackendsRunACommandAndTearDownWithoutResidue() {
        for (CellsBackend backend : List.of(process, sandbox)) {
            if (backend == sandbox && !runtime.sandboxStatus().available()) {
                continue;
            }
            CellHandle handle =
                    backend.create(doc("hello-" + backend.kind(), "echo \"$GREETING\" > out.txt; cat out.txt"));
            Path workspace = backend.workspace(handle.cellId()).orElseThrow();
            assertThat(backend.waitForInVmExit(handle.cellId())).isEmpty();
            assertThat(handle.nftRulesApplied()).isEqualTo(backend == sandbox ? Optional.of(true) : Optional.empty());
            backend.start(handle, null);
            CellResult result = backend.await(handle);
            assertThat(result.outcome()).isEqualTo(new CellOutcome.Exited(0));
            assertThat(result.stdoutText()).isEqualTo("hi\n");
            TeardownReport report = backend.destroy(handle);
            assertThat(report).isEqualTo(new TeardownReport(handle.cellId(), true, 0));
            assertThat(workspace).doesNotExist();
            assertThat(backend.destroy(handle)).isEqualTo(new TeardownReport(handle.cellId(), false, 0));
            assertThat(backend.waitForInVmExit(handle.cellId())).isEmpty();
        }
    }

    @Test
    void documentsItCannotHonourAreRefused() {
        ExecutionCellDocument noRun = ExecutionCellDocument.of(new ExecutionCellSpec(
                "no-run",
                Optional.empty(),
                AuthorityBundle.none(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()));
        assertThatThrownBy(() -> process.create(noRun))
                .isInstanceOfSatisfying(
                        CellException.class, e -> assertThat(e.code()).isEqualTo("invalid_spec"));
        assertThatThrownBy(() -> process.create(
                        doc("secrets", "true", new AuthorityBundle(List.of(), List.of("TOKEN")), Optional.empty())))
                .isInstanceOfSatisfying(
                        CellException.class, e -> assertThat(e.code()).isEqualTo("invalid_spec"));
        assertThatThrownBy(() -> process.create(doc(
                        "cpu",
                        "true",
                        AuthorityBundle.none(),
                        Optional.of(new RunLimits(
                                Optional.empty(),
                                Optional.of(new RunCpuMax(50_000, Optional.empty())),
                                Optional.empty())))))
                .isInstanceOfSatisfying(
                        CellException.class, e -> assertThat(e.code()).isEqualTo("invalid_spec"));
        assertThatThrownBy(() -> sandbox.create(doc(
                        "udp",
                        "true",
                        new AuthorityBundle(List.of(new EgressRule("localhost", 53, Optional.of("udp"))), List.of()),
                        Optional.empty())))
                .isInstanceOfSatisfying(
                        CellException.class, e -> assertThat(e.code()).isEqualTo("invalid_spec"));
        assertThat(runtime.tracked()).isZero();
    }

    @Test
    void theSandboxCannotWriteOutsideItsWorkspaceNorSeeHostProcesses() {
        requireSandbox();
        long jvm = ProcessHandle.current().pid();
        String script = String.join(
                "\n",
                "attempt() { if eval \"$2\" >/dev/null 2>&1; then echo \"ALLOWED $1\"; else echo \"DENIED $1\"; fi; }",
                "attempt etc 'touch /etc/cairn-escape-" + token + "'",
                "attempt usr 'touch /usr/bin/cairn-escape-" + token + "'",
                "attempt root 'touch /cairn-escape-" + token + "'",
                "attempt parent 'touch /work/../cairn-escape-" + token + "'",
                "attempt shadow 'cat /etc/shadow'",
                "attempt work 'echo inside > /work/inside.txt'",
                "kill -0 " + jvm + " 2>/dev/null && echo JVM-VISIBLE || echo JVM-HIDDEN",
                "set -- /proc/[0-9]*; echo \"procs=$#\"");
        Ran ran = run(sandbox, doc("fs-" + token, script));
        String out = ran.result().stdoutText();
        assertThat(out.lines())
                .contains(
                        "DENIED etc",
                        "DENIED usr",
                        "DENIED root",
                        "DENIED parent",
                        "DENIED shadow",
                        "ALLOWED work",
                        "JVM-HIDDEN");
        int procs = Integer.parseInt(out.lines()
                .filter(l -> l.startsWith("procs="))
                .findFirst()
                .orElseThrow()
                .substring(6));
        assertThat(procs).isBetween(2, 5);
        assertThat(Path.of("/etc/cairn-escape-" + token)).doesNotExist();
        assertThat(Path.of("/usr/bin/cairn-escape-" + token)).doesNotExist();
    }

    @Test
    void theSandboxReachesOnlyGrantedEndpoints() throws Exception {
        requireSandbox();
        try (ServerSocket granted = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> serve(granted));
            Thread.ofVirtual().start(() -> serve(other));
            String script =
                    "probe() { if perl -MIO::Socket::INET -e 'exit(IO::Socket::INET->new(PeerAddr=>$ARGV[0], Timeout=>2) ? 0 : 1)' \"$1\"; "
                            + "then echo \"OPEN $2\"; else echo \"CLOSED $2\"; fi; }\n"
                            + "probe 127.0.0.1:" + granted.getLocalPort() + " granted\n"
                            + "probe 127.0.0.1:" + other.getLocalPort() + " other\n"
                            + "probe 1.1.1.1:443 internet\n";
            Ran ran = run(
                    sandbox,
                    doc(
                            "net-" + token,
                            script,
                            new AuthorityBundle(
                                    List.of(new EgressRule("127.0.0.1", granted.getLocalPort(), Optional.empty())),
                                    List.of()),
                            Optional.empty()));
            assertThat(ran.result().stdoutText().lines())
                    .containsExactly("OPEN granted", "CLOSED other", "CLOSED internet");
        }
    }

    @Test
    void daemonsDoNotSurviveAndAForkBombIsContained() throws Exception {
        requireSandbox();
        String mark = "1000." + token;
        Ran daemon = run(
                sandbox,
                doc("daemon-" + token, "setsid nohup sleep " + mark + " >/dev/null 2>&1 &\nsleep 0.2; echo started"));
        assertThat(daemon.result().stdoutText()).isEqualTo("started\n");
        assertThat(HostProcs.withCmdline("sleep " + mark)).isEmpty();
        daemon.hostUid().ifPresent(uid -> assertThat(HostProcs.withUid(uid)).isEmpty());

        Ran bomb = run(
                sandbox,
                doc(
                        "bomb-" + token,
                        "bomb() { bomb | bomb & }; bomb 2>/dev/null; sleep 1; echo survived",
                        AuthorityBundle.none(),
                        Optional.empty()));
        assertThat(bomb.teardown().peersTrackedAfter()).isZero();
        bomb.hostUid().ifPresent(uid -> assertThat(HostProcs.withUid(uid)).isEmpty());
        Process p = new ProcessBuilder("true").start();
        assertThat(p.waitFor()).as("the host can still fork").isZero();
    }

    @Test
    void memoryBeyondTheLimitCannotBeAllocated() {
        requireSandbox();
        Ran ran = run(
                sandbox,
                doc(
                        "mem-" + token,
                        "dd if=/dev/zero of=/dev/null bs=512M count=1",
                        AuthorityBundle.none(),
                        Optional.of(new RunLimits(Optional.of(128L << 20), Optional.empty(), Optional.empty()))));
        assertThat(ran.result().outcome()).isEqualTo(new CellOutcome.Exited(1));
        assertThat(ran.result().stderrText()).contains("memory exhausted");
    }

    private static void serve(ServerSocket server) {
        try {
            while (true) {
                server.accept().close();
            }
        } catch (IOException e) {
            // closed
        }
    }
}
