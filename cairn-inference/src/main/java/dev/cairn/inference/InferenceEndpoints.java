package dev.cairn.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.cell.api.CellException;
import dev.cairn.cell.api.InferenceBroker;
import dev.cairn.cell.api.InferenceRequest;
import dev.cairn.cell.api.InferenceResponse;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.time.Clock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts {@link InferenceEndpoint}s: one small HTTP server per cell on an ephemeral port of {@code
 * 127.0.0.1}, speaking the OpenAI chat-completions protocol and forwarding through a {@link
 * BudgetedInferenceBroker} (the cell's run's budget, attributed to the cell). A port per cell means a
 * cell granted its endpoint reaches no other cell's, and closing it leaves nothing listening.
 *
 * <p><b>Protocol.</b> {@code POST /v1/chat/completions} with {@code Authorization: Bearer <key>}
 * and {@code {"model"?, "messages":[{"role","content"}…], "max_tokens"? | "max_completion_tokens"?}}.
 * {@code content} is a string or an array of {@code {"type":"text","text"}} parts. One message is
 * sent as the prompt; several are joined, in order, as {@code role: content} paragraphs (the broker's
 * request holds one prompt). Without a token limit the endpoint's default applies. {@code model} is
 * the request's model hint. Streaming ({@code "stream": true}) is refused. The answer is a {@code
 * chat.completion} object with {@code usage}.
 *
 * <p><b>Errors</b> are OpenAI-shaped ({@code {"error":{"message","type","code","param"}}}; {@code
 * code} is the broker's sub-reason, and {@code error.cairn} holds its details): 400 invalid request,
 * 401 wrong or missing key, 404/405 other paths and methods, 413 request body too large, 429 the
 * run's budget is exhausted ({@code type} {@code insufficient_quota}, details with limit, used,
 * reserved, remaining) or the upstream rate-limits, 502 the upstream failed or answered garbage, 504
 * it timed out.
 */
public final class InferenceEndpoints {

    /** Largest request body accepted by default. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 1 << 20;

    /** {@code max_tokens} of a request that gives none, by default. */
    public static final long DEFAULT_MAX_TOKENS = 1024;

    /** How many times the body limit is read and dropped from a too-large body before answering 413. */
    private static final int SWALLOW_FACTOR = 4;

    private static final Logger LOG = LoggerFactory.getLogger(InferenceEndpoints.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The JDK server's switch for {@code TCP_NODELAY} on the connections it accepts. */
    static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

    static {
        // The JDK's HttpServer leaves Nagle's algorithm on and sends a response's headers and body
        // apart: the body then waited for the client's delayed ACK, 44 ms for a 10 KiB answer on
        // loopback against 1.3 ms with it off. The switch is read once per JVM, when the first
        // HttpServer starts, and this class starts the only ones Cairn has; one a user set stays.
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
        }
    }

    private final InferenceBroker broker;
    private final SqliteTokenBudgets budgets;
    private final Clock clock;
    private final long defaultMaxTokens;
    private final int maxRequestBytes;
    private final AtomicLong completions = new AtomicLong();

    /** Endpoints forwarding to {@code broker}, charged in {@code budgets}, with the default limits. */
    public InferenceEndpoints(InferenceBroker broker, SqliteTokenBudgets budgets, Clock clock) {
        this(broker, budgets, clock, DEFAULT_MAX_TOKENS, DEFAULT_MAX_REQUEST_BYTES);
    }

    /**
     * Endpoints forwarding to {@code broker}, charged in {@code budgets}; {@code clock} gives the
     * answers' {@code created}; {@code defaultMaxTokens} applies to requests without a limit.
     */
    public InferenceEndpoints(
            InferenceBroker broker,
            SqliteTokenBudgets budgets,
            Clock clock,
            long defaultMaxTokens,
            int maxRequestBytes) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.budgets = Objects.requireNonNull(budgets, "budgets");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (defaultMaxTokens < 1 || maxRequestBytes < 1024) {
            throw new IllegalArgumentException("need default_max_tokens >= 1 and max_request_bytes >= 1024");
        }
        this.defaultMaxTokens = defaultMaxTokens;
        this.maxRequestBytes = maxRequestBytes;
    }

    /**
     * Starts an endpoint for {@code cellId}, charged to {@code runId}.
     *
     * @throws InferenceException {@code request_invalid} for a blank or overlong id; {@code
     *     unavailable} when no loopback port can be bound
     */
    public InferenceEndpoint start(String cellId, String runId) {
        return start(cellId, runId, Optional.empty());
    }

    /**
     * Starts an endpoint for {@code cellId}, charged to {@code runId}, whose requests may ask for at
     * most {@code maxTokens} each (a larger ask is refused with 400 {@code request_invalid}); a
     * request that names no limit reserves {@code maxTokens} instead of the endpoints' default.
     *
     * @throws InferenceException {@code request_invalid} for a blank or overlong id or a cap below 1;
     *     {@code unavailable} when no loopback port can be bound
     */
    public InferenceEndpoint start(String cellId, String runId, Optional<Long> maxTokens) {
        Objects.requireNonNull(maxTokens, "max_tokens");
        if (maxTokens.isPresent() && maxTokens.get() < 1) {
            throw InferenceException.invalidRequest("the cell's max_tokens cap must be at least 1");
        }
        SqliteTokenBudgets.requireId(cellId, "cell id");
        SqliteTokenBudgets.requireId(runId, "run id");
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String key = "cairn-" + HexFormat.of().formatHex(raw);
        BudgetedInferenceBroker charged = new BudgetedInferenceBroker(broker, budgets, runId);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw InferenceException.of(
                    InferenceFailure.UNAVAILABLE, "cannot bind a loopback port for cell " + cellId, null, e);
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", exchange -> handle(exchange, cellId, key, charged, maxTokens));
        server.start();
        InetSocketAddress address = server.getAddress();
        URI base = URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + "/v1");
        AtomicBoolean stopped = new AtomicBoolean();
        LOG.debug("inference endpoint for cell {} of run {} at {}", cellId, runId, base);
        return new InferenceEndpoint(cellId, runId, base, key, () -> {
            if (stopped.compareAndSet(false, true)) {
                server.stop(1);
                executor.close();
            }
        });
    }

    private void handle(HttpExchange exchange, String cellId, String key, InferenceBroker charged, Optional<Long> cap) {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!path.equals("/v1/chat/completions") && !path.equals("/chat/completions")) {
                respondError(
                        exchange,
                        404,
                        "not_found",
                        "invalid_request_error",
                        "no such path: use POST /v1/chat/completions",
                        null);
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().add("Allow", "POST");
                respondError(exchange, 405, "method_not_allowed", "invalid_request_error", "use POST", null);
                return;
            }
            if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"), key)) {
                respondError(
                        exchange,
                        401,
                        "invalid_api_key",
                        "invalid_request_error",
                        "missing or wrong bearer token for this cell's inference endpoint",
                        null);
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(maxRequestBytes + 1);
                if (body.length > maxRequestBytes) {
                    swallow(in, (long) SWALLOW_FACTOR * maxRequestBytes);
                }
            }
            if (body.length > maxRequestBytes) {
                respondError(
                        exchange,
                        413,
                        "request_too_large",
                        "invalid_request_error",
                        "the request body exceeds " + maxRequestBytes + " bytes",
                        null);
                return;
            }
            InferenceRequest request;
            try {
                request = parse(cellId, body, cap);
            } catch (InferenceException e) {
                respondError(exchange, 400, e.failure().reason(), "invalid_request_error", e.getMessage(), e.details());
                return;
            }
            InferenceResponse response;
            try {
                response = charged.infer(request);
            } catch (InferenceException e) {
                respondFailure(exchange, e);
                return;
            } catch (CellException e) {
                respondError(exchange, 502, e.code(), "api_error", e.getMessage(), null);
                return;
            }
            respond(exchange, 200, completion(response));
        } catch (IOException e) {
            LOG.debug("inference endpoint for cell {}: the exchange failed: {}", cellId, e.toString());
        } catch (RuntimeException e) {
            LOG.warn("inference endpoint for cell {}: unexpected failure", cellId, e);
        }
    }

    /**
     * Reads and drops up to {@code limit} more bytes of a body that is already too large, so the 413
     * reaches the client: answering and closing with unread bytes makes the kernel reset the
     * connection, and a client still sending then loses the answer it was sent. A body longer than
     * that is left unread and the connection is dropped (what Tomcat's {@code maxSwallowSize} does).
     */
    private static void swallow(InputStream in, long limit) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = limit;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                return;
            }
            left -= n;
        }
    }

    private static boolean authorized(String header, String key) {
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        byte[] given = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, key.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a chat-completions request into the broker's request; {@code request_invalid} otherwise. */
    InferenceRequest parse(String cellId, byte[] body) {
        return parse(cellId, body, Optional.empty());
    }

    InferenceRequest parse(String cellId, byte[] body, Optional<Long> cap) {
        JsonNode root;
        try {
            root = Wire.mapper().readTree(body);
        } catch (IOException | UncheckedIOException e) {
            throw InferenceException.invalidRequest("the body is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw InferenceException.invalidRequest("the body is not a JSON object");
        }
        JsonNode stream = root.get("stream");
        if (stream != null && stream.asBoolean(false)) {
            throw InferenceException.invalidRequest("streaming is not supported; send \"stream\": false");
        }
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw InferenceException.invalidRequest("`messages` must be a non-empty array");
        }
        StringBuilder prompt = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            JsonNode role = message.get("role");
            if (!message.isObject() || role == null || !role.isTextual()) {
                throw InferenceException.invalidRequest("`messages[" + i + "].role` must be a string");
            }
            String content = content(message.get("content"), i);
            if (messages.size() == 1) {
                prompt.append(content);
            } else {
                prompt.append(prompt.isEmpty() ? "" : "\n\n")
                        .append(role.textValue())
                        .append(": ")
                        .append(content);
            }
        }
        long maxTokens = cap.orElse(defaultMaxTokens);
        for (String field : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode v = root.get(field);
            if (v != null && !v.isNull()) {
                if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 1) {
                    throw InferenceException.invalidRequest("`" + field + "` must be a positive integer");
                }
                if (cap.isPresent() && v.longValue() > cap.get()) {
                    throw InferenceException.invalidRequest("`" + field + "` is " + v.longValue()
                            + ", more than this step's cap of " + cap.get() + " tokens per request");
                }
                maxTokens = v.longValue();
            }
        }
        JsonNode model = root.get("model");
        Optional<String> hint =
                model != null && model.isTextual() && !model.textValue().isBlank()
                        ? Optional.of(model.textValue())
                        : Optional.empty();
        return new InferenceRequest(cellId, prompt.toString(), maxTokens, hint);
    }

    private static String content(JsonNode content, int i) {
        if (content != null && content.isTextual()) {
            return content.textValue();
        }
        if (content != null && content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                JsonNode type = part.get("type");
                JsonNode value = part.get("text");
                if (type == null || !"text".equals(type.asText()) || value == null || !value.isTextual()) {
                    throw InferenceException.invalidRequest(
                            "`messages[" + i + "].content` parts must be {\"type\":\"text\",\"text\":…}");
                }
                text.append(value.textValue());
            }
            return text.toString();
        }
        throw InferenceException.invalidRequest("`messages[" + i + "].content` must be a string or text parts");
    }

    private ObjectNode completion(InferenceResponse response) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("id", "chatcmpl-cairn-" + completions.incrementAndGet());
        root.put("object", "chat.completion");
        root.put("created", clock.nowMillis() / 1000);
        root.put("model", response.model());
        ArrayNode choices = root.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", response.content());
        choice.put("finish_reason", "stop");
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", response.inputTokens());
        usage.put("completion_tokens", response.outputTokens());
        usage.put("total_tokens", response.inputTokens() + response.outputTokens());
        return root;
    }

    private static void respondFailure(HttpExchange exchange, InferenceException e) throws IOException {
        int status;
        String type;
        switch (e.failure()) {
            case REQUEST_INVALID -> {
                status = 400;
                type = "invalid_request_error";
            }
            case BUDGET_EXHAUSTED -> {
                status = 429;
                type = "insufficient_quota";
            }
            case RATE_LIMITED -> {
                status = 429;
                type = "rate_limit_error";
            }
            case REJECTED -> {
                status = 400;
                type = "invalid_request_error";
            }
            case TIMEOUT -> {
                status = 504;
                type = "api_error";
            }
            case INTERRUPTED -> {
                status = 503;
                type = "api_error";
            }
            case SECRET_UNAVAILABLE, UNAUTHORIZED, UNAVAILABLE, MALFORMED_RESPONSE, RESPONSE_TOO_LARGE -> {
                status = 502;
                type = "api_error";
            }
            default -> throw new IllegalStateException("unreachable");
        }
        respondError(exchange, status, e.failure().reason(), type, e.getMessage(), e.details());
    }

    private static void respondError(
            HttpExchange exchange, int status, String code, String type, String message, JsonNode details)
            throws IOException {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("code", code);
        error.putNull("param");
        if (details != null) {
            error.set("cairn", details);
        }
        respond(exchange, status, root);
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = ChatProtocol.bytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
