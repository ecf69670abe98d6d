package dev.cairn.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.json.wire.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real OpenAI-compatible chat-completions server on loopback, for tests: answers {@code POST
 * /v1/chat/completions} with {@code "echo: <last message>"}, usage = words of the prompt and {@code
 * min(max_tokens, 5)} completion tokens. It counts and keeps every request, checks the bearer key when
 * one is set (a 401 echoes the key it got, as some providers do), and can be scripted to answer the
 * next requests with a status (and {@code Retry-After}), garbage, a huge body, or to hang.
 */
public final class FakeChatServer implements AutoCloseable {

    /** A scripted answer for one request. */
    public sealed interface Script {
        public record Status(int status, String retryAfter, String body) implements Script {}

        public record Raw(String body) implements Script {}

        public record Huge(int bytes, boolean declareLength) implements Script {}

        public record Hang() implements Script {}
    }

    /** One request as received. */
    public record Seen(String path, Map<String, List<String>> headers, JsonNode body) {
        public String header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().getFirst();
                }
            }
            return null;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger count = new AtomicInteger();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Deque<Script> script = new ArrayDeque<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile String requiredKey;

    public FakeChatServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    /** Requests received so far. */
    public int requests() {
        return count.get();
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    public FakeChatServer requireKey(String key) {
        this.requiredKey = key;
        return this;
    }

    public synchronized FakeChatServer then(Script next) {
        script.addLast(next);
        return this;
    }

    public FakeChatServer thenStatus(int status, int times, String retryAfter) {
        for (int i = 0; i < times; i++) {
            then(new Script.Status(
                    status, retryAfter, "{\"error\":{\"message\":\"status " + status + "\",\"type\":\"test\"}}"));
        }
        return this;
    }

    private synchronized Script next() {
        return script.pollFirst();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            count.incrementAndGet();
            byte[] raw = exchange.getRequestBody().readAllBytes();
            JsonNode body;
            try {
                body = Wire.mapper().readTree(raw);
            } catch (IOException e) {
                body = JsonNodeFactory.instance.nullNode();
            }
            seen.add(new Seen(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body));
            String key = requiredKey;
            if (key != null) {
                String auth = exchange.getRequestHeaders().getFirst("Authorization");
                if (auth == null || !auth.equals("Bearer " + key)) {
                    send(
                            exchange,
                            401,
                            "{\"error\":{\"message\":\"Incorrect API key provided: " + auth
                                    + "\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");
                    return;
                }
            }
            Script next = next();
            switch (next) {
                case null -> send(exchange, 200, Wire.mapper().writeValueAsString(answer(body)));
                case Script.Status s -> {
                    if (s.retryAfter() != null) {
                        exchange.getResponseHeaders().set("Retry-After", s.retryAfter());
                    }
                    send(exchange, s.status(), s.body());
                }
                case Script.Raw r -> send(exchange, 200, r.body());
                case Script.Huge h -> {
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, h.declareLength() ? h.bytes() : 0);
                    try (OutputStream out = exchange.getResponseBody()) {
                        byte[] chunk = new byte[8192];
                        java.util.Arrays.fill(chunk, (byte) ' ');
                        for (int sent = 0; sent < h.bytes(); sent += chunk.length) {
                            out.write(chunk, 0, Math.min(chunk.length, h.bytes() - sent));
                        }
                    } catch (IOException e) {
                        // the client stopped reading: expected
                    }
                }
                case Script.Hang hang -> {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    send(exchange, 200, Wire.mapper().writeValueAsString(answer(body)));
                }
            }
        } catch (IOException e) {
            // the client went away (timeouts): nothing to do
        }
    }

    public static ObjectNode answer(JsonNode request) {
        JsonNode messages = request.path("messages");
        String prompt = messages.isArray() && !messages.isEmpty()
                ? messages.get(messages.size() - 1).path("content").asText()
                : "";
        long maxTokens = request.path("max_tokens").asLong(16);
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("id", "chatcmpl-test");
        root.put("object", "chat.completion");
        root.put("created", 1_700_000_000L);
        root.put("model", request.path("model").asText("unknown") + "-served");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", "echo: " + prompt);
        choice.put("finish_reason", "stop");
        long promptTokens = prompt.isBlank() ? 0 : prompt.trim().split("\\s+").length;
        long completion = Math.min(maxTokens, 5);
        root.putObject("usage")
                .put("prompt_tokens", promptTokens)
                .put("completion_tokens", completion)
                .put("total_tokens", promptTokens + completion);
        return root;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.close();
    }
}
