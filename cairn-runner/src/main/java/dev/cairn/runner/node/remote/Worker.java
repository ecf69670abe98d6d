package dev.cairn.runner.node.remote;

import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.runner.node.DirectExecution;
import dev.cairn.runner.node.RunnerNode;
import dev.cairn.runner.node.RunnerNodeException;
import dev.cairn.runner.node.RunnerRegistry;
import dev.cairn.runner.node.command.ProcessCommandExecutor;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * A remote worker, what {@code cairn worker --server URL --capability X --label region=eu} runs: a
 * {@link RunnerNode} that takes its leases and moves its artifacts over HTTP ({@link
 * RemoteLeaseService}, {@link RemoteArtifactStore}), and a {@link RunnerHttpService} serving seed
 * 003's runner contract for the same runners.
 *
 * <p>{@link #start} checks the token first ({@code HEAD /v1/artifacts/<zero id>}): a server that
 * answers {@code unauthenticated} or {@code forbidden} fails the start; a server that cannot be
 * reached yet does not (the node retries with backoff). It also routes {@code java.util.logging}
 * (Helidon's logs) to SLF4J.
 */
public final class Worker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private static final ArtifactId PROBE = new ArtifactId("0".repeat(64));

    private final WorkerOptions options;
    private final RunnerNode node;
    private final Optional<RunnerHttpService> service;
    private final HttpTransport http;

    private Worker(WorkerOptions options, RunnerNode node, Optional<RunnerHttpService> service, HttpTransport http) {
        this.options = options;
        this.node = node;
        this.service = service;
        this.http = http;
    }

    /**
     * Starts a worker with the built-in runners and every runner on the classpath.
     *
     * @throws RunnerNodeException {@code unknown_capability}, {@code invalid_option}; a {@link
     *     RemoteServiceException} or {@link StorageException} when the server refuses the token
     */
    public static Worker start(WorkerOptions options) {
        Objects.requireNonNull(options, "options");
        return start(
                options,
                RunnerRegistry.builder()
                        .builtIns(ProcessCommandExecutor.create(options.command()))
                        .discover()
                        .build());
    }

    /** Starts a worker serving the runners of {@code registry}. */
    public static Worker start(WorkerOptions options, RunnerRegistry registry) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(registry, "registry");
        routeJulToSlf4j();
        RunnerRegistry served =
                options.capabilities().isEmpty() ? registry : registry.restrictTo(options.capabilities());
        HttpTransport http = new HttpTransport(options.client());
        RemoteArtifactStore store = new RemoteArtifactStore(http);
        RemoteLeaseService leases = new RemoteLeaseService(http, store, System::nanoTime);
        try {
            probe(store);
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
        Optional<RunnerHttpService> service;
        try {
            service = options.listen()
                    .map(address -> RunnerHttpService.start(
                            new DirectExecution(
                                    served,
                                    store,
                                    options.node().workRoot(),
                                    options.node().clock(),
                                    Optional.ofNullable(options.labels().get("region"))),
                            address,
                            options.serviceToken()));
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
        RunnerNode node;
        try {
            node = RunnerNode.start(leases, store, served, options.node());
        } catch (RuntimeException e) {
            service.ifPresent(RunnerHttpService::close);
            http.close();
            throw e;
        }
        LOG.info(
                "worker {} works for {}{}",
                node.workerId(),
                options.serverUrl(),
                service.map(s -> "; serving /execute and /info on " + s.uri()).orElse(""));
        return new Worker(options, node, service, http);
    }

    /** The runner node. */
    public RunnerNode node() {
        return node;
    }

    /** The base URL of {@code /execute} and {@code /info}, when served. */
    public Optional<URI> serviceUri() {
        return service.map(RunnerHttpService::uri);
    }

    public WorkerOptions options() {
        return options;
    }

    /**
     * Stops the node (gracefully, see {@link RunnerNode#close()}), then the HTTP service, then the
     * HTTP client.
     */
    @Override
    public void close() {
        try {
            node.close();
        } finally {
            try {
                service.ifPresent(RunnerHttpService::close);
            } finally {
                http.close();
            }
        }
    }

    private static void probe(RemoteArtifactStore store) {
        try {
            store.exists(PROBE);
        } catch (StorageException e) {
            if (e.retryable()) {
                LOG.warn("the Cairn server does not answer yet ({}); the worker will keep trying", e.getMessage());
                return;
            }
            throw e;
        }
    }

    /** Routes {@code java.util.logging} to SLF4J once per JVM (Helidon logs through JUL). */
    static synchronized void routeJulToSlf4j() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
