package dev.cairn.cells;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Network policies against real TCP servers on the host: only what is granted is reachable. */
class SandboxNetworkTest {

    private static final String PROBE = String.join(
            "\n",
            "probe() {",
            "  if exec 3<>\"/dev/tcp/$1/$2\"; then",
            "    echo ping >&3; read -r -t 5 line <&3; exec 3<&-; echo \"$1:$2 CONNECTED $line\"",
            "  else echo \"$1:$2 REFUSED\"; fi",
            "} 2>/dev/null",
            "");

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
    void noNetworkReachesNeitherHostLoopbackNorOtherAddresses() throws Exception {
        try (EchoServer loopback = EchoServer.loopback();
                EchoServer any = new EchoServer(InetAddress.getByName("0.0.0.0"), 0)) {
            String out = probe(
                    NetworkPolicy.none(),
                    "probe 127.0.0.1 " + loopback.port(),
                    "probe localhost " + loopback.port(),
                    "probe " + externalAddress() + " " + any.port(),
                    "probe 1.1.1.1 53");
            assertThat(out.lines())
                    .containsExactly(
                            "127.0.0.1:" + loopback.port() + " REFUSED",
                            "localhost:" + loopback.port() + " REFUSED",
                            externalAddress() + ":" + any.port() + " REFUSED",
                            "1.1.1.1:53 REFUSED");
            assertThat(loopback.connections()).isZero();
            assertThat(any.connections()).isZero();
        }
    }

    @Test
    void hostNetworkReachesTheHost() throws Exception {
        try (EchoServer loopback = EchoServer.loopback()) {
            String out = probe(NetworkPolicy.host(), "probe 127.0.0.1 " + loopback.port());
            assertThat(out.lines()).containsExactly("127.0.0.1:" + loopback.port() + " CONNECTED pong:ping");
            assertThat(loopback.connections()).isEqualTo(1);
        }
    }

    @Test
    void grantedNetworkReachesExactlyTheGrantedEndpoints() throws Exception {
        String hostname = usableHostname().orElse(null);
        try (EchoServer granted = EchoServer.loopback();
                EchoServer other = EchoServer.loopback();
                EchoServer any = new EchoServer(InetAddress.getByName("0.0.0.0"), 0)) {
            List<String> grants = new ArrayList<>(List.of("127.0.0.1:" + granted.port()));
            List<String> probes = new ArrayList<>(List.of(
                    "probe 127.0.0.1 " + granted.port(),
                    "probe 127.0.0.1 " + other.port(),
                    "probe " + externalAddress() + " " + any.port(),
                    "probe 1.1.1.1 53"));
            if (hostname != null) {
                grants.add(hostname + ":" + any.port());
                probes.add("probe " + hostname + " " + any.port());
            }
            probes.add("grep -E '^Cap(Prm|Eff|Amb):' /proc/self/status");
            String out = probe(NetworkPolicy.granted(grants.toArray(String[]::new)), probes.toArray(String[]::new));
            List<String> expected = new ArrayList<>(List.of(
                    "127.0.0.1:" + granted.port() + " CONNECTED pong:ping",
                    "127.0.0.1:" + other.port() + " REFUSED",
                    externalAddress() + ":" + any.port() + " REFUSED",
                    "1.1.1.1:53 REFUSED"));
            if (hostname != null) {
                // the name resolves, through the cell's own /etc/hosts, to an in-cell loopback address whose
                // connector relays to the host, which resolves the name itself
                expected.add(hostname + ":" + any.port() + " CONNECTED pong:ping");
            }
            expected.addAll(
                    List.of("CapPrm:\t0000000000000000", "CapEff:\t0000000000000000", "CapAmb:\t0000000000000000"));
            assertThat(out.lines()).containsExactlyElementsOf(expected);
            assertThat(granted.connections()).isEqualTo(1);
            assertThat(other.connections()).isZero();
            assertThat(any.connections()).isEqualTo(hostname != null ? 1 : 0);
        }
    }

    @Test
    void grantsBelowPort1024WorkAndTheCommandKeepsNoCapability() throws Exception {
        EchoServer low = lowPortServer();
        try (low) {
            String out = probe(
                    NetworkPolicy.granted("127.0.0.1:" + low.port()),
                    "probe 127.0.0.1 " + low.port(),
                    "grep -E '^Cap(Prm|Eff|Amb):' /proc/self/status");
            assertThat(out.lines())
                    .containsExactly(
                            "127.0.0.1:" + low.port() + " CONNECTED pong:ping",
                            "CapPrm:\t0000000000000000",
                            "CapEff:\t0000000000000000",
                            "CapAmb:\t0000000000000000");
        }
    }

    @Test
    void grantedCellsTearDownTheirRelay() throws Exception {
        try (EchoServer granted = EchoServer.loopback()) {
            Cell cell = runtime.create(cell(NetworkPolicy.granted("127.0.0.1:" + granted.port()), "true"));
            Path scratch = cell.handle().scratchDir().orElseThrow();
            assertThat(scratch.resolve("net/g0.sock")).exists();
            assertThat(Files.readString(scratch.resolve("hosts"))).contains("localhost");
            cell.start();
            assertThat(cell.await().succeeded()).isTrue();
            TeardownReport report = runtime.destroy(cell);
            assertThat(report.clean()).isTrue();
            assertThat(report.tempDirsRemoved()).isEqualTo(1);
            assertThat(scratch).doesNotExist();
        }
    }

    private String probe(NetworkPolicy network, String... probes) {
        CellRun run = runtime.run(cell(network, PROBE + String.join("\n", probes)));
        assertThat(run.teardown().clean()).isTrue();
        assertThat(run.result().outcome()).as(run.result().stderrText()).isEqualTo(new CellOutcome.Exited(0));
        return run.result().stdoutText();
    }

    private CellSpec cell(NetworkPolicy network, String script) {
        return CellSpec.builder(TestCells.id("net"), ws)
                .profile(CellProfile.SANDBOX)
                .network(network)
                .argv("/bin/bash", "-c", script)
                .build();
    }

    /** An IPv4 address of a non-loopback interface of the host, or a TEST-NET address when there is none. */
    private static String externalAddress() throws SocketException {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a instanceof Inet4Address) {
                    return a.getHostAddress();
                }
            }
        }
        return "192.0.2.1";
    }

    private static Optional<String> usableHostname() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            NetworkGrant.parse(name + ":1");
            return name.equals("localhost") ? Optional.empty() : Optional.of(name);
        } catch (UnknownHostException | CellsException e) {
            return Optional.empty();
        }
    }

    private static EchoServer lowPortServer() throws IOException {
        Assumptions.assumeTrue(
                ProcessHandle.current().info().user().map("root"::equals).orElse(false),
                "binding a host port below 1024 for the test server needs root");
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int port = 1000; port > 900; port--) {
            try {
                return new EchoServer(loopback, port);
            } catch (IOException e) {
                // taken; try the next one
            }
        }
        throw new IOException("no free port in 901..1000 on the host loopback");
    }
}
