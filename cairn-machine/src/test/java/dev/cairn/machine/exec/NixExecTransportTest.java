package dev.cairn.machine.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.runtime.io.IoCallContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nix.exec}: the allowlist is checked before anything runs; a host without nix is told so. */
class NixExecTransportTest {

    static IoCallContext context(List<String> allowlist) {
        return new IoCallContext(new RunId(new UUID(3, 3)), new StateId("m.s.nix"), 0, Optional.empty(), allowlist);
    }

    static IoCall call(String flake, String... argv) {
        ObjectNode request = JsonNodeFactory.instance.objectNode().put("flake", flake);
        var args = request.putArray("argv");
        for (String a : argv) {
            args.add(a);
        }
        return new IoCall(NixExecTransport.NAMESPACE, request, Optional.empty());
    }

    @TempDir
    Path dir;

    @Test
    void aFlakeOutsideTheAllowlistIsRefusedBeforeAnythingRuns() {
        AtomicInteger looked = new AtomicInteger();
        NixExecTransport nix = new NixExecTransport(() -> {
            looked.incrementAndGet();
            return Optional.of(Path.of("/bin/false"));
        });

        assertThatThrownBy(() -> nix.call(call("github:evil/repo#app"), context(RunConfig.defaultNixFlakeAllowlist())))
                .isInstanceOfSatisfying(IoException.class, e -> {
                    assertThat(e.code()).isEqualTo(ExecCodes.NIX_FLAKE_NOT_ALLOWED);
                    assertThat(e.getMessage()).contains("github:evil/repo#app").contains("github:willyrgf/mfm");
                    assertThat(e.hint()).contains("nix_flake_allowlist");
                });
        assertThat(looked).as("nothing was run, nix was not even looked up").hasValue(0);
    }

    @Test
    void allowlistPrefixesMatchAtAFlakeReferenceBoundary() {
        List<String> allow = List.of("github:willyrgf/mfm", "path:/srv/flakes/");

        assertThat(NixExecTransport.allowed("github:willyrgf/mfm", allow)).isTrue();
        assertThat(NixExecTransport.allowed("github:willyrgf/mfm#jq_fmt", allow))
                .isTrue();
        assertThat(NixExecTransport.allowed("github:willyrgf/mfm/v1.2#app", allow))
                .isTrue();
        assertThat(NixExecTransport.allowed("github:willyrgf/mfm?ref=main#app", allow))
                .isTrue();
        assertThat(NixExecTransport.allowed("path:/srv/flakes/tool#app", allow)).isTrue();
        assertThat(NixExecTransport.allowed("github:willyrgf/mfm-evil#app", allow))
                .isFalse();
        assertThat(NixExecTransport.allowed("github:willyrgf/mf#app", allow)).isFalse();
        assertThat(NixExecTransport.allowed("github:other/repo#app", List.of())).isFalse();
        assertThat(NixExecTransport.allowed("anything", List.of(""))).isFalse();
    }

    @Test
    void aHostWithoutNixIsToldPlainly() {
        NixExecTransport nix = new NixExecTransport(Optional::empty);

        assertThatThrownBy(
                        () -> nix.call(call("github:willyrgf/mfm#app"), context(RunConfig.defaultNixFlakeAllowlist())))
                .isInstanceOfSatisfying(IoException.class, e -> {
                    assertThat(e.code()).isEqualTo(ExecCodes.NIX_NOT_FOUND);
                    assertThat(e.getMessage())
                            .isEqualTo(
                                    "nix.exec needs the `nix` binary, and it is not installed on this host (not on PATH)");
                    assertThat(e.hint()).contains("Install Nix");
                });
    }

    @Test
    void theDefaultTransportLooksNixUpOnThePathOfThisHost() {
        // There is no nix on these machines: the default lookup must say so rather than fail obscurely.
        org.junit.jupiter.api.Assumptions.assumeTrue(
                ProcessRunner.which("nix", System.getenv("PATH")).isEmpty(), "nix is installed here");

        assertThatThrownBy(() -> new NixExecTransport()
                        .call(call("github:willyrgf/mfm#app"), context(RunConfig.defaultNixFlakeAllowlist())))
                .isInstanceOfSatisfying(
                        IoException.class, e -> assertThat(e.code()).isEqualTo(ExecCodes.NIX_NOT_FOUND));
    }

    @Test
    void anAllowedFlakeRunsAsNixRunWithItsArguments() throws Exception {
        Path fake = dir.resolve("nix");
        Files.writeString(fake, "#!/bin/sh\nprintf '%s|' \"$@\"\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        NixExecTransport nix = new NixExecTransport(() -> Optional.of(fake));

        ExecResponse r = Wire.fromTree(
                nix.call(
                        call("github:willyrgf/mfm#jq_fmt", "--raw", "x y"),
                        context(RunConfig.defaultNixFlakeAllowlist())),
                ExecResponse.class);

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("run|github:willyrgf/mfm#jq_fmt|--|--raw|x y|");
    }

    @Test
    void anInvalidRequestIsTyped() {
        NixExecTransport nix = new NixExecTransport(Optional::empty);
        IoCall noFlake =
                new IoCall(NixExecTransport.NAMESPACE, JsonNodeFactory.instance.objectNode(), Optional.empty());

        assertThatThrownBy(() -> nix.call(noFlake, context(List.of())))
                .isInstanceOfSatisfying(
                        IoException.class, e -> assertThat(e.code()).isEqualTo(ExecCodes.EXEC_REQUEST_INVALID));
    }
}
