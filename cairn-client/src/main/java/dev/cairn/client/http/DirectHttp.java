package dev.cairn.client.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One HTTP/1.1 call whose request body is in memory and whose answer is read whole, made on the
 * calling thread: Cairn's JSON calls (a submission, a run's status, a remote node's lease acquire,
 * heartbeat and completions). Streamed calls (uploads, downloads, event streams) stay with the JDK's
 * {@link java.net.http.HttpClient}.
 *
 * <p><b>Why the JDK's {@link HttpURLConnection}.</b> It writes the request and reads the answer on
 * the calling thread. The {@code java.net.http} client hands both to its selector thread and wakes
 * the caller when the answer is in, which on these 2-core machines is a thread hand-off each way:
 * a loopback POST of a small JSON body to {@code cairn server} took 157 us p50 this way against 258
 * us (2026-11-24, 5,000 calls after 10,000), and {@code cairn bench submit-latency} fell by 70–110
 * us per run. No library is needed for that.
 *
 * <p><b>A request is sent once.</b> Left to its defaults, {@code HttpURLConnection} sends a request
 * again, on a new connection, when the answer to it fails to arrive on a connection it kept alive,
 * POSTs included: a submission or a lease acquire could be made twice without anyone knowing. A
 * body streamed with {@link HttpURLConnection#setFixedLengthStreamingMode} is never sent again, but
 * before each such POST on a kept-alive connection the JDK waits 1 ms for a read to tell whether the
 * server closed it (1.3 ms a call here). So the body is buffered and sent with the headers, and this
 * class sets the system property {@value #RETRY_POST} to {@code false} when it is first used, unless
 * the JVM was started with a value. The JDK reads that property once, at the JVM's first {@code
 * http:} connection: an application that made one before it used a Cairn client keeps the JDK's
 * default unless it starts the JVM with {@code -Dsun.net.http.retryPost=false}. Whether a failed
 * call is tried again is each caller's decision.
 *
 * <p><b>Connections</b> are kept alive and reused through the JDK's keep-alive cache (at most
 * {@code http.maxConnections}, 5 by default, idle per server; an idle one is closed after 5 s or the
 * server's {@code Keep-Alive} timeout). No proxy is used, as with the JDK client's defaults.
 *
 * <p><b>Interrupts.</b> On a virtual thread (how Cairn's clients are meant to be called), an
 * interrupt closes the connection and the call ends with an {@link IOException} and the thread's
 * interrupt status set. A platform thread's blocking socket read does not end on an interrupt: a
 * platform thread's call ends that way only when it is interrupted with {@link #interrupt}, which
 * also closes the call's connection (a plain {@link Thread#interrupt()} leaves it to its timeout).
 * A platform thread is worth it for a long poll whose answer should be acted on at once: the
 * kernel wakes it straight from the read, where a virtual thread's wait goes through the JDK's
 * poller, one more thread to wake.
 */
public final class DirectHttp {

    /** The JDK's switch for sending a POST again on a new connection ({@code true} by default). */
    public static final String RETRY_POST = "sun.net.http.retryPost";

    static {
        if (System.getProperty(RETRY_POST) == null) {
            System.setProperty(RETRY_POST, "false");
        }
    }

    /**
     * The calls platform threads are making now, so that {@link #interrupt} can close their
     * connections. Virtual threads' calls are not listed: an interrupt ends them by itself.
     */
    private static final Map<Thread, PlatformCall> PLATFORM_CALLS = new ConcurrentHashMap<>();

    private DirectHttp() {}

    /** A platform thread's call in flight. */
    private static final class PlatformCall {
        final HttpURLConnection connection;
        /**
         * Set once the connection is open (after which {@link HttpURLConnection#disconnect} closes
         * its socket); before, the caller sees the interrupt status when it checks it next.
         */
        volatile boolean open;

        PlatformCall(HttpURLConnection connection) {
            this.connection = connection;
        }
    }

    /**
     * Interrupts {@code thread} and ends the call it is making, if any, as an interrupt alone does on
     * a virtual thread: a platform thread's call has its connection closed, and ends with an {@link
     * java.io.InterruptedIOException} and the thread's interrupt status set. A call the thread begins
     * afterwards, with its interrupt status still set, ends the same way before it sends anything.
     */
    public static void interrupt(Thread thread) {
        thread.interrupt();
        PlatformCall call = PLATFORM_CALLS.get(thread);
        if (call != null && call.open) {
            // not thread-safe as the JDK documents HttpURLConnection, but disconnect() takes no lock
            // and, with no answer read yet, closes the socket, which ends the read blocked on it
            call.connection.disconnect();
        }
    }

    /** The media type of Cairn's JSON bodies (UTF-8, as every JSON text is). */
    public static final String JSON = "application/json";

    /**
     * An answer: its status and its body (empty when there is none).
     *
     * @param status the HTTP status code
     * @param body the bytes of the body, read to its end
     */
    public record Answer(int status, byte[] body) {
        public Answer {
            Objects.requireNonNull(body, "body");
        }

        /** Whether the status is 2xx. */
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    /**
     * A call of Cairn's API: {@link #call} with {@code Accept: application/json}, {@code
     * Content-Type: application/json} when there is a body, {@code userAgent}, and {@code
     * Authorization: Bearer} with {@code token} when given.
     */
    public static Answer json(
            String method,
            URI uri,
            String userAgent,
            Optional<String> token,
            Optional<byte[]> body,
            Duration connectTimeout,
            Duration timeout)
            throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", JSON);
        headers.put("User-Agent", Objects.requireNonNull(userAgent, "userAgent"));
        token.ifPresent(t -> headers.put("Authorization", "Bearer " + t));
        if (body.isPresent()) {
            headers.put("Content-Type", JSON);
        }
        return call(method, uri, headers, body, connectTimeout, timeout);
    }

    /**
     * Sends {@code method} to {@code uri} with {@code headers} and {@code body} (none when empty) and
     * reads the answer, whatever its status.
     *
     * @param connectTimeout how long the connection may take to open
     * @param timeout how long the server may stay silent while the answer is awaited or read (for a
     *     call the server holds open, such as a lease acquire, its wait plus a margin)
     * @throws IOException the connection could not be made, broke, or timed out (a {@link
     *     java.net.SocketTimeoutException}); the request may or may not have reached the server,
     *     except when the connection could not be made ({@link java.net.ConnectException})
     */
    public static Answer call(
            String method,
            URI uri,
            Map<String, String> headers,
            Optional<byte[]> body,
            Duration connectTimeout,
            Duration timeout)
            throws IOException {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
        Thread caller = Thread.currentThread();
        PlatformCall tracked = caller.isVirtual() ? null : new PlatformCall(connection);
        if (tracked != null) {
            PLATFORM_CALLS.put(caller, tracked);
        }
        try {
            connection.setRequestMethod(method);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setConnectTimeout(millis(connectTimeout));
            connection.setReadTimeout(millis(timeout));
            headers.forEach(connection::setRequestProperty);
            connection.setDoOutput(body.isPresent());
            if (tracked != null) {
                connection.connect();
                tracked.open = true;
                if (caller.isInterrupted()) { // interrupt() came before the connection could be closed
                    throw new InterruptedIOException("interrupted before the request was sent");
                }
            }
            if (body.isPresent()) {
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body.get()); // buffered by the connection, sent with the headers
                }
            }
            int status = connection.getResponseCode();
            byte[] bytes;
            try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                bytes = in == null ? new byte[0] : in.readAllBytes(); // read to the end: the connection is kept
            }
            return new Answer(status, bytes);
        } catch (IOException | RuntimeException e) {
            connection.disconnect(); // a connection left mid-answer must not be used again
            if (tracked != null && caller.isInterrupted() && !(e instanceof InterruptedIOException)) {
                InterruptedIOException interrupted = new InterruptedIOException("interrupted: " + e.getMessage());
                interrupted.initCause(e);
                throw interrupted;
            }
            throw e;
        } finally {
            if (tracked != null) {
                PLATFORM_CALLS.remove(caller, tracked);
            }
        }
    }

    /** {@code duration} as the positive milliseconds {@link HttpURLConnection} takes (0 would mean forever). */
    private static int millis(Duration duration) {
        return (int) Math.clamp(duration.toMillis(), 1L, Integer.MAX_VALUE);
    }
}
