package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.client.CairnClient;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cancelling a run while a remote worker runs its step: the step's process is gone, the run ends cancelled. */
class CancelE2eTest {

    @TempDir
    Path dir;

    @Test
    void cancelWhileRunningStopsTheStepsProcessAndEndsTheRun() throws Exception {
        Path marks = Files.createDirectories(dir.resolve("marks"));
        String spec =
                """
                op: e2e_cancel
                version: "1"
                steps:
                  - id: hang
                    run: [sh, -c, "echo $$ > %1$s/pid.tmp && mv %1$s/pid.tmp %1$s/pid && exec sleep 300"]
                  - id: after
                    needs: [hang]
                    run: [sh, -c, "touch %1$s/after"]
                """
                        .formatted(marks);
        try (Stack.Served server = Stack.node(dir, dir.resolve("home"), "127.0.0.1:0", Duration.ofSeconds(2), false);
                CairnClient client = Stack.client(server.url());
                ChildJvm worker = Stack.worker(dir, "worker-1", server.url(), "command")) {
            String runId = Stack.submit(client, spec);
            Waits.until(() -> Files.exists(marks.resolve("pid")), () -> "the step started; " + worker.err());
            long pid = Long.parseLong(Files.readString(marks.resolve("pid")).strip());
            assertThat(ProcessHandle.of(pid)).isPresent();

            client.cancel(runId);
            RunDetail detail = Stack.awaitEnd(client, runId);
            assertThat(detail.state()).isEqualTo(RunState.FAILED);
            assertThat(detail.error()).hasValueSatisfying(e -> assertThat(e).contains("cancel"));
            assertThat(detail.steps().get(0).state()).isEqualTo(StepState.CANCELLED);
            assertThat(detail.steps().get(1).state()).isIn(StepState.CANCELLED, StepState.PENDING, StepState.SKIPPED);
            Waits.until(
                    () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true),
                    () -> "step process " + pid + " gone");
            assertThat(marks.resolve("after")).doesNotExist();
            assertThat(worker.alive()).isTrue();
        }
    }
}
