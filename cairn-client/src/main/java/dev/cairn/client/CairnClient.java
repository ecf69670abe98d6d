package dev.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.client.http.DirectHttp;
import dev.cairn.contracts.ErrorEnvelope;
import dev.cairn.contracts.RunRequest;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.RunStatus;
import dev.cairn.contracts.RunSummary;
import dev.cairn.contracts.SubmitRunResponse;
import dev.cairn.contracts.api.ArtifactUploaded;
import dev.cairn.contracts.api.Health;
import dev.cairn.contracts.api.LogEntry;
import dev.cairn.contracts.api.LogPage;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.contracts.api.ReplayResult;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.RunPage;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.StringJoiner;
import java.util.concurrent.Executor;

/**
 * A typed client of Cairn's HTTP API, the routes a client token may call (docs/http-api.md): seed
 * 003's orchestrator contract, runs, events and logs (followed, with reconnection), artifacts
 * (streamed both ways, digests verified). Every failure is a {@link CairnClientException} carrying
 * the server's error envelope: code, message, retryable, hint, details.
 *
 * <p>Blocking and thread-safe; meant for virtual threads. Build with {@link #builder(URI)}. Calls
 * whose bodies are in memory go through {@link DirectHttp} on the calling thread (an interrupt ends
 * one on a virtual thread; on a platform thread it ends at its timeout), streamed ones through the
 * JDK's {@link HttpClient}; a client given its own {@link HttpClient} uses it for every call.
 */
public final class CairnClient implements AutoCloseable {

    private static final String JSON = DirectHttp.JSON;
    private static final String OCTET_STREAM = "application/octet-stream";
    private static final String USER_AGENT = "cairn-client";

    private final URI base;
    private final Optional<String> token;
    /**
     * Streamed answers (downloads, event and log streams) and {@code HEAD}; every call when the
     * caller gave it ({@link #ownsHttp} false), else JSON calls go through {@link DirectHttp}. Its
     * answers are handled on its selector thread.
     */
    private final HttpClient http;
    /** Uploads, whose request bodies read a caller's stream or a file. */
    private final HttpClient uploads;

    private final boolean ownsHttp;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int maxReconnects;
    private final Duration reconnectDelay;

    private CairnClient(Builder builder) {
        String text = builder.base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.token = Optional.ofNullable(builder.token);
        this.ownsHttp = builder.http == null;
        // Two clients, because a JDK HttpClient runs its response handling and its request-body
        // publishing on its executor. Handling a response never blocks (this client only reads
        // answers into byte arrays or hands them to a reading thread), so it runs on the selector
        // thread that received them: a loopback round trip then wakes one thread fewer (POST with a
        // small JSON body, 1,000 in a row: p50 210 us against 255 us with a virtual thread per
        // task, 2026-11-24). Publishing an upload reads the caller's stream or file, which may
        // block, and on the selector thread that would stall every connection; uploads get their
        // own client, with a virtual thread per task.
        this.http = ownsHttp ? newClient(builder, Runnable::run) : builder.http;
        this.uploads = ownsHttp
                ? newClient(
                        builder,
                        task -> Thread.ofVirtual().name("cairn-http-upload").start(task))
                : builder.http;
        this.connectTimeout = builder.connectTimeout;
        this.requestTimeout = builder.requestTimeout;
        this.maxReconnects = builder.maxReconnects;
        this.reconnectDelay = builder.reconnectDelay;
    }

    private static HttpClient newClient(Builder builder, Executor executor) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(builder.connectTimeout)
                .executor(executor)
                .build();
    }

    /** A client of the server at {@code base} (e.g. {@code http://127.0.0.1:8420}). */
    public static Builder builder(URI base) {
        return new Builder(base);
    }

    // ------------------------------------------------------------------ seed 003

    /** {@code POST /run}. */
    public SubmitRunResponse submit(RunRequest request) {
        return json("POST", "/run", Optional.of(request), SubmitRunResponse.class);
    }

    /** {@code GET /run/{runId}/status}. */
    public RunStatus status(String runId) {
        return json("GET", "/run/" + segment(runId) + "/status", Optional.empty(), RunStatus.class);
    }

    /** {@code GET /run/{runId}}: results per job and runner. */
    public RunSummary summary(String runId) {
        return json("GET", "/run/" + segment(runId), Optional.empty(), RunSummary.class);
    }

    // ------------------------------------------------------------------ runs

    /** {@code POST /v1/pipelines/run}; an invalid spec is {@code invalid_spec} with {@code details.errors}. */
    public SubmitRunResponse submitPipeline(PipelineRunRequest request) {
        return json("POST", "/v1/pipelines/run", Optional.of(request), SubmitRunResponse.class);
    }

    /** {@code GET /v1/runs}: a page of runs, newest first, in {@code state} when given. */
    public RunPage runs(Optional<RunState> state, int limit, Optional<String> cursor) {
        Map<String, String> query = new LinkedHashMap<>();
        state.ifPresent(s -> query.put("state", Wire.write(s).replace("\"", "")));
        query.put("limit", Integer.toString(limit));
        cursor.ifPresent(c -> query.put("cursor", c));
        return json("GET", "/v1/runs" + query(query), Optional.empty(), RunPage.class);
    }

    /** {@code GET /v1/runs/{runId}}. */
    public RunDetail detail(String runId) {
        return json("GET", "/v1/runs/" + segment(runId), Optional.empty(), RunDetail.class);
    }

    /** {@code POST /v1/runs/{runId}/cancel}. */
    public RunStatus cancel(String runId) {
        return json("POST", "/v1/runs/" + segment(runId) + "/cancel", Optional.empty(), RunStatus.class);
    }

    /** {@code POST /v1/runs/{runId}/resume}. */
    public RunStatus resume(String runId) {
        return json("POST", "/v1/runs/" + segment(runId) + "/resume", Optional.empty(), RunStatus.class);
    }

    /** {@code POST /v1/runs/{runId}/replay}. */
    public ReplayResult replay(String runId) {
        return json("POST", "/v1/runs/" + segment(runId) + "/replay", Optional.empty(), ReplayResult.class);
    }

    /** {@code GET /v1/runs/{runId}/logs}: one page of log lines after {@code after}. */
    public LogPage logs(String runId, Optional<String> step, long after, int limit) {
        Map<String, String> query = new LinkedHashMap<>();
        step.ifPresent(s -> query.put("step", s));
        query.put("after", Long.toString(after));
        query.put("limit", Integer.toString(limit));
        return json("GET", "/v1/runs/" + segment(runId) + "/logs" + query(query), Optional.empty(), LogPage.class);
    }

    /**
     * The run's events after {@code afterSeq}, followed until {@code RunCompleted}: an iterator that
     * blocks for the next event and reconnects from the last seq when the connection breaks.
     */
    public Subscription<EventEnvelope> events(String runId, long afterSeq) {
        String path = "/v1/runs/" + segment(runId) + "/events";
        Subscription.Decoder<EventEnvelope> decoder = new Subscription.Decoder<>() {
            @Override
            public EventEnvelope decode(String name, String data) {
                return name.equals("kernel") || name.equals("domain") ? decodeEvent(data) : null;
            }

            @Override
            public boolean isLast(EventEnvelope event) {
                return event.event() instanceof Event.Kernel(KernelEvent.RunCompleted completed);
            }

            @Override
            public boolean isEnd(String name) {
                return false;
            }

            @Override
            public boolean endedCleanly(int received) {
                // The server ends a stream early only when it stops; without news, a run that has
                // ended means the stream started after its last event.
                return received == 0 && status(runId).state().terminal();
            }
        };
        return new Subscription<>(
                "events of run " + runId,
                lastId -> stream(path + query(Map.of("after_seq", Long.toString(afterSeq))), lastId),
                decoder,
                maxReconnects,
                reconnectDelay);
    }

    /**
     * The log lines of the run (of {@code step} when given) after {@code after}, followed until the
     * step or the run ends; reconnects from the last line's cursor when the connection breaks.
     */
    public Subscription<LogEntry> followLogs(String runId, Optional<String> step, long after) {
        Map<String, String> query = new LinkedHashMap<>();
        step.ifPresent(s -> query.put("step", s));
        query.put("after", Long.toString(after));
        query.put("follow", "true");
        String path = "/v1/runs/" + segment(runId) + "/logs" + query(query);
        Subscription.Decoder<LogEntry> decoder = new Subscription.Decoder<>() {
            @Override
            public LogEntry decode(String name, String data) {
                return name.equals("log") ? CairnClient.decode(data, LogEntry.class, "a log line") : null;
            }

            @Override
            public boolean isLast(LogEntry entry) {
                return false;
            }

            @Override
            public boolean isEnd(String name) {
                return name.equals("end");
            }

            @Override
            public boolean endedCleanly(int received) {
                return false; // a followed log always ends with an `end` event
            }
        };
        return new Subscription<>(
                "logs of run " + runId, lastId -> stream(path, lastId), decoder, maxReconnects, reconnectDelay);
    }

    // ------------------------------------------------------------------ artifacts

    /** {@code HEAD /v1/artifacts/{id}}: the artifact's size, or empty when there is none. */
    public Optional<ArtifactInfo> head(String artifactId) {
        HttpResponse<Void> response = send(
                request("HEAD", "/v1/artifacts/" + segment(artifactId)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw CairnClientException.unexpectedResponse(
                    "HEAD /v1/artifacts/" + artifactId, response.statusCode(), "no artifact information");
        }
        OptionalLong length = response.headers().firstValueAsLong("Content-Length");
        return Optional.of(new ArtifactInfo(artifactId, length.orElse(0)));
    }

    /**
     * Streams the bytes of artifact {@code artifactId} into {@code out}, hashing them as they pass,
     * and checks that they are the ones the id (and the server's {@code Repr-Digest}) names.
     *
     * @throws CairnClientException {@code artifact_not_found}; {@code digest_mismatch} when the bytes
     *     are not the artifact's (they were written to {@code out} all the same: write to a
     *     scratch place, or use {@link #download(String, Path)})
     */
    public ArtifactInfo download(String artifactId, OutputStream out) {
        String what = "GET /v1/artifacts/" + artifactId;
        HttpResponse<InputStream> response = send(
                request("GET", "/v1/artifacts/" + segment(artifactId)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        InputStream body = response.body();
        try (body) {
            if (response.statusCode() != 200) {
                throw failure(what, response.statusCode(), body.readAllBytes());
            }
            Optional<String> announced =
                    response.headers().firstValue("Repr-Digest").map(CairnClient::sha256Of);
            if (announced.isPresent() && !announced.get().equals(artifactId)) {
                throw CairnClientException.digestMismatch(artifactId, announced.get());
            }
            MessageDigest digest = sha256();
            long size = new DigestInputStream(body, digest).transferTo(out);
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(artifactId)) {
                throw CairnClientException.digestMismatch(artifactId, actual);
            }
            return new ArtifactInfo(artifactId, size);
        } catch (IOException e) {
            throw CairnClientException.connectionFailed(what, e);
        }
    }

    /**
     * Downloads artifact {@code artifactId} to {@code target}: into a temporary file beside it,
     * verified, then renamed into place, so that {@code target} never holds wrong or partial bytes.
     */
    public ArtifactInfo download(String artifactId, Path target) {
        Path dir = target.toAbsolutePath().getParent();
        Path temp;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write into " + dir, e);
        }
        try {
            ArtifactInfo info;
            try (OutputStream out = Files.newOutputStream(temp)) {
                info = download(artifactId, out);
            }
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return info;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // a leftover .part file is harmless
            }
        }
    }

    /**
     * Uploads the bytes of {@code content} (to its end; the caller closes it) as an artifact of
     * {@code kind} ({@code Output} when empty), streamed, and checks that the server stored what
     * was sent: the returned id must be the SHA-256 the client computed while sending.
     */
    public ArtifactUploaded upload(InputStream content, Optional<String> kind) {
        MessageDigest digest = sha256();
        DigestInputStream hashing = new DigestInputStream(content, digest);
        HttpRequest.Builder builder = request("POST", "/v1/artifacts")
                .header("Content-Type", OCTET_STREAM)
                .expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> hashing));
        kind.ifPresent(k -> builder.header("X-Cairn-Artifact-Kind", k));
        ArtifactUploaded uploaded = uploadWith(builder);
        String sent = HexFormat.of().formatHex(digest.digest());
        if (!uploaded.artifactId().equals(sent)) {
            throw CairnClientException.digestMismatch(sent, uploaded.artifactId());
        }
        return uploaded;
    }

    /**
     * Uploads the file {@code file}, announcing its SHA-256 ({@code Repr-Digest}) so that the server
     * refuses bytes damaged on the way ({@code digest_mismatch}).
     */
    public ArtifactUploaded upload(Path file, Optional<String> kind) {
        String id;
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = sha256();
            new DigestInputStream(in, digest).transferTo(OutputStream.nullOutputStream());
            id = HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        HttpRequest.Builder builder;
        try {
            builder = request("POST", "/v1/artifacts")
                    .header("Content-Type", OCTET_STREAM)
                    .header(
                            "Repr-Digest",
                            "sha-256=:"
                                    + Base64.getEncoder()
                                            .encodeToString(HexFormat.of().parseHex(id)) + ":")
                    .expectContinue(true)
                    .POST(HttpRequest.BodyPublishers.ofFile(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        kind.ifPresent(k -> builder.header("X-Cairn-Artifact-Kind", k));
        ArtifactUploaded uploaded = uploadWith(builder);
        if (!uploaded.artifactId().equals(id)) {
            throw CairnClientException.digestMismatch(id, uploaded.artifactId());
        }
        return uploaded;
    }

    private ArtifactUploaded uploadWith(HttpRequest.Builder builder) {
        HttpResponse<byte[]> response = send(uploads, builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        return answer("POST /v1/artifacts", response, ArtifactUploaded.class);
    }

    // ------------------------------------------------------------------ operations

    /** {@code GET /healthz}; a stopping server is {@code shutting_down}. */
    public Health health() {
        return json("GET", "/healthz", Optional.empty(), Health.class);
    }

    // ------------------------------------------------------------------ plumbing

    private HttpRequest.Builder request(String method, String pathAndQuery) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(requestTimeout)
                .header("User-Agent", USER_AGENT)
                .method(method, HttpRequest.BodyPublishers.noBody());
        token.ifPresent(t -> builder.header("Authorization", "Bearer " + t));
        return builder;
    }

    private <T> T json(String method, String pathAndQuery, Optional<Object> body, Class<T> type) {
        if (ownsHttp) {
            return direct(method, pathAndQuery, body.map(Wire::writeBytes), type);
        }
        HttpRequest.Builder builder = request(method, pathAndQuery).header("Accept", JSON);
        body.ifPresent(b -> builder.header("Content-Type", JSON)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(Wire.writeBytes(b))));
        HttpResponse<byte[]> response = send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        return answer(method + " " + pathAndQuery, response, type);
    }

    /**
     * A JSON call through {@link DirectHttp}, on this thread: what every call with a body in memory
     * does unless the caller gave its own {@link HttpClient} ({@link Builder#httpClient}), which is
     * then used for everything.
     */
    private <T> T direct(String method, String pathAndQuery, Optional<byte[]> body, Class<T> type) {
        String what = method + " " + pathAndQuery;
        DirectHttp.Answer answer;
        try {
            answer = DirectHttp.json(
                    method, URI.create(base + pathAndQuery), USER_AGENT, token, body, connectTimeout, requestTimeout);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw CairnClientException.interrupted(what);
            }
            throw CairnClientException.connectionFailed(what, e);
        }
        return answer(what, answer.status(), answer.body(), type);
    }

    private static <T> T answer(String what, HttpResponse<byte[]> response, Class<T> type) {
        return answer(what, response.statusCode(), response.body(), type);
    }

    /** The decoded body of a 2xx answer, else the failure its error envelope tells. */
    private static <T> T answer(String what, int status, byte[] body, Class<T> type) {
        if (status >= 300) {
            throw failure(what, status, body);
        }
        return decode(body, type, what);
    }

    private static <T> T decode(byte[] body, Class<T> type, String what) {
        try {
            return Wire.read(body, type);
        } catch (JsonException e) {
            throw CairnClientException.unexpectedResponse(
                    what, 200, "not a " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    private static <T> T decode(String body, Class<T> type, String what) {
        return decode(body.getBytes(StandardCharsets.UTF_8), type, what);
    }

    private static EventEnvelope decodeEvent(String data) {
        return decode(data, EventEnvelope.class, "an event");
    }

    /** The envelope of an error answer, as an exception. */
    private static CairnClientException failure(String what, int status, byte[] body) {
        try {
            JsonNode tree = Wire.read(body, JsonNode.class);
            return CairnClientException.of(status, Wire.fromTree(tree, ErrorEnvelope.class));
        } catch (JsonException e) {
            String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
            return CairnClientException.unexpectedResponse(what, status, "no error envelope: `" + text + "`");
        }
    }

    /** Opens a server-sent event stream after {@code lastId} (none when negative). */
    private InputStream stream(String pathAndQuery, long lastId) {
        HttpRequest.Builder builder = request("GET", pathAndQuery).header("Accept", "text/event-stream");
        if (lastId >= 0) {
            builder.header("Last-Event-ID", Long.toString(lastId));
        }
        HttpResponse<InputStream> response = send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (response.statusCode() == 200 && type.startsWith("text/event-stream")) {
            return response.body();
        }
        try (InputStream body = response.body()) {
            throw failure("GET " + pathAndQuery, response.statusCode(), body.readAllBytes());
        } catch (IOException e) {
            throw CairnClientException.connectionFailed("GET " + pathAndQuery, e);
        }
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return send(http, request, handler);
    }

    private static <T> HttpResponse<T> send(
            HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        String what = request.method() + " " + request.uri().getRawPath();
        try {
            return client.send(request, handler);
        } catch (IOException e) {
            throw CairnClientException.connectionFailed(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CairnClientException.interrupted(what);
        }
    }

    private static String segment(String value) {
        Objects.requireNonNull(value, "path segment");
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String query(Map<String, String> params) {
        if (params.isEmpty()) {
            return "";
        }
        StringJoiner joined = new StringJoiner("&", "?", "");
        params.forEach((k, v) -> joined.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return joined.toString();
    }

    /** The hex SHA-256 of a {@code Repr-Digest} header, or the header itself when it holds none. */
    private static String sha256Of(String header) {
        for (String member : header.split(",")) {
            String entry = member.strip();
            if (entry.startsWith("sha-256=:") && entry.endsWith(":") && entry.length() > 10) {
                try {
                    return HexFormat.of().formatHex(Base64.getDecoder().decode(entry.substring(9, entry.length() - 1)));
                } catch (IllegalArgumentException e) {
                    return header;
                }
            }
        }
        return header;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Closes the HTTP client if this client made it. */
    @Override
    public void close() {
        if (ownsHttp) {
            http.close();
            uploads.close();
        }
    }

    /** Builds a {@link CairnClient}. */
    public static final class Builder {
        private final URI base;
        private String token;
        private HttpClient http;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofMinutes(2);
        private int maxReconnects = 10;
        private Duration reconnectDelay = Duration.ofSeconds(1);

        private Builder(URI base) {
            this.base = Objects.requireNonNull(base, "base");
            if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
                throw new IllegalArgumentException("the server URL must be http:// or https://, got " + base);
            }
        }

        /** The bearer token (a client token) sent with every request. */
        public Builder token(String token) {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        /** The HTTP client to use; the caller keeps ownership. */
        public Builder httpClient(HttpClient http) {
            this.http = Objects.requireNonNull(http, "http");
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout, "connect_timeout");
            return this;
        }

        /** How long a request waits for its answer to begin (default 2 min: lease polls and big uploads). */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = Objects.requireNonNull(requestTimeout, "request_timeout");
            return this;
        }

        /** How many reconnections in a row without progress a followed stream tries (default 10). */
        public Builder maxReconnects(int maxReconnects) {
            if (maxReconnects < 0) {
                throw new IllegalArgumentException("max_reconnects must not be negative");
            }
            this.maxReconnects = maxReconnects;
            return this;
        }

        /** The longest wait before a reconnection (default 1 s); a server's {@code retry:} may shorten it. */
        public Builder reconnectDelay(Duration reconnectDelay) {
            this.reconnectDelay = Objects.requireNonNull(reconnectDelay, "reconnect_delay");
            return this;
        }

        public CairnClient build() {
            return new CairnClient(this);
        }
    }
}
