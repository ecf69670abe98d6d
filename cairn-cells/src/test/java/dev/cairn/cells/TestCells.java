package dev.cairn.cells;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/** Shared helpers of the cell tests: real runtimes, real bwrap, workspaces a per-cell uid can reach. */
final class TestCells {

    private static final AtomicInteger IDS = new AtomicInteger();

    private TestCells() {}

    /**
     * Fails (never skips) when the sandbox does not work, unless {@code CAIRN_ALLOW_NO_SANDBOX=1}: CI installs
     * bubblewrap, so a missing sandbox there is a broken machine, not a reason to pass.
     */
    static void requireSandbox(CellRuntime runtime) {
        SandboxProbe.Status status = runtime.sandboxStatus();
        if (status.available()) {
            return;
        }
        if ("1".equals(System.getenv("CAIRN_ALLOW_NO_SANDBOX"))) {
            Assumptions.abort("sandbox unavailable and CAIRN_ALLOW_NO_SANDBOX=1: " + status.reason());
        }
        fail("the bubblewrap sandbox does not work here: " + status.reason()
                + " (set CAIRN_ALLOW_NO_SANDBOX=1 to skip sandbox tests on such a machine)");
    }

    /** Skips when this machine offers no writable v1 cgroups (they are optional by design). */
    static void requireCgroups(CellRuntime runtime) {
        Assumptions.assumeTrue(
                runtime.cgroupsUnavailableReason().isEmpty(),
                () -> "no cgroups here: " + runtime.cgroupsUnavailableReason().orElse(""));
    }

    /** A fresh workspace under {@code parent}, with {@code parent} made searchable for per-cell uids. */
    static Path workspace(Path parent) throws IOException {
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx--x--x"));
        return Files.createDirectory(parent.resolve("ws-" + IDS.incrementAndGet()));
    }

    static String id(String prefix) {
        return prefix + "-" + IDS.incrementAndGet();
    }

    static CellSpec.Builder sandbox(String prefix, Path workspace, String script) {
        return CellSpec.builder(id(prefix), workspace)
                .profile(CellProfile.SANDBOX)
                .argv(List.of("/bin/sh", "-c", script));
    }

    static CellSpec.Builder process(String prefix, Path workspace, String script) {
        return CellSpec.builder(id(prefix), workspace)
                .profile(CellProfile.PROCESS)
                .argv(List.of("/bin/sh", "-c", script));
    }
}
