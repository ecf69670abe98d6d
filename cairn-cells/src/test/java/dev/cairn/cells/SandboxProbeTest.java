package dev.cairn.cells;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Detection of a working sandbox, and what Cairn does and says when there is none. */
class SandboxProbeTest {

    @TempDir
    Path tmp;

    @Test
    void theSandboxWorksOnThisMachine() {
        try (CellRuntime rt = CellRuntime.create()) {
            TestCells.requireSandbox(rt);
            assertThat(rt.sandboxStatus()).isEqualTo(new SandboxProbe.Status(true, ""));
        }
    }

    @Test
    void aMissingBwrapIsNamedAndAutoFallsBackToTheProcessProfileSayingWhy() throws Exception {
        Path ws = TestCells.workspace(tmp);
        CellRuntimeOptions options = CellRuntimeOptions.builder()
                .bwrap(tmp.resolve("no-bwrap/bwrap"))
                .build();
        SandboxProbe.Status status = SandboxProbe.sandbox(options);
        assertThat(status.available()).isFalse();
        assertThat(status.reason()).startsWith("bwrap is not installed (" + tmp.resolve("no-bwrap/bwrap"));
        try (CellRuntime rt = CellRuntime.create(options)) {
            CellRun run = rt.run(CellSpec.builder(TestCells.id("auto"), ws)
                    .argv("echo", "ran")
                    .build());
            assertThat(run.result().profile()).isEqualTo(CellProfile.PROCESS);
            assertThat(run.result().stdoutText()).isEqualTo("ran\n");
            CellHandle handle = run.teardown().lifecycle().get(0).handle();
            assertThat(handle.fallbackReason()).hasValue(status.reason());
            assertThat(handle.notes())
                    .first()
                    .asString()
                    .startsWith("sandbox unavailable (bwrap is not installed")
                    .endsWith("running as a host process");
            assertThat(run.teardown().lifecycle().get(0).detail()).contains("fallback: bwrap is not installed");

            assertThatThrownBy(() -> rt.create(CellSpec.builder("explicit", ws)
                            .profile(CellProfile.SANDBOX)
                            .argv("true")
                            .build()))
                    .isInstanceOfSatisfying(CellsException.class, e -> {
                        assertThat(e.code()).isEqualTo("sandbox_unavailable");
                        assertThat(e.getMessage()).contains("bwrap is not installed");
                        assertThat(e.hint()).contains("bubblewrap");
                    });
        }
        try (CellRuntime strict =
                CellRuntime.create(options.toBuilder().requireSandbox(true).build())) {
            assertThatThrownBy(() -> strict.create(
                            CellSpec.builder("strict", ws).argv("true").build()))
                    .isInstanceOfSatisfying(
                            CellsException.class, e -> assertThat(e.code()).isEqualTo("sandbox_unavailable"));
            assertThat(strict.tracked()).isZero();
        }
    }

    @Test
    void aBwrapThatFailsIsReportedWithItsExitStatus() {
        SandboxProbe.Status status = SandboxProbe.sandbox(
                CellRuntimeOptions.builder().bwrap(Path.of("/bin/false")).build());
        assertThat(status.available()).isFalse();
        assertThat(status.reason()).contains("bwrap failed (exit 1)");
    }

    @Test
    void missingUtilLinuxToolsAreNamed() {
        SandboxProbe.Status status = SandboxProbe.sandbox(
                CellRuntimeOptions.builder().prlimit(tmp.resolve("no-prlimit")).build());
        assertThat(status.available()).isFalse();
        assertThat(status.reason()).startsWith("prlimit is not installed");
    }

    @Test
    void grantsWithoutTheConnectorAreRefused() throws Exception {
        Path ws = TestCells.workspace(tmp);
        CellRuntimeOptions options =
                CellRuntimeOptions.builder().perl(tmp.resolve("no-perl")).build();
        assertThat(SandboxProbe.connector(options).reason()).startsWith("perl is not installed");
        try (CellRuntime rt = CellRuntime.create(options)) {
            TestCells.requireSandbox(rt);
            assertThatThrownBy(() -> rt.create(CellSpec.builder("grant", ws)
                            .profile(CellProfile.SANDBOX)
                            .network(NetworkPolicy.granted("localhost:8080"))
                            .argv("true")
                            .build()))
                    .isInstanceOfSatisfying(CellsException.class, e -> {
                        assertThat(e.code()).isEqualTo("network_grant_unavailable");
                        assertThat(e.getMessage()).contains("perl is not installed");
                    });
            assertThat(rt.tracked()).isZero();
        }
        assertThat(SandboxProbe.connector(CellRuntimeOptions.defaults()).available())
                .as("perl-base is part of every Debian system")
                .isTrue();
    }

    @Test
    void filesAreRefusedWhenTheScratchRootIsNotATmpfs() throws Exception {
        Path disk = Path.of("target", "scratch-on-disk").toAbsolutePath();
        Files.createDirectories(disk);
        Assumptions.assumeFalse(HostInfo.fsTypeOf(disk).equals("tmpfs"), "target/ is on a tmpfs here");
        Path ws = TestCells.workspace(tmp);
        try (CellRuntime rt = CellRuntime.create(
                CellRuntimeOptions.builder().scratchRoot(disk).build())) {
            assertThatThrownBy(() -> rt.create(CellSpec.builder("secret", ws)
                            .profile(CellProfile.PROCESS)
                            .argv("true")
                            .file("token", "x".getBytes(StandardCharsets.UTF_8))
                            .build()))
                    .isInstanceOfSatisfying(CellsException.class, e -> {
                        assertThat(e.code()).isEqualTo("cell_files_unavailable");
                        assertThat(e.getMessage()).contains(disk.toString());
                    });
            assertThat(rt.tracked()).isZero();
            // without files the same root is fine
            assertThat(rt.run(CellSpec.builder("plain", ws)
                                    .profile(CellProfile.PROCESS)
                                    .argv("true")
                                    .build())
                            .teardown()
                            .clean())
                    .isTrue();
        }
    }
}
