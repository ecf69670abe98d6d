package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.client.CairnClient;
import dev.cairn.contracts.api.LeaseBatch;
import dev.cairn.contracts.api.StepState;
import dev.cairn.json.wire.Wire;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.TaskOutcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remote worker's long poll ({@code POST /v1/leases/acquire}) waiting when a run is submitted
 * gets the run's task over HTTP, granted by the dispatch itself (docs/orchestrator.md, "A dispatch
 * hands its task to a waiting acquire"): a lease like any other, which completes the run and fences
 * a completion of an epoch that is not the task's.
 */
class PushedLeaseE2eTest {

    private static final String CAPABILITY = "/e2e/push/v1";

    @TempDir
    Path dir;

    @Test
    void aWaitingLongPollGetsTheTaskOfARunSubmittedMeanwhile() throws Exception {
        try (Stack.Served server = Stack.cairnServer(
                        dir, "--home", dir.resolve("home").toString(), "--bind", "127.0.0.1:0", "--no-runner");
                CairnClient client = Stack.client(server.url());
                HttpClient http = HttpClient.newHttpClient()) {
            AcquireRequest acquire =
                    new AcquireRequest("poller-1", List.of(CAPABILITY), new TreeMap<>(), 4, Duration.ofSeconds(60));
            CompletableFuture<HttpResponse<String>> poll = http.sendAsync(
                    post(server.url(), "/v1/leases/acquire", Wire.write(acquire)),
                    HttpResponse.BodyHandlers.ofString());
            // give the long poll time to be waiting in the server (the metric below tells if it was not)
            Thread.sleep(1000);
            assertThat(poll).as("nothing to take yet").isNotDone();

            String runId = Stack.submit(
                    client,
                    """
                    op: e2e_push
                    version: "1"
                    steps:
                      - id: work
                        capability: /e2e/push/v1
                    """);
            HttpResponse<String> answer = poll.get(Stack.START.toSeconds(), TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            List<LeaseEnvelope> leases =
                    Wire.read(answer.body(), LeaseBatch.class).leases();
            assertThat(leases).hasSize(1);
            LeaseEnvelope lease = leases.getFirst();
            assertThat(lease.task().jobId()).contains(UUID.fromString(runId));
            assertThat(lease.task().attempts()).contains(1L);
            assertThat(lease.status()).contains("leased");

            HttpResponse<String> metrics = http.send(
                    HttpRequest.newBuilder(server.url().resolve("/metrics"))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body())
                    .as("the lease was pushed by the dispatch, not granted by a later look at the queue")
                    .containsPattern("(?m)^cairn_leases_pushed_total(\\{[^}]*\\})? 1\\.0$");
            LeaseRef held = LeaseRef.of(lease);
            LeaseRef stale = new LeaseRef(held.taskId(), held.epoch() + 1);
            TaskOutcome done = new TaskOutcome.Succeeded(
                    JsonNodeFactory.instance.objectNode().put("by", "poller-1"), List.of());
            HttpResponse<String> refused = http.send(
                    post(server.url(), complete(held), Wire.write(new Completion(stale, done))),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
            assertThat(refused.body()).contains("stale_lease");
            HttpResponse<String> completed = http.send(
                    post(server.url(), complete(held), Wire.write(new Completion(held, done))),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(completed.statusCode()).as(completed.body()).isEqualTo(204);

            var detail = Stack.awaitEnd(client, runId);
            Stack.assertCompleted(detail);
            assertThat(detail.steps()).singleElement().satisfies(step -> assertThat(step.state())
                    .isEqualTo(StepState.COMPLETED));
            assertThat(server.jvm().terminate(Stack.START)).isEqualTo(143);
            assertThat(server.jvm().err()).doesNotContain("Exception");
        }
    }

    private static String complete(LeaseRef lease) {
        return "/v1/leases/" + lease.taskId() + "/complete";
    }

    private static HttpRequest post(URI base, String path, String json) {
        return HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }
}
