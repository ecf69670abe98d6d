package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.client.CairnClient;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepState;
import dev.cairn.contracts.api.StepView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server JVM SIGKILLed while a remote worker runs a step: restarted on the same home and address,
 * the runs go on to completion, the worker reconnecting by itself.
 */
class OrchestratorKillE2eTest {

    @TempDir
    Path dir;

    @Test
    void runsGoOnAfterTheOrchestratorIsKilledAndRestarted() throws Exception {
        Path marks = Files.createDirectories(dir.resolve("marks"));
        Path home = dir.resolve("home");
        String bind = "127.0.0.1:" + Stack.freePort();
        String spec =
                """
                op: e2e_restart
                version: "1"
                steps:
                  - id: first
                    run: [sh, -c, "touch %1$s/started-$CAIRN_RUN_ID; while [ ! -e %1$s/go ]; do sleep 0.05; done; echo first > first.txt"]
                    outputs: [first.txt]
                  - id: second
                    needs: [first]
                    inputs: [{step: first}]
                    run: [sh, -c, "cat first.txt > second.txt; echo second >> second.txt"]
                    outputs: [second.txt]
                """
                        .formatted(marks);
        List<String> runs = new ArrayList<>();
        Stack.Served server = Stack.node(dir, home, bind, Duration.ofSeconds(3), false);
        try (ChildJvm worker = Stack.worker(dir, "worker-1", server.url(), "command")) {
            try (server;
                    CairnClient client = Stack.client(server.url())) {
                runs.add(Stack.submit(client, spec));
                runs.add(Stack.submit(client, spec));
                Waits.until(
                        () -> Files.exists(marks.resolve("started-" + runs.get(0))),
                        () -> "the first run's first step started; " + worker.err());
                server.jvm().kill();
            }
            try (Stack.Served again = Stack.node(dir, home, bind, Duration.ofSeconds(3), false);
                    CairnClient client = Stack.client(again.url())) {
                assertThat(again.url()).isEqualTo(server.url());
                // The step finishes once the server is back: one that ends while the server is down fails
                // its output upload today (the worker does not wait for the server to return).
                Files.createFile(marks.resolve("go"));
                for (String runId : runs) {
                    RunDetail detail = Stack.awaitEnd(client, runId);
                    Stack.assertCompleted(detail);
                    for (StepView step : detail.steps()) {
                        assertThat(step.state()).isEqualTo(StepState.COMPLETED);
                    }
                    assertThat(RemoteWorkerE2eTest.outputs(client, runId))
                            .containsOnlyKeys("first/first.txt", "second/second.txt");
                }
                assertThat(worker.alive())
                        .as("the worker outlived the server and reconnected")
                        .isTrue();
            }
        }
    }
}
