package dev.cairn.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's meters, in a Prometheus registry: {@code cairn_http_server_requests_seconds} (count,
 * sum, max) per method, route template and status; requests and event streams in progress;
 * authentication failures per reason. A registry the server made itself also gets JVM and process
 * metrics.
 */
final class HttpMetrics implements AutoCloseable {

    /** The route label of requests that matched no route (a bounded label set, whatever clients send). */
    static final String UNMATCHED = "unmatched";

    private final PrometheusMeterRegistry registry;
    private final AtomicInteger streams = new AtomicInteger();
    private final JvmGcMetrics gc;

    HttpMetrics(Optional<PrometheusMeterRegistry> given, Lifecycle lifecycle) {
        this.registry = given.orElseGet(() -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        if (given.isEmpty()) {
            new ClassLoaderMetrics().bindTo(registry);
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            gc = new JvmGcMetrics();
            gc.bindTo(registry);
        } else {
            gc = null;
        }
        Gauge.builder("cairn.http.server.requests.active", lifecycle, Lifecycle::inProgress)
                .description("HTTP requests in progress")
                .register(registry);
        Gauge.builder("cairn.http.server.streams.active", streams, AtomicInteger::get)
                .description("Event and log streams (server-sent events) open")
                .register(registry);
    }

    /** Records one answered request. */
    void request(String method, String route, int status, long nanos) {
        Timer.builder("cairn.http.server.requests")
                .description("HTTP requests by method, route and status")
                .tags("method", method, "route", route, "status", Integer.toString(status))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Records a refused token ({@code missing}, {@code malformed}, {@code unknown}, {@code wrong_kind}). */
    void authFailure(String reason) {
        Counter.builder("cairn.http.server.auth.failures")
                .description("Requests refused for their bearer token, by reason")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    void streamOpened() {
        streams.incrementAndGet();
    }

    void streamClosed() {
        streams.decrementAndGet();
    }

    /** The Prometheus text exposition of every meter of the registry. */
    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        if (gc != null) {
            gc.close();
        }
    }
}
