package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.fixture.FixtureOrchestrator;
import dev.cairn.server.fixture.FixtureServer;
import dev.cairn.server.fixture.Http;
import dev.cairn.testkit.InMemoryArtifactStore;
import dev.cairn.testkit.ManualClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics}: requests per route template and status, auth failures, JVM, and the caller's meters. */
class MetricsTest {

    private static double value(String metrics, String series) {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("%s in%n%s", series, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void requestsAreCountedPerRouteTemplateAndStatus() {
        try (FixtureServer server = FixtureServer.builder().requireAuth(true).start()) {
            Http http = new Http(server.uri());
            String runId = http.post("/run")
                    .bearer(server.clientToken())
                    .json("{\"runners\":[{\"name\":\"a\"}],\"mode\":\"local\"}")
                    .send()
                    .json()
                    .get("runId")
                    .asText();
            for (int i = 0; i < 3; i++) {
                http.get("/v1/runs/" + runId).bearer(server.clientToken()).send();
            }
            http.get("/v1/runs/" + runId).send();
            http.get("/v1/runs/" + runId).bearer(server.runnerToken()).send();
            http.get("/no/such/route/" + runId).send();

            String metrics = http.get("/metrics").send().text();
            String route = "cairn_http_server_requests_seconds_count{method=\"GET\",route=\"/v1/runs/{runId}\",status=";
            assertThat(value(metrics, route + "\"200\"}")).isEqualTo(3);
            assertThat(value(metrics, route + "\"401\"}")).isEqualTo(1);
            assertThat(value(metrics, route + "\"403\"}")).isEqualTo(1);
            assertThat(value(
                            metrics,
                            "cairn_http_server_requests_seconds_count{method=\"POST\",route=\"/run\",status=\"200\"}"))
                    .isEqualTo(1);
            assertThat(
                            value(
                                    metrics,
                                    "cairn_http_server_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"404\"}"))
                    .isEqualTo(1);
            assertThat(metrics).doesNotContain(runId);
            assertThat(value(metrics, "cairn_http_server_auth_failures_total{reason=\"missing\"}"))
                    .isEqualTo(1);
            assertThat(value(metrics, "cairn_http_server_auth_failures_total{reason=\"wrong_kind\"}"))
                    .isEqualTo(1);
            assertThat(value(metrics, "cairn_http_server_requests_active")).isEqualTo(1); // this scrape
            assertThat(value(metrics, "cairn_http_server_streams_active")).isZero();
            assertThat(metrics).contains("jvm_memory_used_bytes", "process_uptime_seconds");
            assertThat(http.get("/metrics").send().header("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        }
    }

    @Test
    void aGivenRegistryShowsItsOwnMeters() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("cairn.orchestrator.runs.started").increment(7);
        FixtureOrchestrator orchestrator = new FixtureOrchestrator(new InMemoryArtifactStore(), new ManualClock(), 1);
        try (Server server = Server.start(ServerOptions.builder(orchestrator)
                .port(0)
                .meterRegistry(registry)
                .build())) {
            String metrics = new Http(server.uri()).get("/metrics").send().text();
            assertThat(value(metrics, "cairn_orchestrator_runs_started_total")).isEqualTo(7);
            assertThat(metrics).contains("cairn_http_server_requests_active").doesNotContain("jvm_memory_used_bytes");
        }
    }
}
