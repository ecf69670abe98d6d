package dev.cairn.runner.node.remote;

import dev.cairn.client.http.DirectHttp;
import dev.cairn.contracts.ErrorEnvelope;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The HTTP plumbing shared by the remote ports: JSON calls on the calling thread ({@link #call},
 * {@link DirectHttp}); JDK {@link HttpClient}s (HTTP/1.1, no redirects) for the artifact routes, one
 * for calls and one for streamed uploads; the bearer token; retries with backoff for retryable
 * failures; and the reading of {@link ErrorEnvelope}s into {@link Problem}s that each port maps to
 * its own exceptions.
 */
final class HttpTransport implements AutoCloseable {

    /** Error bodies are read up to this size. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private static final String USER_AGENT = "cairn-runner";

    private final RemoteClientOptions options;
    /**
     * The artifact routes' calls whose request bodies are in memory (their answers may be streams);
     * answers are handled on its selector thread.
     */
    private final HttpClient client;
    /** Streamed uploads ({@link #upload}), whose request bodies read a caller's stream. */
    private final HttpClient uploads;

    HttpTransport(RemoteClientOptions options) {
        this.options = options;
        // A JDK HttpClient handles answers and publishes request bodies on its executor. Handling an
        // answer here never blocks (byte arrays, discarded bodies, or a stream a caller's thread
        // reads), so `client` does it on the selector thread that received it, which keeps one
        // thread's wake-up off every call (loopback POST with a small JSON body, 1,000 in a row:
        // p50 210 us against 255 us with a virtual thread per task, 2026-11-24). Publishing a
        // streamed upload reads the caller's stream, which may block; on the selector thread that
        // would stall every connection (RemoteArtifactStoreContractTest's interrupted streamed
        // put hung the next call for good), so uploads get a client with a virtual thread per task.
        this.client = builder(options).executor(Runnable::run).build();
        this.uploads = builder(options)
                .executor(task -> Thread.ofVirtual().name("cairn-http-upload").start(task))
                .build();
    }

    private static HttpClient.Builder builder(RemoteClientOptions options) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
    }

    RemoteClientOptions options() {
        return options;
    }

    /** Aborts calls in flight and releases the client's connections and threads. */
    @Override
    public void close() {
        client.shutdownNow();
        uploads.shutdownNow();
    }

    /** How retries treat a call. */
    enum Retry {
        /** Retried on any retryable failure (the call is idempotent). */
        IDEMPOTENT,
        /** Retried only when the connection could not be made (nothing was sent). */
        CONNECT_ONLY,
        /** Never retried (the request body is a one-shot stream). */
        NEVER
    }

    /**
     * A failed call: the HTTP status (0 when no answer arrived), the error code and message (from
     * the envelope when the server sent one), and whether a retry may succeed.
     */
    record Problem(
            String route,
            int status,
            String code,
            String message,
            boolean retryable,
            String hint,
            Optional<ErrorEnvelope> envelope,
            Throwable cause) {

        /** The server's envelope, or one made up for an answer without it. */
        ErrorEnvelope toEnvelope() {
            return envelope.orElseGet(() -> new ErrorEnvelope(
                    code, message, retryable, hint.isEmpty() ? Optional.empty() : Optional.of(hint), Optional.empty()));
        }
    }

    HttpRequest.Builder request(String path, Duration timeout) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(uri(path)).timeout(timeout).header("User-Agent", USER_AGENT);
        options.token().ifPresent(t -> builder.header("Authorization", "Bearer " + t));
        return builder;
    }

    URI uri(String path) {
        return options.serverUrl().resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    /**
     * Sends the request built by {@code request} (called once per attempt) and returns the 2xx
     * answer; a failure is mapped by {@code failed} and thrown after the retries {@code retry} allows.
     */
    <T> HttpResponse<T> send(
            String route,
            Supplier<HttpRequest> request,
            HttpResponse.BodyHandler<T> handler,
            Retry retry,
            Function<Problem, RuntimeException> failed) {
        return send(client, route, request, handler, retry, failed);
    }

    /**
     * {@link #send} of a request whose body is a one-shot stream the client reads as it sends (never
     * retried).
     */
    <T> HttpResponse<T> upload(
            String route,
            Supplier<HttpRequest> request,
            HttpResponse.BodyHandler<T> handler,
            Function<Problem, RuntimeException> failed) {
        return send(uploads, route, request, handler, Retry.NEVER, failed);
    }

    private <T> HttpResponse<T> send(
            HttpClient client,
            String route,
            Supplier<HttpRequest> request,
            HttpResponse.BodyHandler<T> handler,
            Retry retry,
            Function<Problem, RuntimeException> failed) {
        return attempts(route, retry, failed, () -> {
            HttpResponse<T> response = client.send(request.get(), handler);
            return response.statusCode() / 100 == 2
                    ? Attempted.answered(response)
                    : Attempted.refused(response.statusCode(), errorBody(response.body()));
        });
    }

    /**
     * A JSON call whose body is in memory ({@code body}, none when empty), made on this thread through
     * {@link DirectHttp} (the lease routes: a lease acquire's answer then wakes the thread that runs
     * the lease, with no selector thread in between), with {@code timeout} for the server's silence;
     * returns the 2xx answer, or throws what {@code failed} makes of the problem once {@code retry}
     * allows no more attempts.
     */
    DirectHttp.Answer call(
            String route,
            String method,
            String path,
            Optional<byte[]> body,
            Duration timeout,
            Retry retry,
            Function<Problem, RuntimeException> failed) {
        URI uri = uri(path);
        return attempts(route, retry, failed, () -> {
            DirectHttp.Answer answer =
                    DirectHttp.json(method, uri, USER_AGENT, options.token(), body, options.connectTimeout(), timeout);
            return answer.ok() ? Attempted.answered(answer) : Attempted.refused(answer.status(), answer.body());
        });
    }

    /** One attempt of a call that reached the server: its 2xx answer, or the status and body of the error answer. */
    private sealed interface Attempted<T> {
        static <T> Attempted<T> answered(T answer) {
            return new Answered<>(answer);
        }

        static <T> Attempted<T> refused(int status, byte[] error) {
            return new Refused<>(status, error);
        }
    }

    private record Answered<T>(T answer) implements Attempted<T> {}

    private record Refused<T>(int status, byte[] error) implements Attempted<T> {}

    /** An attempt of a call, which may fail in transit or be interrupted. */
    @FunctionalInterface
    private interface Attempt<T> {
        Attempted<T> run() throws IOException, InterruptedException;
    }

    /** Runs {@code call} until it is answered 2xx or {@code retry} allows no more attempts. */
    private <T> T attempts(String route, Retry retry, Function<Problem, RuntimeException> failed, Attempt<T> call) {
        int attempt = 0;
        while (true) {
            attempt++;
            Problem problem;
            boolean sent;
            try {
                switch (call.run()) {
                    case Answered<T> answered -> {
                        return answered.answer();
                    }
                    case Refused<T> refused -> problem = problem(route, refused.status(), refused.error());
                }
                sent = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failed.apply(interrupted(route));
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted() || e instanceof java.io.InterruptedIOException) {
                    Thread.currentThread().interrupt();
                    throw failed.apply(interrupted(route));
                }
                problem = transportProblem(route, e);
                sent = !(e instanceof ConnectException);
            }
            boolean again = problem.retryable()
                    && attempt < options.maxAttempts()
                    && switch (retry) {
                        case IDEMPOTENT -> true;
                        case CONNECT_ONLY -> !sent;
                        case NEVER -> false;
                    };
            if (!again) {
                throw failed.apply(problem);
            }
            try {
                Thread.sleep(options.backoff().delay(attempt - 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failed.apply(interrupted(route));
            }
        }
    }

    /** Reads a JSON answer of a wire type; a body that does not parse is the problem {@code invalid_response}. */
    <T> T read(String route, byte[] body, Class<T> type, Function<Problem, RuntimeException> failed) {
        try {
            return Wire.read(body, type);
        } catch (JsonException e) {
            throw failed.apply(new Problem(
                    route,
                    200,
                    "invalid_response",
                    route + " answered with a body that is not a " + type.getSimpleName() + ": " + e.getMessage(),
                    false,
                    "Check that the server and this node run the same Cairn version.",
                    Optional.empty(),
                    e));
        }
    }

    /** The code of a call whose thread was interrupted (its flag is set again). */
    static final String INTERRUPTED = "interrupted";

    private static Problem interrupted(String route) {
        return new Problem(
                route, 0, INTERRUPTED, "interrupted while calling " + route, true, "", Optional.empty(), null);
    }

    static Problem problem(String route, int status, byte[] body) {
        try {
            ErrorEnvelope envelope = Wire.read(body, ErrorEnvelope.class);
            return new Problem(
                    route,
                    status,
                    envelope.code(),
                    envelope.message(),
                    envelope.retryable(),
                    envelope.hint().orElse(""),
                    Optional.of(envelope),
                    null);
        } catch (RuntimeException notAnEnvelope) {
            String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
            boolean retryable = status == 429 || status == 502 || status == 503 || status == 504;
            String code =
                    switch (status) {
                        case 401 -> "unauthenticated";
                        case 403 -> "forbidden";
                        case 404 -> "not_found";
                        default -> retryable ? "server_unavailable" : "unexpected_response";
                    };
            return new Problem(
                    route,
                    status,
                    code,
                    route + " answered HTTP " + status + (text.isEmpty() ? "" : ": " + text),
                    retryable,
                    status == 401 ? "Pass a valid runner token (cairn token create --kind runner)." : "",
                    Optional.empty(),
                    null);
        }
    }

    private static Problem transportProblem(String route, IOException e) {
        return new Problem(
                route,
                0,
                "server_unreachable",
                "cannot reach the Cairn server for " + route + ": "
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                true,
                "Check the server URL and that the server is running; the node retries with backoff.",
                Optional.empty(),
                e);
    }

    private static byte[] errorBody(Object body) {
        try {
            return switch (body) {
                case byte[] bytes -> bytes;
                case InputStream in -> {
                    try (in) {
                        yield in.readNBytes(MAX_ERROR_BODY);
                    }
                }
                case null, default -> new byte[0];
            };
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
