package dev.cairn.cells;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a crashed JVM left behind is removed by the next runtime; nothing else is touched. */
class StaleResidueTest {

    /** Above the kernel's largest pid_max (2^22), so never a live process. */
    private static final String DEAD_PID = "999999999";

    @TempDir
    Path tmp;

    @Test
    void scratchDirectoriesOfDeadJvmsAreRemoved() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("scratch"));
        Path stale = Files.createDirectories(root.resolve(DEAD_PID + ".7/files"));
        Files.writeString(stale.resolve("token"), "left over");
        Path live = Files.createDirectory(root.resolve(ProcessHandle.current().pid() + ".999999"));
        Path foreign = Files.createDirectory(root.resolve("not-a-cell"));
        try (CellRuntime rt = CellRuntime.create(
                CellRuntimeOptions.builder().scratchRoot(root).build())) {
            assertThat(rt.scratchRoot()).isEqualTo(root);
        }
        assertThat(root.resolve(DEAD_PID + ".7")).doesNotExist();
        assertThat(live).exists();
        assertThat(foreign).exists();
    }

    @Test
    void emptyCgroupsOfDeadJvmsAreRemoved() throws Exception {
        Path ws = TestCells.workspace(tmp);
        try (CellRuntime rt = CellRuntime.create()) {
            TestCells.requireCgroups(rt);
            Cell cell = rt.create(CellSpec.builder("cg", ws)
                    .profile(CellProfile.PROCESS)
                    .argv("true")
                    .build());
            Path parent = cell.handle().cgroups().get(0).getParent();
            rt.destroy(cell);
            Path stale = Files.createDirectory(parent.resolve(DEAD_PID + ".3"));
            Path mine =
                    Files.createDirectory(parent.resolve(ProcessHandle.current().pid() + ".999999"));
            try {
                Cgroups.sweepStale(parent);
                assertThat(stale).doesNotExist();
                assertThat(mine).exists();
            } finally {
                Files.deleteIfExists(mine);
                Files.deleteIfExists(stale);
            }
        }
    }
}
