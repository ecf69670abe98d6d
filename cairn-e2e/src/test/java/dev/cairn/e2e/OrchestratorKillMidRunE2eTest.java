package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.client.CairnClient;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepState;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server JVM SIGKILLed at a seeded moment while its in-process runner node works through runs of
 * many small tasks: every blob a durable event references is there after the kill (the small ones
 * are committed with the events that name them, in {@code cairn.db}'s blob table), and the runs
 * complete once the server is back.
 */
class OrchestratorKillMidRunE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    // 600 no-op tasks: an in-process runner does ~5,000 a second, so the work lasts several of the
    // 25 ms polls the kill waits on (120 tasks were done within one poll, and the kill found every
    // run ended)
    private static final int RUNS = 20;
    private static final int STEPS = 30;

    @TempDir
    Path dir;

    @Test
    void noDurableEventReferencesALostBlobWhenTheServerIsKilledMidRun() throws Exception {
        long seed = Long.getLong("cairn.seed", new Random().nextLong());
        System.out.println("OrchestratorKillMidRunE2eTest seed " + seed);
        Random random = new Random(seed);
        Path home = dir.resolve("home");
        String bind = "127.0.0.1:" + Stack.freePort();
        List<String> runs = new ArrayList<>();
        Stack.Served server = Stack.node(dir, home, bind, Duration.ofSeconds(2), true);
        try (server;
                CairnClient client = Stack.client(server.url())) {
            String input = client.upload(
                            new ByteArrayInputStream("ping".getBytes(StandardCharsets.UTF_8)), Optional.empty())
                    .artifactId();
            for (int i = 0; i < RUNS; i++) {
                runs.add(Stack.submit(client, spec(input)));
            }
            // a seeded number, up to half, of the first run's steps done; the runs queued after it
            // still to do
            int killAfter = 1 + random.nextInt(STEPS / 2);
            Waits.until(
                    () -> completedSteps(client, runs.getFirst()) >= killAfter,
                    () -> killAfter + " steps of the first run completed");
            RunState last = client.status(runs.getLast()).state();
            server.jvm().kill();
            System.out.println("killed after " + killAfter + " steps of the first run; the last run was " + last);
            assertThat(last.terminal())
                    .as("the last run had ended just before the kill (seed " + seed + "): with every run ended,"
                            + " the kill would check nothing a clean stop does not")
                    .isFalse();
        }

        // what the log and the orchestrator's tables reference, against what the home's store holds
        try (ChildJvm gc = ChildJvm.cairn(dir, "gc", "cache", "gc", "--dry-run", "--json", "--home", home.toString())) {
            assertThat(gc.awaitExit(Duration.ofSeconds(120))).as(gc.err()).isZero();
            JsonNode result = JSON.readTree(gc.out()
                    .lines()
                    .filter(l -> l.startsWith("{"))
                    .reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no JSON from cairn cache gc: " + gc.out() + gc.err())));
            assertThat(result.path("runs").path("events").asLong())
                    .as("the killed server had logged events")
                    .isPositive();
            assertThat(result.path("runs").path("missing"))
                    .as("blobs referenced by durable events or task rows but not stored (seed " + seed + ")")
                    .isEmpty();
        }

        try (Stack.Served again = Stack.node(dir, home, bind, Duration.ofSeconds(2), true);
                CairnClient client = Stack.client(again.url())) {
            for (String runId : runs) {
                RunDetail detail = Stack.awaitEnd(client, runId);
                Stack.assertCompleted(detail);
            }
        }
    }

    /** How many steps of run {@code runId} have completed. */
    private static long completedSteps(CairnClient client, String runId) {
        return client.detail(runId).steps().stream()
                .filter(s -> s.state() == StepState.COMPLETED)
                .count();
    }

    private static String spec(String input) {
        StringBuilder yaml = new StringBuilder(
                """
                op: e2e_kill_mid_run
                version: "1"
                settings:
                  mode: parallel
                  max_concurrency: %d
                steps:
                """
                        .formatted(STEPS));
        for (int i = 0; i < STEPS; i++) {
            yaml.append("  - id: hello").append(i).append('\n');
            yaml.append("    capability: /examples/hello/v1\n");
            yaml.append("    inputs: [{artifact: ").append(input).append(", to: in.bin}]\n");
        }
        return yaml.toString();
    }
}
