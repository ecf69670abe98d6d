package dev.cairn.runner.node.testing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.contracts.ErrorEnvelope;
import dev.cairn.contracts.api.ArtifactUploaded;
import dev.cairn.contracts.api.CompletionBatch;
import dev.cairn.contracts.api.CompletionRequest;
import dev.cairn.contracts.api.CompletionResults;
import dev.cairn.contracts.api.InlineOutput;
import dev.cairn.contracts.api.LeaseBatch;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.CodedError;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.StorageError;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.LeaseException;
import dev.cairn.runner.api.lease.LeaseService;
import dev.cairn.runner.node.remote.RemoteArtifactStore;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;

/**
 * A small, real HTTP server for the remote node's tests: the lease and artifact routes of {@code
 * docs/http-api.md} over a {@link LeaseService} and an {@link ArtifactStore}, with runner-token
 * auth and error envelopes, plus hooks to misbehave on purpose (failures, tampered bytes) and to
 * watch bytes stream. Helidon SE on a free loopback port.
 */
public final class CairnServerFixture implements AutoCloseable {

    private static final String JSON = "application/json; charset=utf-8";

    private final LeaseService leases;
    private final ArtifactStore store;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Map<ArtifactId, UnaryOperator<byte[]>> tampered = new ConcurrentHashMap<>();
    private final Map<ArtifactId, Function<ArtifactId, InputStream>> generated = new ConcurrentHashMap<>();
    private final Map<String, String> headerOverrides = new ConcurrentHashMap<>();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, AtomicInteger> requestsByRoute = new ConcurrentHashMap<>();
    private final Map<String, java.util.List<Integer>> batchSizes = new ConcurrentHashMap<>();
    private final Map<String, java.util.List<Integer>> inlineCounts = new ConcurrentHashMap<>();
    private volatile boolean batchRoute = true;
    private volatile boolean inlineOutputs = true;
    private volatile java.util.concurrent.CountDownLatch completionsHeld;
    private volatile ErrorEnvelope failure;
    private volatile int failureStatus;
    private volatile LongConsumer uploadProgress = n -> {};
    private final int port;
    private volatile WebServer server;

    public CairnServerFixture(LeaseService leases, ArtifactStore store) {
        this.leases = leases;
        this.store = store;
        this.server = build(0).start();
        this.port = server.port();
    }

    private WebServer build(int listenPort) {
        return WebServer.builder()
                .host("127.0.0.1")
                .port(listenPort)
                .connectionOptions(io.helidon.common.socket.SocketOptions.builder()
                        .tcpNoDelay(true)
                        .build()) // as Cairn's server
                .maxPayloadSize(-1)
                .shutdownHook(false)
                .routing(r -> r.post("/v1/leases/acquire", guarded(this::acquire))
                        .post("/v1/leases/complete", guarded(this::completeBatch))
                        .post("/v1/leases/{taskId}/heartbeat", guarded(this::heartbeat))
                        .post("/v1/leases/{taskId}/complete", guarded(this::complete))
                        .get("/v1/artifacts/{id}", guarded(this::download))
                        .head("/v1/artifacts/{id}", guarded(this::download))
                        .post("/v1/artifacts", guarded(this::upload))
                        .any((req, res) -> error(
                                res, 404, "not_found", "no route " + req.path().path(), false)))
                .build();
    }

    /** Stops listening: connections are refused, as when the server is down. */
    public synchronized void stop() {
        server.stop();
    }

    /** Listens again on the same port, with the same state (the lease service and store live on). */
    public synchronized void restart() {
        if (!server.isRunning()) {
            server = build(port).start();
        }
    }

    /** The base URL. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** Accepts {@code token} as a runner token. */
    public CairnServerFixture runnerToken(String token) {
        tokens.put(token, "runner");
        return this;
    }

    /** Accepts {@code token} as a client token (no lease rights). */
    public CairnServerFixture clientToken(String token) {
        tokens.put(token, "client");
        return this;
    }

    /** Answers the next {@code count} requests with {@code status} and this error. */
    public void failNext(int count, int status, String code, boolean retryable) {
        failure = new ErrorEnvelope(code, "injected failure " + code, retryable, Optional.empty(), Optional.empty());
        failureStatus = status;
        failures.set(count);
    }

    /** Serves {@code id} with its stored bytes changed by {@code damage} (headers stay honest about the id). */
    public void tamper(ArtifactId id, UnaryOperator<byte[]> damage) {
        tampered.put(id, damage);
    }

    /** Serves {@code id} from a stream made by {@code source} instead of the store. */
    public void generate(ArtifactId id, Function<ArtifactId, InputStream> source) {
        generated.put(id, source);
    }

    /** Replaces a response header of downloads. */
    public void overrideHeader(String name, String value) {
        headerOverrides.put(name, value);
    }

    /** Called with the total number of bytes read so far from each upload's body, as they arrive. */
    public void onUploadProgress(LongConsumer consumer) {
        uploadProgress = consumer;
    }

    /** How many requests arrived. */
    public int requests() {
        return requests.get();
    }

    /** How many requests arrived for the route {@code template} (e.g. {@code POST /v1/leases/complete}). */
    public int requests(String template) {
        AtomicInteger count = requestsByRoute.get(template);
        return count == null ? 0 : count.get();
    }

    /** The sizes of the batches {@code POST /v1/leases/complete} received, in order. */
    public java.util.List<Integer> completionBatches() {
        java.util.List<Integer> sizes = batchSizes.get("complete");
        return sizes == null ? java.util.List.of() : java.util.List.copyOf(sizes);
    }

    /**
     * Holds every {@code POST /v1/leases/complete} request (before reading its body) until {@code
     * release} is counted down.
     */
    public void holdCompletions(java.util.concurrent.CountDownLatch release) {
        completionsHeld = release;
    }

    /** How many inline outputs each {@code POST /v1/leases/complete} carried, in order. */
    public java.util.List<Integer> inlineOutputCounts() {
        java.util.List<Integer> counts = inlineCounts.get("complete");
        return counts == null ? java.util.List.of() : java.util.List.copyOf(counts);
    }

    /**
     * Refuses the query parameter {@code inline_outputs} of the completion routes with 400 {@code
     * unknown_parameter}, as a server from before inline outputs.
     */
    public CairnServerFixture withoutInlineOutputs() {
        inlineOutputs = false;
        return this;
    }

    /** Answers {@code POST /v1/leases/complete} with 404 {@code not_found}, as a server without it. */
    public CairnServerFixture withoutBatchCompletions() {
        batchRoute = false;
        return this;
    }

    /** Takes the batch route and inline outputs again, as the server after an upgrade. */
    public CairnServerFixture upgraded() {
        batchRoute = true;
        inlineOutputs = true;
        return this;
    }

    @Override
    public synchronized void close() {
        server.stop();
    }

    @FunctionalInterface
    private interface Route {
        void handle(ServerRequest req, ServerResponse res) throws Exception;
    }

    private io.helidon.webserver.http.Handler guarded(Route route) {
        return (req, res) -> {
            requests.incrementAndGet();
            requestsByRoute
                    .computeIfAbsent(
                            req.prologue().method().text() + " "
                                    + template(req.path().path()),
                            k -> new AtomicInteger())
                    .incrementAndGet();
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                req.content().consume();
                send(res, failureStatus, Wire.writeBytes(failure));
                return;
            }
            if (!tokens.isEmpty()) {
                String auth = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
                String kind = auth.startsWith("Bearer ") ? tokens.get(auth.substring(7)) : null;
                if (kind == null) {
                    req.content().consume();
                    error(res, 401, "unauthenticated", "no or unknown bearer token", false);
                    return;
                }
                if (!kind.equals("runner") && req.path().path().startsWith("/v1/leases")) {
                    req.content().consume();
                    error(res, 403, "forbidden", "a " + kind + " token may not call the lease routes", false);
                    return;
                }
            }
            try {
                route.handle(req, res);
            } catch (JsonException e) {
                send(res, 400, Wire.writeBytes(ErrorEnvelope.from(e)));
            } catch (LeaseException e) {
                int status =
                        switch (e.code()) {
                            case LeaseException.STALE_LEASE -> 409;
                            case LeaseException.UNKNOWN_TASK -> 404;
                            default -> 503;
                        };
                send(res, status, Wire.writeBytes(ErrorEnvelope.from(e)));
            } catch (StorageException e) {
                int status = e.error() instanceof StorageError.NotFound ? 404 : e.retryable() ? 503 : 500;
                send(res, status, Wire.writeBytes(ErrorEnvelope.from((CodedError) e)));
            } catch (IOException | RuntimeException e) {
                // the client went away mid-body (an aborted upload or download): nothing to answer
                if (!res.isSent()) {
                    try {
                        error(
                                res,
                                400,
                                "aborted",
                                "the exchange broke off: " + e.getClass().getSimpleName(),
                                false);
                    } catch (RuntimeException ignored) {
                        // the connection is gone
                    }
                }
            }
        };
    }

    private void acquire(ServerRequest req, ServerResponse res) throws IOException {
        AcquireRequest request = Wire.read(body(req), AcquireRequest.class);
        send(res, 200, Wire.writeBytes(new LeaseBatch(leases.acquire(request))));
    }

    private void heartbeat(ServerRequest req, ServerResponse res) throws IOException {
        Heartbeat heartbeat = Wire.read(body(req), Heartbeat.class);
        if (!pathTask(req).equals(heartbeat.lease().taskId().toString())) {
            error(res, 400, "task_id_mismatch", "the path's task id is not the body's lease.task_id", false);
            return;
        }
        send(res, 200, Wire.writeBytes(leases.heartbeat(heartbeat)));
    }

    private void complete(ServerRequest req, ServerResponse res) throws IOException {
        if (refusesInlineOutputs(req, res)) {
            return;
        }
        CompletionRequest request = Wire.read(body(req), CompletionRequest.class);
        if (!storeInline(request.inlineOutputs(), res)) {
            return;
        }
        Completion completion = request.completion();
        if (!pathTask(req).equals(completion.lease().taskId().toString())) {
            error(res, 400, "task_id_mismatch", "the path's task id is not the body's lease.task_id", false);
            return;
        }
        leases.complete(completion);
        res.status(204);
        res.send();
    }

    private void completeBatch(ServerRequest req, ServerResponse res) throws Exception {
        java.util.concurrent.CountDownLatch held = completionsHeld;
        if (held != null) {
            held.await();
        }
        if (!batchRoute) {
            req.content().consume();
            error(res, 404, "not_found", "no route " + req.path().path(), false);
            return;
        }
        if (refusesInlineOutputs(req, res)) {
            return;
        }
        CompletionBatch batch = Wire.read(body(req), CompletionBatch.class);
        if (!storeInline(batch.inlineOutputs(), res)) {
            return;
        }
        inlineCounts
                .computeIfAbsent("complete", k -> java.util.Collections.synchronizedList(new java.util.ArrayList<>()))
                .add(batch.inlineOutputs().size());
        batchSizes
                .computeIfAbsent("complete", k -> java.util.Collections.synchronizedList(new java.util.ArrayList<>()))
                .add(batch.completions().size());
        send(res, 200, Wire.writeBytes(new CompletionResults(leases.complete(batch.completions()))));
    }

    /**
     * A server from before inline outputs refuses the query parameter that declares them (as {@code
     * Exchange.noQuery()} does): 400 {@code unknown_parameter}.
     */
    private boolean refusesInlineOutputs(ServerRequest req, ServerResponse res) {
        if (!inlineOutputs && rawQuery(req).contains("inline_outputs")) {
            req.content().consume();
            error(res, 400, "unknown_parameter", "unknown query parameter `inline_outputs`", false);
            return true;
        }
        return false;
    }

    /**
     * The request's raw query. Read reflectively: its type lives in helidon-common-uri, which the
     * module's main code needs only transitively, so naming it here would make the dependency
     * analysis ask for a declaration that breaks the main classpath.
     */
    private static String rawQuery(ServerRequest req) {
        try {
            Object query = ServerRequest.class.getMethod("query").invoke(req);
            Object raw = Class.forName("io.helidon.common.uri.UriQuery")
                    .getMethod("rawValue")
                    .invoke(query);
            return String.valueOf(raw);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "cannot read the query of " + req.path().path(), e);
        }
    }

    /** Checks and stores inline outputs as the server does; false (answered 400) when one does not match its id. */
    private boolean storeInline(java.util.List<InlineOutput> outputs, ServerResponse res) {
        for (InlineOutput output : outputs) {
            if (!ArtifactIds.ofBytes(output.content()).equals(output.artifactId())) {
                error(res, 400, "digest_mismatch", "inline output " + output.artifactId() + " does not match", false);
                return false;
            }
        }
        outputs.forEach(output -> store.put(new ArtifactKind.Output(), output.content()));
        return true;
    }

    /** The route template of a path: task ids and artifact ids replaced by their parameter names. */
    private static String template(String path) {
        return path.replaceAll("/v1/leases/[0-9a-f-]{36}/", "/v1/leases/{taskId}/")
                .replaceAll("/v1/artifacts/[^/]+$", "/v1/artifacts/{id}");
    }

    private static String pathTask(ServerRequest req) {
        return UUID.fromString(req.path().pathParameters().get("taskId")).toString();
    }

    private void download(ServerRequest req, ServerResponse res) throws IOException {
        String raw = req.path().pathParameters().get("id");
        if (!ArtifactIds.isValid(raw)) {
            error(res, 400, "invalid_id", "not an artifact id: " + raw, false);
            return;
        }
        ArtifactId id = new ArtifactId(raw);
        boolean head = req.prologue().method().text().equals("HEAD");
        Function<ArtifactId, InputStream> source = generated.get(id);
        byte[] bytes = null;
        long length;
        if (source == null) {
            if (!store.exists(id)) {
                throw StorageException.artifactNotFound(id);
            }
            bytes = store.get(id);
            UnaryOperator<byte[]> damage = tampered.get(id);
            if (damage != null) {
                bytes = damage.apply(bytes);
            }
            length = bytes.length;
        } else {
            length = -1;
        }
        res.header(RemoteArtifactStore.ID_HEADER, id.value());
        res.header(RemoteArtifactStore.DIGEST_HEADER, RemoteArtifactStore.reprDigest(id));
        res.header(HeaderNames.ETAG, "\"" + id.value() + "\"");
        res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
        headerOverrides.forEach(res::header);
        res.status(200);
        if (head) {
            if (length >= 0) {
                res.header(HeaderNames.CONTENT_LENGTH, Long.toString(length));
            }
            res.send();
            return;
        }
        if (length >= 0) {
            res.contentLength(length);
        }
        try (InputStream in = bytes != null ? new ByteArrayInputStream(bytes) : source.apply(id);
                OutputStream out = res.outputStream()) {
            in.transferTo(out);
        }
    }

    private void upload(ServerRequest req, ServerResponse res) throws IOException {
        String kind = req.headers()
                .first(HeaderNames.create(RemoteArtifactStore.KIND_HEADER))
                .orElse("Output");
        ArtifactKind artifactKind =
                switch (kind) {
                    case "Output" -> new ArtifactKind.Output();
                    case "Manifest" -> new ArtifactKind.Manifest();
                    case "ContextSnapshot" -> new ArtifactKind.ContextSnapshot();
                    case "FactPayload" -> new ArtifactKind.FactPayload();
                    case "SecretPayload" -> new ArtifactKind.SecretPayload();
                    default -> new ArtifactKind.Other(kind.startsWith("Other:") ? kind.substring(6) : kind);
                };
        MessageDigest digest = ArtifactIds.sha256();
        long[] count = {0};
        LongConsumer progress = uploadProgress;
        InputStream body = new java.io.FilterInputStream(req.content().inputStream()) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    digest.update(b, off, n);
                    count[0] += n;
                    progress.accept(count[0]);
                }
                return n;
            }
        };
        ArtifactId id = store.putStream(artifactKind, body);
        send(res, 201, Wire.writeBytes(new ArtifactUploaded(id.value(), count[0])));
    }

    private static byte[] body(ServerRequest req) throws IOException {
        try (InputStream in = req.content().inputStream()) {
            return in.readAllBytes();
        }
    }

    private static void error(ServerResponse res, int status, String code, String message, boolean retryable) {
        send(
                res,
                status,
                Wire.writeBytes(new ErrorEnvelope(
                        code,
                        message,
                        retryable,
                        Optional.of("fixture"),
                        Optional.of(JsonNodeFactory.instance.objectNode().put("status", status)))));
    }

    private static void send(ServerResponse res, int status, byte[] body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.send(body);
    }

    /** UTF-8 bytes. */
    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
