package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.client.CairnClient;
import dev.cairn.contracts.JobResult;
import dev.cairn.contracts.RunnerResult;
import dev.cairn.contracts.api.ArtifactUploaded;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepState;
import dev.cairn.contracts.api.StepView;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn server --no-runner} in one JVM, a {@code cairn worker} in another, this test a third:
 * a pipeline submitted over HTTP can only be done by the remote worker; its results and artifacts come
 * back over HTTP with their digests checked.
 */
class RemoteWorkerE2eTest {

    @TempDir
    Path dir;

    @Test
    void aRemoteWorkerDoesTheWorkAndTheResultsComeBackOverHttp() throws Exception {
        long seed = new Random().nextLong();
        System.out.println("RemoteWorkerE2eTest seed " + seed);
        byte[] data = new byte[1 + new Random(seed).nextInt(200_000)];
        new Random(seed).nextBytes(data);

        try (Stack.Served server = Stack.cairnServer(
                        dir, "--home", dir.resolve("home").toString(), "--bind", "127.0.0.1:0", "--no-runner");
                CairnClient client = Stack.client(server.url())) {
            ArtifactUploaded input = client.upload(new ByteArrayInputStream(data), Optional.empty());
            assertThat(input.artifactId()).isEqualTo(sha256(data));
            String spec =
                    """
                    op: e2e_remote
                    version: "1"
                    steps:
                      - id: double
                        inputs: [{artifact: %s, to: in.bin}]
                        run: [sh, -c, "cat in.bin in.bin > out.bin && echo doubled"]
                        outputs: [out.bin]
                      - id: count
                        needs: [double]
                        inputs: [{step: double}]
                        run: [sh, -c, "wc -c < out.bin | tr -d ' ' > count.txt"]
                        outputs: [count.txt]
                    """
                            .formatted(input.artifactId());
            String runId = Stack.submit(client, spec);
            // No runner in the server: the steps wait for a worker.
            try (ChildJvm worker = Stack.worker(dir, "worker-1", server.url(), "command")) {
                RunDetail detail = Stack.awaitEnd(client, runId);
                Stack.assertCompleted(detail);
                for (StepView step : detail.steps()) {
                    assertThat(step.state()).isEqualTo(StepState.COMPLETED);
                    assertThat(step.exitCode()).contains(0);
                }
                Map<String, String> outputs = outputs(client, runId);
                assertThat(outputs).containsOnlyKeys("double/out.bin", "count/count.txt");

                ByteArrayOutputStream doubled = new ByteArrayOutputStream();
                client.download(outputs.get("double/out.bin"), doubled);
                byte[] expected = new byte[data.length * 2];
                System.arraycopy(data, 0, expected, 0, data.length);
                System.arraycopy(data, 0, expected, data.length, data.length);
                assertThat(doubled.toByteArray()).isEqualTo(expected);
                assertThat(outputs.get("double/out.bin")).isEqualTo(sha256(expected));

                Path count = dir.resolve("count.txt");
                client.download(outputs.get("count/count.txt"), count);
                assertThat(Files.readString(count).strip()).isEqualTo(Integer.toString(expected.length));
                assertThat(outputs.get("count/count.txt")).isEqualTo(sha256(Files.readAllBytes(count)));

                // count.txt (and out.bin when at most 64 KiB) travelled inside the completions: the
                // only uploads are this test's input and a large out.bin
                long uploads = uploads(server.url());
                assertThat(uploads).isEqualTo(expected.length > 64 * 1024 ? 2 : 1);

                assertThat(client.logs(runId, Optional.of("double"), 0, 100).lines())
                        .anySatisfy(e -> assertThat(e.line().message()).isEqualTo("doubled"));
                assertThat(worker.alive()).isTrue();
                assertThat(worker.terminate(Stack.START)).isEqualTo(143);
            }
            assertThat(server.jvm().terminate(Stack.START)).isEqualTo(143);
            assertThat(server.jvm().err()).doesNotContain("Exception");
        }
    }

    /** How many {@code POST /v1/artifacts} the server answered, from its {@code /metrics}. */
    static long uploads(java.net.URI server) throws Exception {
        java.net.http.HttpResponse<String> metrics;
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            metrics = http.send(
                    java.net.http.HttpRequest.newBuilder(server.resolve("/metrics"))
                            .GET()
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        }
        java.util.regex.Matcher counts = java.util.regex.Pattern.compile(
                        "(?m)^cairn_http_server_requests_seconds_count\\{([^}]*)\\} (\\S+)$")
                .matcher(metrics.body());
        double total = 0;
        while (counts.find()) {
            String labels = counts.group(1);
            if (labels.contains("method=\"POST\"") && labels.contains("route=\"/v1/artifacts\"")) {
                total += Double.parseDouble(counts.group(2));
            }
        }
        return (long) total;
    }

    /** The run's captured outputs: "step/key" to artifact id, from the seed 003 summary. */
    static Map<String, String> outputs(CairnClient client, String runId) {
        Map<String, String> outputs = new LinkedHashMap<>();
        for (JobResult job : client.summary(runId).jobs()) {
            for (RunnerResult result : job.results()) {
                if (result.details().isPresent()) {
                    JsonNode details = result.details().get();
                    for (JsonNode out : details.path("outputs")) {
                        outputs.put(
                                details.path("step_id").asText(result.name()) + "/"
                                        + out.path("key").asText(),
                                out.path("artifact_id").asText());
                    }
                }
            }
        }
        return outputs;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
