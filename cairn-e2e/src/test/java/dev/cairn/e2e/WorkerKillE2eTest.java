package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.client.CairnClient;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepState;
import dev.cairn.contracts.api.StepView;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker SIGKILLed in the middle of a task: its lease expires, the task goes back on the queue, a
 * second worker completes it once, and the dead worker's late completion (its epoch, sent through the
 * lease API) is refused with {@code 409 stale_lease}.
 */
class WorkerKillE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aKilledWorkersTaskIsDoneOnceByAnotherAndItsLateCompletionIsRefused() throws Exception {
        Path marks = Files.createDirectories(dir.resolve("marks"));
        // First attempt: note the task and the process, then hang; second attempt: finish.
        String spec =
                """
                op: e2e_kill
                version: "1"
                steps:
                  - id: slow
                    run: [sh, -c, "echo $CAIRN_TASK_ID >> %1$s/starts; if [ -e %1$s/first ]; then echo second > out.txt; else touch %1$s/first; echo $$ > %1$s/pid; exec sleep 300; fi"]
                    outputs: [out.txt]
                """
                        .formatted(marks);
        try (Stack.Served server = Stack.node(dir, dir.resolve("home"), "127.0.0.1:0", Duration.ofSeconds(2), false);
                CairnClient client = Stack.client(server.url())) {
            String runId = Stack.submit(client, spec);
            String taskId;
            try (ChildJvm first = Stack.worker(dir, "worker-a", server.url(), "command")) {
                Waits.until(
                        () -> Files.exists(marks.resolve("pid")), () -> "the first attempt started; " + first.err());
                taskId = Files.readAllLines(marks.resolve("starts")).getFirst().strip();
                first.kill();
            }
            // The hung step outlived its worker (it was in its own session): end it, as a dead host would.
            long pid = Long.parseLong(Files.readString(marks.resolve("pid")).strip());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);

            try (ChildJvm second = Stack.worker(dir, "worker-b", server.url(), "command")) {
                RunDetail detail = Stack.awaitEnd(client, runId);
                Stack.assertCompleted(detail);
                StepView step = detail.steps().getFirst();
                assertThat(step.state()).isEqualTo(StepState.COMPLETED);
                // Exactly two starts of the one task, and one completion: one output, the second attempt's.
                assertThat(Files.readAllLines(marks.resolve("starts"))).containsExactly(taskId, taskId);
                Map<String, String> outputs = RemoteWorkerE2eTest.outputs(client, runId);
                assertThat(outputs).containsOnlyKeys("slow/out.txt");
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                client.download(outputs.get("slow/out.txt"), out);
                assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("second\n");
                assertThat(client.logs(runId, Optional.empty(), 0, 100).lines())
                        .allSatisfy(l -> assertThat(l.stepId()).isEqualTo("slow"));
            }

            // The dead worker's late completion and heartbeat, with the epoch of its lease (1).
            try (HttpClient http = HttpClient.newHttpClient()) {
                for (String route : List.of("complete", "heartbeat")) {
                    String body = route.equals("complete")
                            ? "{\"lease\":{\"task_id\":\"" + taskId
                                    + "\",\"epoch\":1},\"outcome\":{\"Succeeded\":{\"result\":{}}}}"
                            : "{\"lease\":{\"task_id\":\"" + taskId + "\",\"epoch\":1}}";
                    HttpResponse<String> late = http.send(
                            HttpRequest.newBuilder(server.url().resolve("/v1/leases/" + taskId + "/" + route))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(late.statusCode()).as(route + ": " + late.body()).isEqualTo(409);
                    JsonNode envelope = JSON.readTree(late.body());
                    assertThat(envelope.get("code").asText()).isEqualTo("stale_lease");
                    assertThat(envelope.get("hint").asText()).isNotBlank();
                }
            }
            // Still one completion: the run and its output are as they were.
            Stack.assertCompleted(client.detail(runId));
            assertThat(RemoteWorkerE2eTest.outputs(client, runId)).hasSize(1);
        }
    }
}
