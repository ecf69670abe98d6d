package dev.cairn.client.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link DirectHttp} against a real HTTP/1.1 peer on loopback (a server socket that answers as each
 * test tells it): what it sends, what it reads back, that kept-alive connections are reused, and
 * that a POST whose answer never comes is not sent again (while the JDK does send a GET again, which
 * shows the peer would see a second request if there were one).
 */
@Timeout(60)
class DirectHttpTest {

    private static final Duration CONNECT = Duration.ofSeconds(5);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** One request as the peer read it. */
    record Received(String method, String path, Map<String, String> headers, byte[] body) {}

    /**
     * An HTTP/1.1 peer: each request is answered by {@code answer} (the raw bytes to write back, or
     * null to close the connection without a word); connections are kept open between requests.
     */
    static final class Peer implements AutoCloseable {
        final ServerSocket listener;
        final List<Received> received = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        private final Function<Received, byte[]> answer;

        Peer(Function<Received, byte[]> answer) throws IOException {
            this.answer = answer;
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(this::accept);
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + listener.getLocalPort() + path);
        }

        private void accept() {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(socket));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket socket) {
            try (socket;
                    InputStream in = socket.getInputStream();
                    OutputStream out = socket.getOutputStream()) {
                while (true) {
                    Received request = read(in);
                    if (request == null) {
                        return;
                    }
                    received.add(request);
                    byte[] bytes = answer.apply(request);
                    if (bytes == null) {
                        return; // closed without an answer
                    }
                    out.write(bytes);
                    out.flush();
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        private static Received read(InputStream in) throws IOException {
            String start = line(in);
            if (start == null || start.isEmpty()) {
                return null;
            }
            String[] parts = start.split(" ");
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String header; !(header = line(in)).isEmpty(); ) {
                int colon = header.indexOf(':');
                headers.put(
                        header.substring(0, colon).strip(),
                        header.substring(colon + 1).strip());
            }
            int length = Integer.parseInt(headers.getOrDefault("Content-Length", "0"));
            return new Received(parts[0], parts[1], headers, in.readNBytes(length));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
                }
                if (c != '\r') {
                    line.write(c);
                }
            }
            return line.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }

    static byte[] answer(int status, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                + bytes.length + "\r\n\r\n";
        byte[] out = new byte[head.length() + bytes.length];
        System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, out, 0, head.length());
        System.arraycopy(bytes, 0, out, head.length(), bytes.length);
        return out;
    }

    private static DirectHttp.Answer post(URI uri, String json) throws IOException {
        return DirectHttp.json(
                "POST",
                uri,
                "cairn-test",
                Optional.of("tok-1"),
                Optional.of(json.getBytes(StandardCharsets.UTF_8)),
                CONNECT,
                TIMEOUT);
    }

    @Test
    void aPostGoesOutAsGivenAndItsAnswerComesBackWholeWhateverItsStatus() throws Exception {
        try (Peer peer = new Peer(r -> r.path().equals("/missing")
                ? answer(404, "application/json", "{\"code\":\"not_found\"}")
                : answer(202, "application/json; charset=utf-8", "{\"run_id\":\"r-1\"}"))) {
            DirectHttp.Answer accepted = post(peer.uri("/run?x=1"), "{\"a\":1}");
            DirectHttp.Answer missing = post(peer.uri("/missing"), "{}");

            assertThat(accepted.status()).isEqualTo(202);
            assertThat(accepted.ok()).isTrue();
            assertThat(new String(accepted.body(), StandardCharsets.UTF_8)).isEqualTo("{\"run_id\":\"r-1\"}");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.ok()).isFalse();
            assertThat(new String(missing.body(), StandardCharsets.UTF_8)).isEqualTo("{\"code\":\"not_found\"}");

            Received first = peer.received.getFirst();
            assertThat(first.method()).isEqualTo("POST");
            assertThat(first.path()).isEqualTo("/run?x=1");
            assertThat(first.headers())
                    .containsEntry("Content-Type", "application/json")
                    .containsEntry("Accept", "application/json")
                    .containsEntry("User-Agent", "cairn-test")
                    .containsEntry("Authorization", "Bearer tok-1")
                    .containsEntry("Content-Length", "7");
            assertThat(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
            assertThat(peer.connections)
                    .as("the second call reused the kept-alive connection")
                    .hasValue(1);
        }
    }

    @Test
    void aGetHasNoBodyAndAnEmptyAnswerIsAnEmptyBody() throws Exception {
        try (Peer peer = new Peer(r -> "HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII))) {
            DirectHttp.Answer answer = DirectHttp.json(
                    "GET", peer.uri("/healthz"), "cairn-test", Optional.empty(), Optional.empty(), CONNECT, TIMEOUT);

            assertThat(answer.status()).isEqualTo(204);
            assertThat(answer.body()).isEmpty();
            Received get = peer.received.getFirst();
            assertThat(get.method()).isEqualTo("GET");
            assertThat(get.body()).isEmpty();
            assertThat(get.headers())
                    .containsEntry("Accept", "application/json")
                    .doesNotContainKeys("Content-Type", "Authorization");
        }
    }

    @Test
    void aPostWhoseAnswerNeverComesIsSentOnceWhileTheJdkSendsAGetAgain() throws Exception {
        try (Peer peer = new Peer(r -> null)) {
            assertThatThrownBy(() -> post(peer.uri("/v1/leases/acquire"), "{\"max\":1}"))
                    .isInstanceOf(IOException.class);
            assertThat(System.getProperty(DirectHttp.RETRY_POST)).isEqualTo("false");
            assertThat(peer.received).as("the POST reached the peer once").hasSize(1);

            // the same failure for a GET: the JDK sends it again on a new connection, and the peer sees it
            assertThatThrownBy(() ->
                            DirectHttp.call("GET", peer.uri("/healthz"), Map.of(), Optional.empty(), CONNECT, TIMEOUT))
                    .isInstanceOf(IOException.class);
            assertThat(peer.received.stream().filter(r -> r.method().equals("GET")))
                    .as("a GET, sent again by the JDK")
                    .hasSize(2);
        }
    }

    @Test
    void aSilentServerEndsTheCallAtItsTimeout() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (Peer peer = new Peer(r -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        })) {
            assertThatThrownBy(() -> DirectHttp.call(
                            "POST",
                            peer.uri("/slow"),
                            Map.of("Content-Type", "application/json"),
                            Optional.of(new byte[] {'{', '}'}),
                            CONNECT,
                            Duration.ofMillis(200)))
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(peer.received).hasSize(1);
        } finally {
            never.countDown();
        }
    }

    @Test
    void anInterruptEndsTheCallOfAVirtualThreadAndLeavesItsStatusSet() throws Exception {
        String outcome = unansweredCallStoppedBy(Thread.ofVirtual(), Thread::interrupt, Duration.ofSeconds(30));

        assertThat(outcome.toLowerCase(Locale.ROOT)).endsWith("interrupted: true");
    }

    @Test
    void directHttpInterruptEndsTheCallOfAPlatformThreadBlockedOnTheAnswer() throws Exception {
        // TIMEOUT is 10 s and the peer never answers: only the closed connection ends it sooner
        String outcome =
                unansweredCallStoppedBy(Thread.ofPlatform().daemon(), DirectHttp::interrupt, TIMEOUT.dividedBy(2));

        assertThat(outcome).isEqualTo("InterruptedIOException, interrupted: true");
    }

    /**
     * Makes a call on a thread of {@code builder} to a peer that never answers, stops it with {@code
     * stop} once the peer has the request, and says how the call ended: the exception's class and
     * whether the thread's interrupt status was set; fails if it did not end within {@code within}.
     */
    private static String unansweredCallStoppedBy(Thread.Builder builder, Consumer<Thread> stop, Duration within)
            throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        try (Peer peer = new Peer(r -> {
            arrived.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        })) {
            CompletableFuture<String> outcome = new CompletableFuture<>();
            Thread caller = builder.start(() -> outcome.complete(postSaying(peer)));
            assertThat(arrived.await(30, TimeUnit.SECONDS)).isTrue();
            stop.accept(caller);
            return outcome.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            never.countDown();
        }
    }

    /**
     * Posts to {@code peer} and says how the call ended: "answered", or the exception's class and
     * whether the thread's interrupt status was set.
     */
    private static String postSaying(Peer peer) {
        try {
            post(peer.uri("/v1/leases/acquire"), "{}");
            return "answered";
        } catch (IOException e) {
            return e.getClass().getSimpleName() + ", interrupted: "
                    + Thread.currentThread().isInterrupted();
        }
    }

    @Test
    void aPlatformThreadInterruptedBeforeItsCallSendsNothing() throws Exception {
        try (Peer peer = new Peer(r -> answer(200, DirectHttp.JSON, "{}"))) {
            CompletableFuture<String> outcome = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() -> {
                Thread.currentThread().interrupt();
                outcome.complete(postSaying(peer));
            });

            assertThat(outcome.get(30, TimeUnit.SECONDS)).isEqualTo("InterruptedIOException, interrupted: true");
            assertThat(peer.received).isEmpty();
            // the same call from a thread that was not interrupted is answered: the peer was there
            assertThat(post(peer.uri("/v1/leases/acquire"), "{}").status()).isEqualTo(200);
            assertThat(peer.received).hasSize(1);
        }
    }

    @Test
    void nothingListeningIsAConnectException() throws Exception {
        URI closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/run");
        }
        assertThatThrownBy(() -> post(closed, "{}")).isInstanceOf(java.net.ConnectException.class);
    }
}
