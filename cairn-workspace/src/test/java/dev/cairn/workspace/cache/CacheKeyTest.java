package dev.cairn.workspace.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.executor.protocol.CellProfile;
import dev.cairn.executor.protocol.NetworkGrant;
import dev.cairn.executor.protocol.Run;
import dev.cairn.json.Canonical;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.time.Entropy;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.WorkspaceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cache keys: the golden vector, every field, no secrets, the same everywhere. */
class CacheKeyTest {

    @TempDir
    Path tmp;

    @Test
    void theGoldenInputHasTheGoldenPreimageAndKey() throws IOException {
        JsonNode expected;
        try (InputStream in = getClass().getResourceAsStream("/golden/CacheKeyPreimage/sample.json")) {
            expected = new ObjectMapper().readTree(in);
        }
        CacheKeyPreimage preimage = CacheKey.preimage(CacheKeyVector.input().build(), CacheKeyVector.hostKey());

        assertThat(new ObjectMapper().readTree(Wire.write(preimage))).isEqualTo(expected);
        assertThat(CacheKey.of(preimage).value()).isEqualTo(CacheKeyVector.KEY);
        assertThat(CacheKeyVector.hostKey().versionDigest("NPM_TOKEN", "v7")).isEqualTo(CacheKeyVector.VERSION_DIGEST);
        assertThat(Wire.read(Wire.write(preimage), CacheKeyPreimage.class)).isEqualTo(preimage);
        assertThat(CacheKey.of(CacheKeyVector.input().build(), CacheKeyVector.hostKey())
                        .tag()
                        .value())
                .isEqualTo("cache:" + CacheKeyVector.KEY);
    }

    @Test
    void everyFieldChangesTheKey() {
        TreeId other = new TreeId("0".repeat(64));
        Map<String, UnaryOperator<CacheKeyInput.Builder>> changes = new LinkedHashMap<>();
        changes.put("argv instead of script", b -> rebuild(new Run.Argv(List.of("make", "test")), b));
        changes.put("script source", b -> rebuild(new Run.Script("/bin/bash", "make tests"), b));
        changes.put("script shell", b -> rebuild(new Run.Script("/bin/sh", "make test"), b));
        changes.put("env value", b -> b.env(Map.of("LANG", "C.UTF-8", "CI", "2")));
        changes.put("env name", b -> b.env(Map.of("LANG", "C.UTF-8", "CJ", "1")));
        changes.put("env added", b -> b.env(Map.of("LANG", "C.UTF-8", "CI", "1", "X", "")));
        changes.put("workdir", b -> b.workdir("."));
        changes.put("input tree", b -> b.input("workspace", other));
        changes.put("input name", b -> b.input("extra", other));
        changes.put("parent snapshot", b -> b.parentSnapshot(other));
        changes.put("cell profile", b -> b.cell(CellProfile.PROCESS));
        changes.put("network", b -> b.network(NetworkGrant.none()));
        changes.put("outputs", b -> b.outputs(List.of("dist/**")));
        changes.put("output order", b -> b.outputs(List.of("report.json", "dist/**")));
        changes.put("executor version", b -> b.executorVersion("cairn-command/2"));
        changes.put("secret added", b -> b.secret("OTHER", "env:OTHER", "1"));
        changes.put("secret version", b -> rebuildSecret(b, "NPM_TOKEN", "env:NPM_TOKEN", "v8"));
        changes.put("secret delivery", b -> rebuildSecret(b, "NPM_TOKEN", "file:npm_token", "v7"));

        CacheKey base = CacheKey.of(CacheKeyVector.input().build(), CacheKeyVector.hostKey());
        Set<CacheKey> keys = new HashSet<>(Set.of(base));
        for (Map.Entry<String, UnaryOperator<CacheKeyInput.Builder>> change : changes.entrySet()) {
            CacheKey changed =
                    CacheKey.of(change.getValue().apply(CacheKeyVector.input()).build(), CacheKeyVector.hostKey());
            assertThat(keys.add(changed)).as(change.getKey()).isTrue();
        }
        byte[] otherHostKey = new byte[32];
        assertThat(keys.add(CacheKey.of(CacheKeyVector.input().build(), HostKey.of(otherHostKey))))
                .as("host key")
                .isTrue();
        // No parent snapshot at all is a key of its own too (null, not absent).
        CacheKeyInput noParent = CacheKeyInput.forStep(
                        dev.cairn.executor.protocol.CommandStep.argv("true").build())
                .executorVersion("v")
                .build();
        assertThat(Wire.toTree(CacheKey.preimage(noParent, CacheKeyVector.hostKey()))
                        .get("parent_snapshot")
                        .isNull())
                .isTrue();
    }

    private static CacheKeyInput.Builder rebuild(Run run, CacheKeyInput.Builder original) {
        CacheKeyInput in = original.build();
        CacheKeyInput.Builder b = CacheKeyInput.forStep(dev.cairn.executor.protocol.CommandStep.builder(run)
                        .cell(in.cell())
                        .network(in.network())
                        .workdir(in.workdir())
                        .build())
                .env(in.env())
                .outputs(in.outputs())
                .executorVersion(in.executorVersion());
        in.inputs().forEach(b::input);
        in.parentSnapshot().ifPresent(b::parentSnapshot);
        in.secrets().values().forEach(s -> b.secret(s.name(), s.delivery(), s.version()));
        return b;
    }

    private static CacheKeyInput.Builder rebuildSecret(
            CacheKeyInput.Builder original, String name, String delivery, String version) {
        CacheKeyInput in = original.build();
        CacheKeyInput.Builder b = CacheKeyInput.forStep(dev.cairn.executor.protocol.CommandStep.builder(in.run())
                        .cell(in.cell())
                        .network(in.network())
                        .workdir(in.workdir())
                        .build())
                .env(in.env())
                .outputs(in.outputs())
                .executorVersion(in.executorVersion());
        in.inputs().forEach(b::input);
        in.parentSnapshot().ifPresent(b::parentSnapshot);
        return b.secret(name, delivery, version);
    }

    @Test
    void secretsNeverAppearInThePreimageOnlyKeyedDigestsOfTheirVersions() {
        String version = "rotated-2026-11-23T07:00:00Z-3f9c";
        String value = "s3cr3t-value-that-the-broker-holds";
        CacheKeyInput input = CacheKeyVector.input()
                .secret("DEPLOY_KEY", "file:deploy_key", version)
                .build();

        CacheKeyPreimage preimage = CacheKey.preimage(input, CacheKeyVector.hostKey());
        String canonical = new String(Canonical.canonicalize(Wire.toTree(preimage)), StandardCharsets.UTF_8);

        assertThat(canonical).doesNotContain(version).doesNotContain(value).contains("DEPLOY_KEY");
        assertThat(preimage.secrets().get("DEPLOY_KEY").versionDigest())
                .isEqualTo(CacheKeyVector.hostKey().versionDigest("DEPLOY_KEY", version))
                .isNotEqualTo(CacheKeyVector.hostKey().versionDigest("OTHER_KEY", version));
        assertThat(input.toString()).doesNotContain(version);
        assertThat(CacheKeyVector.hostKey().toString()).isEqualTo("HostKey[redacted]");
    }

    @Test
    void credentialsInTheStepAreRefusedWithoutBeingNamed() {
        String token = "ghp_" + "a".repeat(36);
        assertThatThrownBy(() -> CacheKey.of(
                        CacheKeyVector.input().env(Map.of("GH", token)).build(), CacheKeyVector.hostKey()))
                .isInstanceOfSatisfying(WorkspaceException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_cache_key_input");
                    assertThat(e.getMessage()).contains("/env/GH").doesNotContain(token);
                });
        assertThatThrownBy(() -> CacheKey.of(
                        rebuild(
                                        new Run.Argv(List.of("curl", "-H", "Authorization: Bearer " + "x".repeat(30))),
                                        CacheKeyVector.input())
                                .build(),
                        CacheKeyVector.hostKey()))
                .isInstanceOf(WorkspaceException.class)
                .hasMessageContaining("/run/argv/2");
    }

    @Test
    void aDeclaredSecretMustNotAlsoBeInTheEnvironment() {
        assertThatThrownBy(() -> CacheKeyVector.input()
                        .env(Map.of("NPM_TOKEN", "whatever"))
                        .build())
                .isInstanceOfSatisfying(WorkspaceException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_cache_key_input");
                    assertThat(e.getMessage()).doesNotContain("whatever");
                });
        assertThatThrownBy(() -> CacheKeyVector.input().secret("NPM_TOKEN", "env:X", "1"))
                .hasMessageContaining("declared twice");
        assertThatThrownBy(() -> CacheKeyInput.forStep(dev.cairn.executor.protocol.CommandStep.argv("true")
                                .build())
                        .build())
                .hasMessageContaining("executor version");
    }

    @Test
    void theKeyIsTheSameInAnotherJvmTimeZoneAndLocale() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Duser.timezone=Pacific/Chatham",
                "-Duser.language=tr",
                "-Duser.country=TR",
                "-Dstdout.encoding=UTF-8",
                "-cp",
                System.getProperty("java.class.path"),
                CacheKeyVector.class.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(child.exitValue()).as(out).isZero();
        assertThat(out).isEqualTo(CacheKeyVector.KEY);
    }

    @Test
    void hostKeysAreMadeOnceKeptPrivateAndReadBack() throws IOException {
        Path file = tmp.resolve("state/host.key");
        int[] calls = {0};
        Entropy entropy = n -> {
            calls[0]++;
            byte[] b = new byte[n];
            b[0] = 42;
            return b;
        };

        HostKey made = HostKey.loadOrCreate(file, entropy);
        HostKey read = HostKey.loadOrCreate(file, entropy);

        assertThat(read).isEqualTo(made);
        assertThat(calls[0]).isEqualTo(1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(file).strip()).hasSize(64);

        Files.writeString(file, "abcd\n");
        assertThatThrownBy(() -> HostKey.loadOrCreate(file, entropy))
                .isInstanceOfSatisfying(
                        WorkspaceException.class, e -> assertThat(e.code()).isEqualTo("invalid_host_key"));
        Files.writeString(file, "not hex at all\n");
        assertThatThrownBy(() -> HostKey.loadOrCreate(file, entropy)).isInstanceOf(WorkspaceException.class);
        assertThatThrownBy(() -> HostKey.of(new byte[31])).hasMessageContaining("fewer than 32");
    }
}
