package dev.cairn.server;

import dev.cairn.contracts.Contracts;
import dev.cairn.contracts.api.Health;
import java.nio.charset.StandardCharsets;

/** {@code GET /healthz}, {@code GET /metrics}, {@code GET /openapi.yaml}: open to anyone. */
final class OpsRoutes {

    /** The media type of the Prometheus text exposition format. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** RFC 9512. */
    static final String YAML = "application/yaml";

    private final Lifecycle lifecycle;
    private final HttpMetrics metrics;
    private final byte[] openApi = Contracts.openApiYaml().getBytes(StandardCharsets.UTF_8);

    OpsRoutes(Lifecycle lifecycle, HttpMetrics metrics) {
        this.lifecycle = lifecycle;
        this.metrics = metrics;
    }

    void register(Router router) {
        router.add("GET", "/healthz", Access.OPEN, this::health);
        router.add("GET", "/metrics", Access.OPEN, this::metrics);
        router.add("GET", "/openapi.yaml", Access.OPEN, this::openApi);
    }

    private void health(Exchange ex) {
        ex.noQuery();
        if (lifecycle.stopping()) {
            throw ServerException.shuttingDown();
        }
        ex.header("Cache-Control", "no-store");
        ex.json(200, Health.ok());
    }

    private void metrics(Exchange ex) {
        ex.noQuery();
        ex.bytes(200, PROMETHEUS_TEXT, metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }

    private void openApi(Exchange ex) {
        ex.noQuery();
        ex.bytes(200, YAML, openApi);
    }
}
