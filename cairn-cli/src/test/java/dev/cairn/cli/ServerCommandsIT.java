package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.cli.CairnProcess.Result;
import dev.cairn.contracts.api.LeaseBatch;
import dev.cairn.json.wire.Wire;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.LeaseRef;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn server} in one child process and the client commands in others, over real loopback
 * HTTP: submit, status, runs, logs --follow, cancel, artifacts get; a second process refused the
 * home; a worker process; tokens; a clean stop on SIGTERM.
 */
class ServerCommandsIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path home() {
        return dir.resolve("home");
    }

    /** Starts {@code cairn server --json} with {@code extra} options; returns it and its URL. */
    private record Served(CairnProcess process, String url) {}

    private Served serve(String... extra) throws Exception {
        String[] args = new String[extra.length + 6];
        args[0] = "server";
        args[1] = "--home";
        args[2] = home().toString();
        args[3] = "--bind";
        args[4] = "127.0.0.1:0";
        args[5] = "--json";
        System.arraycopy(extra, 0, args, 6, extra.length);
        CairnProcess server = CairnProcess.start(dir, Map.of(), args);
        String line = server.awaitLine(l -> l.startsWith("{\"url\""), START);
        return new Served(server, JSON.readTree(line).get("url").asText());
    }

    private Result cairn(String... args) {
        return CairnProcess.run(dir, args);
    }

    @Test
    void submitWatchFollowCancelAndFetchOverHttp() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/awk")), "awk is not installed");
        Served served = serve();
        try (CairnProcess server = served.process()) {
            String url = served.url();
            assertThat(url).startsWith("http://127.0.0.1:");

            // The home belongs to the server now.
            Result locked = cairn("runs", "--home", home().toString());
            assertThat(locked.exit()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(locked.err()).startsWith("error[store_locked]").contains("--server URL");

            // submit --wait: local inputs uploaded, progress, results; the server's in-process runner did the work.
            Result waited = cairn(
                    "submit",
                    CairnProcess.example("dataset-stats.yaml").toString(),
                    "--server",
                    url,
                    "--wait",
                    "--json");
            assertThat(waited.exit()).as(waited.err()).isZero();
            JsonNode report = waited.json();
            assertThat(report.get("state").asText()).isEqualTo("completed");
            String reportId = null;
            for (JsonNode out : report.get("outputs")) {
                if (out.get("key").asText().equals("report/report.md")) {
                    reportId = out.get("artifact_id").asText();
                }
            }
            Result get = CairnProcess.run(
                    dir, Map.of("CAIRN_SERVER", url), "artifacts", "get", reportId, "-o", "fetched/report.md");
            assertThat(get.exit()).as(get.err()).isZero();
            assertThat(Files.readString(dir.resolve("fetched/report.md"))).contains("| **all** | 240 |");
            Result unknown = cairn("artifacts", "get", "0".repeat(64), "-o", "x", "--server", url);
            assertThat(unknown.exit()).isEqualTo(ExitCodes.DATA);
            assertThat(unknown.err()).startsWith("error[artifact_not_found]");
            assertThat(dir.resolve("x")).doesNotExist();

            // A long step: follow its log over server-sent events, cancel it, and the follower ends.
            Path slow = dir.resolve("slow.yaml");
            Files.writeString(
                    slow,
                    """
                    op: slow
                    version: "1"
                    steps:
                      - id: tick
                        run: [sh, -c, "i=0; while [ $i -lt 600 ]; do i=$((i+1)); echo tick $i; sleep 0.1; done"]
                    """);
            Result submitted = cairn("submit", slow.toString(), "--server", url);
            assertThat(submitted.exit()).as(submitted.err()).isZero();
            String runId = submitted.out().strip();
            try (CairnProcess follower =
                    CairnProcess.start(dir, Map.of(), "logs", runId, "--follow", "--server", url)) {
                follower.awaitLine(l -> l.equals("tick | tick 3"), START);
                Result status = cairn("status", runId, "--server", url, "--json");
                assertThat(status.json().get("state").asText()).isEqualTo("running");
                assertThat(status.json().get("steps").get(0).get("state").asText())
                        .isEqualTo("running");

                Result cancel = cairn("cancel", runId, "--server", url);
                assertThat(cancel.exit()).as(cancel.err()).isZero();
                Result followed = follower.await(START);
                assertThat(followed.exit()).as(followed.err()).isZero();
                assertThat(followed.out()).contains("tick | tick 1\ntick | tick 2\ntick | tick 3\n");
                assertThat(followed.out()).doesNotContain("tick 600");
            }
            Result after = cairn("status", runId, "--server", url, "--json");
            assertThat(after.json().get("state").asText()).isEqualTo("failed");
            assertThat(after.json().get("steps").get(0).get("state").asText()).isEqualTo("cancelled");

            Result failedRuns = cairn("runs", "--server", url, "--status", "failed", "--json");
            assertThat(failedRuns.json().get("runs")).hasSize(1);
            assertThat(failedRuns.json().get("runs").get(0).get("run_id").asText())
                    .isEqualTo(runId);

            // SIGTERM: a clean stop that releases the home.
            Result stopped = server.terminate(START);
            assertThat(stopped.err()).doesNotContain("ERROR").doesNotContain("Exception");
        }
        Result reopened = cairn("runs", "--home", home().toString(), "--json");
        assertThat(reopened.exit()).as(reopened.err()).isZero();
        assertThat(reopened.json().get("runs")).hasSize(2);
    }

    @Test
    void beyondLoopbackTokensAreRequiredAndARemoteWorkerDoesTheWork() throws Exception {
        Result refused =
                CairnProcess.run(dir, "server", "--home", home().toString(), "--bind", "0.0.0.0:0", "--no-runner");
        assertThat(refused.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).startsWith("error[auth_required]");

        Result client = cairn("token", "create", "--kind", "client", "--name", "laptop", "--home", home().toString());
        assertThat(client.exit()).as(client.err()).isZero();
        String clientToken = client.out().strip();
        assertThat(clientToken).startsWith("cairn_c_");
        assertThat(client.err()).contains("shown only this once");
        Result runner =
                cairn("token", "create", "--kind", "runner", "--name", "w1", "--home", home().toString(), "--json");
        String runnerToken = runner.json().get("token").asText();
        assertThat(runnerToken).startsWith("cairn_r_");
        Result badKind = cairn("token", "create", "--kind", "admin", "--home", home().toString());
        assertThat(badKind.exit()).isEqualTo(ExitCodes.USAGE);

        CairnProcess server = CairnProcess.start(
                dir, Map.of(), "server", "--home", home().toString(), "--bind", "0.0.0.0:0", "--no-runner", "--json");
        try (server) {
            JsonNode listening = JSON.readTree(server.awaitLine(l -> l.startsWith("{\"url\""), START));
            assertThat(listening.get("tokens_required").asBoolean()).isTrue();
            String url = "http://127.0.0.1:" + listening.get("url").asText().replaceAll(".*:", "");

            Result anonymous = cairn("runs", "--server", url);
            assertThat(anonymous.exit()).isEqualTo(ExitCodes.USAGE);
            assertThat(anonymous.err()).startsWith("error[unauthenticated]");
            Result wrongKind = cairn("runs", "--server", url, "--token", runnerToken);
            assertThat(wrongKind.exit()).isEqualTo(ExitCodes.USAGE);
            assertThat(wrongKind.err()).startsWith("error[forbidden]");

            Path spec = dir.resolve("remote.yaml");
            Files.writeString(
                    spec,
                    """
                    op: remote
                    version: "1"
                    steps:
                      - id: where
                        labels: {pool: builders}
                        run: [sh, -c, "echo from $CAIRN_STEP_ID > out.txt"]
                        outputs: [out.txt]
                    """);
            Map<String, String> asClient = Map.of("CAIRN_SERVER", url, "CAIRN_TOKEN", clientToken);
            Result submitted = CairnProcess.run(dir, asClient, "submit", spec.toString());
            assertThat(submitted.exit()).as(submitted.err()).isZero();
            String runId = submitted.out().strip();
            // No runner serves it yet: the task waits in the queue.
            Result queued = CairnProcess.run(dir, asClient, "status", runId, "--json");
            assertThat(queued.json().get("steps").get(0).get("state").asText()).isIn("pending", "queued");

            try (CairnProcess worker = CairnProcess.start(
                    dir,
                    Map.of(),
                    "worker",
                    "--server",
                    url,
                    "--token",
                    runnerToken,
                    "--capability",
                    "command",
                    "--label",
                    "pool=builders",
                    "--json")) {
                JsonNode started = JSON.readTree(worker.awaitLine(l -> l.startsWith("{"), START));
                assertThat(started.get("capabilities")).hasSize(1);
                assertThat(started.get("labels").get("pool").asText()).isEqualTo("builders");

                Result done = CairnProcess.run(dir, asClient, "submit", spec.toString(), "--wait", "--json");
                assertThat(done.exit()).as(done.err()).isZero();
                JsonNode out = done.json().get("outputs").get(0);
                Result get = CairnProcess.run(
                        dir,
                        asClient,
                        "artifacts",
                        "get",
                        out.get("artifact_id").asText(),
                        "-o",
                        "-");
                assertThat(get.out()).isEqualTo("from where\n");
                worker.terminate(START);
            }
            Result first = CairnProcess.run(dir, asClient, "status", runId, "--json");
            assertThat(first.json().get("state").asText()).isEqualTo("completed");
        }
    }

    @Test
    void tokensAreManagedWhileTheServerRunsAndCountAtOnce() throws Exception {
        Result first = cairn("token", "create", "--kind", "client", "--name", "first", "--home", home().toString());
        assertThat(first.exit()).as(first.err()).isZero();
        Served served = serve("--require-auth");
        try (CairnProcess server = served.process()) {
            String url = served.url();
            // The home belongs to the server, yet tokens can be made, listed and revoked beside it.
            Result created = cairn(
                    "token", "create", "--kind", "client", "--name", "second", "--home", home().toString(), "--json");
            assertThat(created.exit()).as(created.err()).isZero();
            String second = created.json().get("token").asText();
            assertThat(second).startsWith("cairn_c_");

            Result used = cairn("runs", "--server", url, "--token", second, "--json");
            assertThat(used.exit())
                    .as("the running server accepts the new token at once: " + used.err())
                    .isZero();

            Result listed = cairn("token", "ls", "--home", home().toString(), "--json");
            assertThat(listed.exit()).as(listed.err()).isZero();
            assertThat(listed.json().get("tokens").findValuesAsText("name")).containsExactly("first", "second");
            assertThat(listed.out()).doesNotContain(second);

            Result revoked = cairn("token", "revoke", "second", "--home", home().toString());
            assertThat(revoked.exit()).as(revoked.err()).isZero();
            Result refused = cairn("runs", "--server", url, "--token", second);
            assertThat(refused.exit()).isEqualTo(ExitCodes.USAGE);
            assertThat(refused.err()).startsWith("error[unauthenticated]");
            Result taken = cairn("token", "create", "--kind", "client", "--name", "first", "--home", home().toString());
            assertThat(taken.exit()).isNotZero();
            assertThat(taken.err()).contains("first");

            Result stopped = server.terminate(START);
            assertThat(stopped.err()).doesNotContain("ERROR").doesNotContain("Exception");
        }
        // After the server: the home opens normally and holds what was done beside it.
        Result after = cairn("token", "ls", "--home", home().toString(), "--json");
        assertThat(after.json().get("tokens")).hasSize(2);
        assertThat(after.json().get("tokens").get(1).has("revoked_at")).isTrue();
    }

    /** One acquire call over HTTP, as a runner node makes it; the leases granted. */
    private static List<LeaseEnvelope> acquire(String url, String worker, Duration wait) throws Exception {
        AcquireRequest request = new AcquireRequest(worker, List.of("command"), new TreeMap<>(), 1, wait);
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> response = http.send(
                    HttpRequest.newBuilder(URI.create(url).resolve("/v1/leases/acquire"))
                            .header("Content-Type", "application/json")
                            .timeout(wait.plusSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(Wire.writeBytes(request)))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
            return Wire.read(response.body(), LeaseBatch.class).leases();
        }
    }

    /** One heartbeat over HTTP for a held lease; failures are left to the assertions on status. */
    private static void heartbeat(String url, LeaseRef lease) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            http.send(
                    HttpRequest.newBuilder(URI.create(url).resolve("/v1/leases/" + lease.taskId() + "/heartbeat"))
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(
                                    Wire.writeBytes(new Heartbeat(lease, Optional.empty(), List.of()))))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // the next beat tries again; a lease that lapses shows in the status assertions
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aLeaseNotRenewedWithinLeaseTtlGoesToTheNextWorkerAsAttemptTwo() throws Exception {
        // With the default TTL (30 s) the second worker's 20 s wait would come back empty.
        Served served = serve("--no-runner", "--lease-ttl", "2s");
        try (CairnProcess server = served.process()) {
            String url = served.url();
            Path spec = dir.resolve("one.yaml");
            Files.writeString(
                    spec,
                    """
                    op: one
                    version: "1"
                    steps:
                      - id: only
                        run: [sh, -c, "true"]
                    """);
            Result submitted = cairn("submit", spec.toString(), "--server", url);
            assertThat(submitted.exit()).as(submitted.err()).isZero();
            String runId = submitted.out().strip();

            List<LeaseEnvelope> first = acquire(url, "silent-worker", Duration.ofSeconds(20));
            assertThat(first).singleElement().satisfies(l -> assertThat(l.task().attempts())
                    .contains(1L));
            // silent-worker never heartbeats: after 2 s the sweeper hands the task on.
            List<LeaseEnvelope> second = acquire(url, "next-worker", Duration.ofSeconds(20));
            assertThat(second).singleElement().satisfies(l -> {
                assertThat(l.task().id()).isEqualTo(first.getFirst().task().id());
                assertThat(l.task().attempts()).contains(2L);
            });

            // next-worker keeps its lease, as a live worker does, while the status command's JVM
            // starts: on a loaded machine that can take longer than the 2 s TTL.
            LeaseRef held = LeaseRef.of(second.getFirst());
            Result status;
            try (ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor()) {
                beat.scheduleWithFixedDelay(() -> heartbeat(url, held), 0, 500, TimeUnit.MILLISECONDS);
                status = cairn("status", runId, "--server", url, "--json");
                beat.shutdownNow();
            }
            JsonNode step = status.json().get("steps").get(0);
            assertThat(step.get("state").asText()).isEqualTo("running");
            assertThat(step.get("attempt").asInt()).isEqualTo(2);
            server.terminate(START);
        }
    }
}
