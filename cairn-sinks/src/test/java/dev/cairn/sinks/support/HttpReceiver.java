package dev.cairn.sinks.support;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on loopback (the JDK's) that records every request and answers each according
 * to a script: a number of failures of a given kind, then successes. It can also be stopped (the
 * port then refuses connections) and started again on the same port.
 */
public final class HttpReceiver implements AutoCloseable {

    /** How the server answers one request. */
    public sealed interface Answer {
        /** A status, immediately. */
        record Status(int code) implements Answer {}

        /** No answer until the client gives up (longer than its timeout). */
        record Hang() implements Answer {}
    }

    /** One recorded request. */
    public record Request(String method, String path, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Request> acceptedRequests = new CopyOnWriteArrayList<>();
    private final List<Answer> script = new ArrayList<>();
    private final AtomicInteger answered = new AtomicInteger();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile int port;
    private volatile boolean down;
    private HttpServer server;

    private HttpReceiver() {}

    /** A server on a free loopback port, answering 200 until scripted otherwise. */
    public static HttpReceiver start() {
        HttpReceiver receiver = new HttpReceiver();
        receiver.bind(0);
        return receiver;
    }

    /** The next requests get these answers, in order; afterwards 200. */
    public synchronized HttpReceiver script(List<Answer> answers) {
        script.addAll(answers);
        return this;
    }

    /** {@code count} times the same answer. */
    public static List<Answer> times(int count, Answer answer) {
        List<Answer> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(answer);
        }
        return out;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Requests answered 2xx. */
    public List<Request> accepted() {
        return List.copyOf(acceptedRequests);
    }

    /**
     * Stops listening: new connections are refused, and a request that still arrives on a kept-alive
     * connection is cut off without an answer, until {@link #restart()}.
     */
    public void stop() {
        down = true;
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Listens again on the same port. */
    public void restart() {
        stop();
        bind(port);
    }

    private void bind(int at) {
        down = false;
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), at), 16);
            s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            s.createContext("/", this::handle);
            s.start();
            server = s;
            port = s.getAddress().getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        if (down) {
            exchange.close(); // the JDK server may still serve an idle kept-alive connection after stop()
            return;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Map<String, String> headers = new TreeMap<>();
        Headers h = exchange.getRequestHeaders();
        h.forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), String.join(",", values)));
        Request request = new Request(
                exchange.getRequestMethod(), exchange.getRequestURI().getPath(), Map.copyOf(headers), body);
        requests.add(request);
        Answer answer;
        synchronized (this) {
            int n = answered.getAndIncrement();
            answer = n < script.size() ? script.get(n) : new Answer.Status(200);
        }
        switch (answer) {
            case Answer.Hang hang -> {
                try {
                    released.await(30, TimeUnit.SECONDS); // the client times out long before
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
            }
            case Answer.Status status -> {
                if (status.code() >= 200 && status.code() < 300) {
                    acceptedRequests.add(request);
                }
                exchange.sendResponseHeaders(status.code(), -1);
                exchange.close();
            }
        }
    }

    @Override
    public void close() {
        released.countDown();
        stop();
    }
}
