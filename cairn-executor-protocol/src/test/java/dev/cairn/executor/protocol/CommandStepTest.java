package dev.cairn.executor.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class CommandStepTest {

    private static void refused(ThrowingCallable call, String code, String message) {
        assertThatThrownBy(call)
                .isInstanceOf(ExecutorProtocolException.class)
                .hasMessageContaining(message)
                .satisfies(e -> {
                    ExecutorProtocolException p = (ExecutorProtocolException) e;
                    assertThat(p.code()).isEqualTo(code);
                    assertThat(p.retryable()).isFalse();
                    assertThat(p.hint()).isNotBlank();
                });
    }

    private static void refusedOnTheWire(String json, String code, String path) {
        assertThatThrownBy(() -> Wire.read(json, CommandStep.class))
                .isInstanceOf(JsonException.class)
                .extracting(e -> ((JsonException) e).code(), e -> ((JsonException) e).path())
                .containsExactly(code, path);
    }

    @Test
    void onlyRunIsRequiredAndEverythingElseHasNamedDefaults() {
        CommandStep step = Wire.read("{\"run\":{\"argv\":[\"true\"]}}", CommandStep.class);
        assertThat(step).isEqualTo(CommandStep.argv("true").build());
        assertThat(step.cell()).isEqualTo(CellProfile.SANDBOX);
        assertThat(step.network()).isEqualTo(new NetworkGrant.None());
        assertThat(step.env()).isEmpty();
        assertThat(step.workdir()).isEqualTo(".");
        assertThat(step.timeout()).isEqualTo(Duration.ofHours(1));
        assertThat(step.cache()).isTrue();
        assertThat(step.outputs()).isEmpty();
        assertThat(step.limits()).isEqualTo(ResourceLimits.DEFAULTS);
        assertThat(ResourceLimits.DEFAULTS.memoryBytes()).isEqualTo(4L << 30);
        assertThat(ResourceLimits.DEFAULTS.pids()).isEqualTo(4096);
        assertThat(ResourceLimits.DEFAULTS.cpuSeconds()).isEqualTo(14_400L);
        assertThat(ResourceLimits.DEFAULTS.openFiles()).isEqualTo(4096);
    }

    @Test
    void theWrittenFormSpellsOutEveryDefault() {
        assertThat(GoldenTest.tree(Wire.write(CommandStep.script("echo hi").build())))
                .isEqualTo(
                        GoldenTest.tree(
                                """
                        {"run":{"script":{"shell":"/bin/sh","source":"echo hi"}},"cell":"sandbox","network":"none",
                         "env":{},"workdir":".","timeout":{"secs":3600,"nanos":0},"cache":true,"outputs":[],
                         "limits":{"memory_bytes":4294967296,"pids":4096,"cpu_seconds":14400,"open_files":4096},
                         "inference":null}"""));
    }

    @Test
    void inferenceIsAGrantWithAnOptionalPerRequestCap() {
        CommandStep step = CommandStep.argv("true")
                .inference(InferenceGrant.maxTokens(256))
                .build();
        assertThat(Wire.toTree(step).get("inference").toString()).isEqualTo("{\"max_tokens\":256}");
        assertThat(Wire.read(Wire.write(step), CommandStep.class)).isEqualTo(step);
        assertThat(step.toBuilder().build().inference()).contains(InferenceGrant.maxTokens(256));
        assertThat(Wire.read("{\"run\":{\"argv\":[\"true\"]},\"inference\":{}}", CommandStep.class)
                        .inference())
                .contains(InferenceGrant.DEFAULT);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Wire.read(
                        "{\"run\":{\"argv\":[\"true\"]},\"inference\":{\"max_tokens\":0}}", CommandStep.class))
                .hasMessageContaining("max_tokens");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        Wire.read("{\"run\":{\"argv\":[\"true\"]},\"inference\":{\"budget\":1}}", CommandStep.class))
                .hasMessageContaining("budget");
    }

    @Test
    void aPartialLimitsObjectKeepsTheOtherDefaults() {
        CommandStep step = Wire.read("{\"run\":{\"argv\":[\"true\"]},\"limits\":{\"pids\":64}}", CommandStep.class);
        assertThat(step.limits()).isEqualTo(ResourceLimits.DEFAULTS.withPids(64));
    }

    @Test
    void theCommandMustBeRunnable() {
        refused(() -> CommandStep.argv().build(), "invalid_command", "argv is empty");
        refused(() -> CommandStep.argv("", "x").build(), "invalid_command", "argv[0] (the program) is empty");
        refused(() -> CommandStep.argv("echo", "a\0b").build(), "invalid_command", "argv[1] contains NUL");
        refused(() -> CommandStep.script("").build(), "invalid_command", "script source is empty");
        refused(() -> new Run.Script("sh", "echo"), "invalid_command", "shell `sh` is not an absolute path");
    }

    @Test
    void theWorkdirStaysInsideTheWorkspace() {
        for (String bad : List.of("/", "/etc", "..", "../x", "a/..", "a/../b", "a/../../b", "")) {
            refused(() -> CommandStep.argv("true").workdir(bad).build(), "invalid_path", "workdir `" + bad + "`");
        }
        for (String good : List.of(".", "a", "a/b", "./a", "a..b", "..a", "a/b..", "a/.../b")) {
            assertThat(CommandStep.argv("true").workdir(good).build().workdir()).isEqualTo(good);
        }
    }

    @Test
    void theTimeoutIsPositiveAndBounded() {
        refused(() -> CommandStep.argv("true").timeout(Duration.ZERO).build(), "invalid_timeout", "PT0S");
        refused(() -> CommandStep.argv("true").timeout(Duration.ofSeconds(-1)).build(), "invalid_timeout", "PT-1S");
        refused(
                () -> CommandStep.argv("true")
                        .timeout(CommandStep.MAX_TIMEOUT.plusNanos(1))
                        .build(),
                "invalid_timeout",
                "out of range");
        assertThat(CommandStep.argv("true")
                        .timeout(CommandStep.MAX_TIMEOUT)
                        .build()
                        .timeout())
                .isEqualTo(Duration.ofDays(7));
        // The schema cannot say "positive" of a {secs, nanos} object; the codec can.
        refusedOnTheWire("{\"run\":{\"argv\":[\"true\"]},\"timeout\":{\"secs\":0,\"nanos\":0}}", "invalid_timeout", "");
    }

    @Test
    void outputsAreRelativeGlobs() {
        CommandStep step = CommandStep.argv("true")
                .output("dist/**")
                .output("*.{jar,pom}")
                .output("report-[0-9].xml")
                .build();
        assertThat(step.outputs()).containsExactly("dist/**", "*.{jar,pom}", "report-[0-9].xml");
        refused(
                () -> CommandStep.argv("true").output("[abc").build(),
                "invalid_glob",
                "output glob `[abc` is not a valid glob");
        refused(() -> CommandStep.argv("true").output("{a,b").build(), "invalid_glob", "is not a valid glob");
        refused(() -> CommandStep.argv("true").output("/tmp/*").build(), "invalid_glob", "must be relative");
        refused(() -> CommandStep.argv("true").output("../*").build(), "invalid_glob", "must be relative");
        refusedOnTheWire("{\"run\":{\"argv\":[\"true\"]},\"outputs\":[\"ok/*\",\"[abc\"]}", "invalid_glob", "");
    }

    @Test
    void environmentValuesAreNeverNamedInErrors() {
        String secret = "s3cr3t\0token";
        assertThatThrownBy(() -> CommandStep.argv("true").env("TOKEN", secret).build())
                .isInstanceOf(ExecutorProtocolException.class)
                .hasMessage("environment variable `TOKEN` has a value containing NUL")
                .extracting(e -> ((ExecutorProtocolException) e).code())
                .isEqualTo("invalid_env");
        refused(() -> CommandStep.argv("true").env("A=B", "x").build(), "invalid_env", "`A=B` has a name");
        refused(() -> CommandStep.argv("true").env("", "x").build(), "invalid_env", "has a name that is empty");
        refusedOnTheWire("{\"run\":{\"argv\":[\"true\"]},\"env\":{\"A\":null}}", "invalid_env", "");
    }

    @Test
    void theEnvironmentIsSortedAndImmutable() {
        CommandStep step = Wire.read(
                "{\"run\":{\"argv\":[\"env\"]},\"env\":{\"ZED\":\"1\",\"ALPHA\":\"2\",\"MID\":\"3\"}}",
                CommandStep.class);
        assertThat(step.env().keySet()).containsExactly("ALPHA", "MID", "ZED");
        assertThatThrownBy(() -> step.env().put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Wire.write(step)).contains("\"env\":{\"ALPHA\":\"2\",\"MID\":\"3\",\"ZED\":\"1\"}");
    }

    @Test
    void limitsArePositive() {
        refused(() -> ResourceLimits.DEFAULTS.withMemoryBytes(0), "invalid_limit", "memory_bytes = 0");
        refused(() -> ResourceLimits.DEFAULTS.withPids(-1), "invalid_limit", "pids = -1");
        refused(() -> ResourceLimits.DEFAULTS.withCpuSeconds(0), "invalid_limit", "cpu_seconds = 0");
        refused(() -> ResourceLimits.DEFAULTS.withOpenFiles(0), "invalid_limit", "open_files = 0");
        refusedOnTheWire("{\"run\":{\"argv\":[\"true\"]},\"limits\":{\"cpu\":1}}", "unknown_field", "/limits/cpu");
    }

    @Test
    void networkGrantsNameHostsAndPorts() {
        NetworkGrant grant = NetworkGrant.allow("registry.npmjs.org:443", "10.0.0.1:5432", "[2001:db8::1]:65535");
        assertThat(((NetworkGrant.Allow) grant).value())
                .extracting(HostPort::host, HostPort::port)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("registry.npmjs.org", 443),
                        org.assertj.core.groups.Tuple.tuple("10.0.0.1", 5432),
                        org.assertj.core.groups.Tuple.tuple("2001:db8::1", 65535));
        for (String bad :
                List.of("example.com", "example.com:0", "example.com:65536", "exa mple.com:80", ":80", "-x:1")) {
            refused(() -> new HostPort(bad), "invalid_network_grant", "`" + bad + "` is not host:port");
        }
        refused(() -> new NetworkGrant.Allow(List.of()), "invalid_network_grant", "lists no host");
        refused(() -> NetworkGrant.allow("a:1", "a:1"), "invalid_network_grant", "lists a host twice");
        assertThat(Wire.read("{\"run\":{\"argv\":[\"true\"]},\"network\":{\"allow\":[\"a:1\"]}}", CommandStep.class)
                        .network())
                .isEqualTo(NetworkGrant.allow("a:1"));
    }

    @Test
    void misspeltFieldsAreRefusedAtEveryLevel() {
        refusedOnTheWire("{\"run\":{\"argv\":[\"true\"]},\"workDir\":\"a\"}", "unknown_field", "/workDir");
        refusedOnTheWire(
                "{\"run\":{\"script\":{\"source\":\"x\",\"interpreter\":\"/bin/sh\"}}}",
                "unknown_field",
                "/run/script/interpreter");
    }

    @Test
    void toBuilderKeepsEveryField() {
        assertThat(Values.STEP_ARGV.toBuilder().build()).isEqualTo(Values.STEP_ARGV);
        assertThat(Values.STEP_SCRIPT.toBuilder().env("X", "1").build().env()).isEqualTo(Map.of("X", "1"));
    }
}
