package dev.cairn.server;

import dev.cairn.server.fixture.FixtureServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A quick measure of the server's per-request overhead on loopback (not a test: run it by hand, the
 * figures go to docs/http-api.md): requests per second and latency percentiles of {@code GET
 * /healthz} and of {@code GET /run/{runId}/status} against the in-memory fixture orchestrator, with
 * one client and with several concurrent ones, keep-alive connections, a bearer token checked on
 * each status call.
 *
 * <pre>java -cp ... dev.cairn.server.RequestOverheadHarness [seconds] [clients]</pre>
 */
public final class RequestOverheadHarness {

    private RequestOverheadHarness() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        try (FixtureServer server = FixtureServer.builder().requireAuth(true).start();
                HttpClient http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build()) {
            String runId = new dev.cairn.server.fixture.Http(server.uri())
                    .post("/run")
                    .bearer(server.clientToken())
                    .json("{\"runners\":[{\"name\":\"a\"}],\"mode\":\"local\"}")
                    .send()
                    .json()
                    .get("runId")
                    .asText();
            HttpRequest health =
                    HttpRequest.newBuilder(server.uri().resolve("/healthz")).build();
            HttpRequest status = HttpRequest.newBuilder(URI.create(server.uri() + "/run/" + runId + "/status"))
                    .header("Authorization", "Bearer " + server.clientToken())
                    .build();
            System.out.printf("cores=%d java=%s%n", Runtime.getRuntime().availableProcessors(), Runtime.version());
            for (int round = 0; round < 2; round++) { // the first round warms up
                boolean report = round == 1;
                measure("GET /healthz", http, health, 1, seconds, report);
                measure("GET /run/{runId}/status", http, status, 1, seconds, report);
                measure("GET /healthz", http, health, clients, seconds, report);
                measure("GET /run/{runId}/status", http, status, clients, seconds, report);
            }
        }
    }

    private static void measure(
            String what, HttpClient http, HttpRequest request, int clients, int seconds, boolean report)
            throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong failures = new AtomicLong();
        List<Future<long[]>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                results.add(threads.submit(() -> {
                    long[] latencies = new long[1 << 20];
                    int n = 0;
                    while (System.nanoTime() < end && n < latencies.length) {
                        long start = System.nanoTime();
                        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        latencies[n++] = System.nanoTime() - start;
                        if (response.statusCode() != 200) {
                            failures.incrementAndGet();
                        }
                    }
                    return Arrays.copyOf(latencies, n);
                }));
            }
        }
        long[] all = results.stream()
                .map(f -> {
                    try {
                        return f.get();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .flatMapToLong(Arrays::stream)
                .sorted()
                .toArray();
        if (report) {
            System.out.printf(
                    "%-26s clients=%-3d %8.0f req/s  p50 %6.0f µs  p99 %6.0f µs  failures %d%n",
                    what,
                    clients,
                    all.length / (double) seconds,
                    all[all.length / 2] / 1000.0,
                    all[(int) (all.length * 0.99)] / 1000.0,
                    failures.get());
        }
    }
}
