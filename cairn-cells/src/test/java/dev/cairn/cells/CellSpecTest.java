package dev.cairn.cells;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class CellSpecTest {

    private static final Path WS = Path.of("/tmp/ws");

    @Test
    void builderDefaultsAreNoNetworkAutoProfileAndNamedLimits() {
        CellSpec spec = CellSpec.builder("build-1", WS).argv("true").build();
        assertThat(spec.profile()).isEqualTo(CellProfile.AUTO);
        assertThat(spec.network()).isEqualTo(NetworkPolicy.none());
        assertThat(spec.limits()).isEqualTo(CellLimits.defaults());
        assertThat(spec.limits().memoryBytes()).hasValue(CellLimits.DEFAULT_MEMORY_BYTES);
        assertThat(spec.limits().maxProcesses()).hasValue(CellLimits.DEFAULT_MAX_PROCESSES);
        assertThat(spec.limits().openFiles()).hasValue(CellLimits.DEFAULT_OPEN_FILES);
        assertThat(spec.limits().cpuSeconds()).isEmpty();
        assertThat(spec.limits().wallClock()).isEqualTo(CellLimits.DEFAULT_WALL_CLOCK);
        assertThat(spec.workdir()).isEmpty();
        assertThat(spec.stdin()).isEmpty();
    }

    @Test
    void workdirIsNormalizedAndMayNotLeaveTheWorkspace() {
        assertThat(CellSpec.builder("a", WS)
                        .argv("true")
                        .workdir("src/./main/")
                        .build()
                        .workdir())
                .isEqualTo("src/main");
        assertThat(CellSpec.builder("a", WS)
                        .argv("true")
                        .workdir("src/..")
                        .build()
                        .workdir())
                .isEmpty();
        assertInvalid(
                "workdir",
                () -> CellSpec.builder("a", WS).argv("true").workdir("../x").build());
        assertInvalid("workdir", () -> CellSpec.builder("a", WS)
                .argv("true")
                .workdir("a/../../x")
                .build());
        assertInvalid(
                "workdir",
                () -> CellSpec.builder("a", WS).argv("true").workdir("/etc").build());
    }

    @Test
    void badIdsArgvEnvAndWorkspacesAreTypedErrors() {
        assertInvalid("cell_id", () -> CellSpec.builder("", WS).argv("true").build());
        assertInvalid("cell_id", () -> CellSpec.builder("-x", WS).argv("true").build());
        assertInvalid("cell_id", () -> CellSpec.builder("a/b", WS).argv("true").build());
        assertInvalid(
                "cell_id",
                () -> CellSpec.builder("x".repeat(65), WS).argv("true").build());
        assertInvalid("argv", () -> CellSpec.builder("a", WS).build());
        assertInvalid("argv", () -> CellSpec.builder("a", WS).argv("").build());
        assertInvalid(
                "argv", () -> CellSpec.builder("a", WS).argv("echo", "a\0b").build());
        assertInvalid("env", () -> CellSpec.builder("a", WS)
                .argv("true")
                .env("CAIRN_CELL_ID", "x")
                .build());
        assertInvalid(
                "env",
                () -> CellSpec.builder("a", WS).argv("true").env("A=B", "x").build());
        assertInvalid(
                "env",
                () -> CellSpec.builder("a", WS).argv("true").env("A", "x\0").build());
        assertInvalid(
                "workspace",
                () -> CellSpec.builder("a", Path.of("relative")).argv("true").build());
        assertInvalid("read_only_binds", () -> CellSpec.builder("a", WS)
                .argv("true")
                .readOnlyBind(Path.of("/usr"), "/proc/x")
                .build());
        assertInvalid("read_only_binds", () -> CellSpec.builder("a", WS)
                .argv("true")
                .readOnlyBind(Path.of("/usr"), "/")
                .build());
        assertInvalid("read_only_binds", () -> CellSpec.builder("a", WS)
                .argv("true")
                .readOnlyBind(Path.of("/usr"), "/opt/x")
                .readOnlyBind(Path.of("/etc"), "/opt/x")
                .build());
        assertInvalid("files", () -> CellSpec.builder("a", WS)
                .argv("true")
                .file("k", new byte[1])
                .file("k", new byte[1])
                .build());
        assertInvalid("files", () -> CellSpec.builder("a", WS)
                .argv("true")
                .file("../k", new byte[1])
                .build());
    }

    @Test
    void limitsAreValidated() {
        assertInvalid(
                "limits.memory_bytes",
                () -> CellLimits.builder().memoryBytes(10).build());
        assertInvalid(
                "limits.max_processes",
                () -> CellLimits.builder().maxProcesses(0).build());
        assertInvalid(
                "limits.cpu_seconds", () -> CellLimits.builder().cpuSeconds(0).build());
        assertInvalid(
                "limits.open_files", () -> CellLimits.builder().openFiles(2).build());
        assertInvalid(
                "limits.wall_clock",
                () -> CellLimits.builder().wallClock(Duration.ZERO).build());
        assertInvalid(
                "limits.tmpfs_bytes", () -> CellLimits.builder().tmpfsBytes(1).build());
        assertInvalid(
                "limits.output_bytes",
                () -> CellLimits.builder().outputBytes(-1).build());
        CellLimits unlimited = CellLimits.builder()
                .unlimitedMemory()
                .unlimitedProcesses()
                .unlimitedOpenFiles()
                .cpuSeconds(5)
                .build();
        assertThat(unlimited.memoryBytes()).isEmpty();
        assertThat(unlimited.toBuilder().unlimitedCpu().build().cpuSeconds()).isEmpty();
    }

    @Test
    void grantsAcceptNamesAndLoopbackButRefuseOtherLiterals() {
        assertThat(NetworkGrant.parse("Registry.NPMJS.org:443")).isEqualTo(new NetworkGrant("registry.npmjs.org", 443));
        assertThat(NetworkGrant.parse("127.0.0.1:8080").loopback()).isTrue();
        assertThat(NetworkGrant.parse("localhost:1").loopback()).isTrue();
        assertThat(NetworkGrant.parse("example.com:80").loopback()).isFalse();
        assertInvalid("network", () -> NetworkGrant.parse("10.0.0.5:5432"));
        assertInvalid("network", () -> NetworkGrant.parse("127.0.0.300:80"));
        assertInvalid("network", () -> NetworkGrant.parse("[::1]:80"));
        assertInvalid("network", () -> NetworkGrant.parse("example.com"));
        assertInvalid("network", () -> NetworkGrant.parse("example.com:0"));
        assertInvalid("network", () -> NetworkGrant.parse("example.com:70000"));
        assertInvalid("network", () -> NetworkGrant.parse("example.com:http"));
        assertInvalid("network", () -> NetworkGrant.parse("bad_name.com:80"));
        assertInvalid("network", () -> NetworkPolicy.granted(List.of()));
        NetworkPolicy.Granted g = (NetworkPolicy.Granted) NetworkPolicy.granted("b.com:2", "a.com:1", "b.com:2");
        assertThat(g.grants()).containsExactly(new NetworkGrant("a.com", 1), new NetworkGrant("b.com", 2));
        assertThat(g.describe()).isEqualTo("granted [a.com:1, b.com:2]");
    }

    @Test
    void secretsNeverAppearInToString() {
        byte[] secret = "hunter2-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        CellSpec spec = CellSpec.builder("a", WS)
                .argv("true")
                .file("token", secret)
                .stdin(secret)
                .build();
        assertThat(spec.toString()).doesNotContain("hunter2").contains("token").contains("14 bytes");
        assertThat(spec.files().get(0).content()).isEqualTo(secret);
        spec.files().get(0).content()[0] = 'X';
        assertThat(spec.files().get(0).content()).isEqualTo(secret);
        assertThat(spec)
                .isEqualTo(CellSpec.builder("a", WS)
                        .argv("true")
                        .file("token", secret)
                        .stdin(secret)
                        .build());
    }

    @Test
    void runtimeOptionsAreValidated() {
        assertInvalid(
                "scratch_root",
                () -> CellRuntimeOptions.builder().scratchRoot(Path.of("rel")).build());
        assertInvalid(
                "cell_uid_base",
                () -> CellRuntimeOptions.builder().cellUids(0, 10).build());
        assertInvalid("cell_uid_base", () -> CellRuntimeOptions.builder()
                .cellUids(Integer.MAX_VALUE - 5, 10)
                .build());
        assertInvalid("system_read_only_paths", () -> CellRuntimeOptions.builder()
                .systemReadOnlyPaths(List.of(Path.of("/")))
                .build());
        assertInvalid("teardown_timeout", () -> CellRuntimeOptions.builder()
                .teardownTimeout(Duration.ZERO)
                .build());
    }

    private static void assertInvalid(String field, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CellsException.class, e -> {
            assertThat(e.code()).isEqualTo("cell_spec_invalid");
            assertThat(e.getMessage()).contains("(" + field + ")");
            assertThat(e.hint()).isNotEmpty();
            assertThat(e.retryable()).isFalse();
        });
    }
}
