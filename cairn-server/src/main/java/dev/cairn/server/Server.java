package dev.cairn.server;

import dev.cairn.contracts.ErrorEnvelope;
import dev.cairn.json.wire.Wire;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Cairn's HTTP server: the routes of {@code docs/http-api.md} over an {@link
 * dev.cairn.orchestrator.api.Orchestrator}, on Helidon SE (each request on its own virtual thread).
 * HTTP adapters only: every route parses and checks its request, calls the orchestrator, and writes
 * the answer; every failure is answered with an {@link ErrorEnvelope}, and no stack trace ever
 * reaches a client.
 *
 * <p><b>Authentication.</b> {@code Authorization: Bearer <token>} with tokens of {@link Tokens}.
 * Tokens are required whenever the server listens beyond loopback, and on loopback with {@link
 * ServerOptions#requireAuth()}; such a server refuses to start without a token store holding an
 * active token ({@code auth_required}). Otherwise tokens are optional, but one that is sent is
 * checked.
 *
 * <p><b>Shutdown.</b> {@link #close()} answers new requests 503 {@code shutting_down} (health and
 * metrics aside), ends event and log streams and lease long polls at once, waits up to {@link
 * ServerLimits#shutdownGrace()} for requests in progress, then closes the listener. It does not
 * close the orchestrator.
 *
 * <p>Helidon's {@code java.util.logging} output is routed to SLF4J.
 */
public final class Server implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    private final ServerOptions options;
    private final boolean authEnforced;
    private final Optional<Tokens> tokens;
    private final Lifecycle lifecycle = new Lifecycle();
    private final HttpMetrics metrics;
    private final Router router = new Router();
    private final CountDownLatch closed = new CountDownLatch(1);
    private WebServer web;
    private String host;

    private Server(ServerOptions options, boolean authEnforced) {
        this.options = options;
        this.authEnforced = authEnforced;
        this.tokens = options.tokenStore().map(Tokens::new);
        this.metrics = new HttpMetrics(options.meterRegistry(), lifecycle);
        new SeedRoutes(options.orchestrator()).register(router);
        new RunRoutes(options.orchestrator(), lifecycle, metrics).register(router);
        new ArtifactRoutes(options.orchestrator(), options.limits()).register(router);
        new LeaseRoutes(options.orchestrator(), lifecycle).register(router);
        new OpsRoutes(lifecycle, metrics).register(router);
    }

    /**
     * Starts a server and returns once it listens.
     *
     * @throws ServerException {@code auth_required} when it would need tokens and has none; {@code
     *     bind_failed} when it cannot listen on the address
     */
    public static Server start(ServerOptions options) {
        routeJulToSlf4j();
        InetAddress address;
        try {
            address = InetAddress.getByName(options.bindAddress());
        } catch (UnknownHostException e) {
            throw ServerException.bindFailed(options.bindAddress(), options.port(), e);
        }
        boolean loopback = address.isLoopbackAddress();
        boolean enforced = !loopback || options.requireAuth();
        if (enforced) {
            String why = loopback ? "--require-auth is set" : "it is reachable beyond loopback";
            if (options.tokenStore().isEmpty()) {
                throw ServerException.authRequired(options.bindAddress(), why + " but the server has no token store");
            }
            if (!new Tokens(options.tokenStore().get()).anyActive()) {
                throw ServerException.authRequired(options.bindAddress(), why + " but no token exists");
            }
        }
        Server server = new Server(options, enforced);
        server.listen(address);
        return server;
    }

    private void listen(InetAddress address) {
        try {
            web = WebServer.builder()
                    .address(address)
                    .port(options.port())
                    // Nagle's algorithm off (Helidon leaves it on): Helidon writes a response of more
                    // than a few KiB in more than one send, and the last part then waited for the
                    // client's delayed ACK: 44 ms for every 10 KiB answer on loopback (a lease batch of
                    // a few leases, a run's detail, a page of events), 0.3 ms without it.
                    .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                    .shutdownHook(false)
                    .shutdownGracePeriod(options.limits().shutdownGrace())
                    .directHandlers(directHandlers())
                    .routing(routing -> routing.any(this::handle))
                    .build()
                    .start();
        } catch (RuntimeException e) {
            metrics.close();
            throw ServerException.bindFailed(options.bindAddress(), options.port(), e);
        }
        host = address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        LOG.info("Cairn server listening on {} (tokens {})", uri(), authEnforced ? "required" : "optional on loopback");
    }

    /** The options of the connections the server accepts (Nagle's algorithm off); for tests. */
    SocketOptions connectionOptions() {
        return web.prototype().connectionOptions();
    }

    /** The port the server listens on (the one picked when the options said 0). */
    public int port() {
        return web.port();
    }

    /** The server's base URL, e.g. {@code http://127.0.0.1:8420}. */
    public URI uri() {
        return URI.create("http://" + host + ":" + port());
    }

    /** Whether every route but the operations ones needs a token. */
    public boolean authRequired() {
        return authEnforced;
    }

    /** The route table, for tests. */
    List<Router.Route> routes() {
        return router.routes();
    }

    /** Stops the server gracefully (see the class documentation). Closing twice does nothing. */
    @Override
    public void close() {
        synchronized (this) {
            if (lifecycle.stopping()) {
                return;
            }
            lifecycle.beginStop();
        }
        try {
            if (!lifecycle.awaitIdle(options.limits().shutdownGrace().toMillis())) {
                LOG.warn(
                        "{} requests still in progress after the shutdown grace; closing anyway",
                        lifecycle.inProgress());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            web.stop();
            metrics.close();
            closed.countDown();
            LOG.info("Cairn server on {} stopped", uri());
        }
    }

    /** Blocks until {@link #close()} has finished (for a {@code cairn server} that runs until stopped). */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    // ------------------------------------------------------------------ requests

    private void handle(ServerRequest request, ServerResponse response) {
        long start = System.nanoTime();
        lifecycle.requestStarted();
        String method = request.prologue().method().text();
        String path = request.path().rawPath();
        String route = HttpMetrics.UNMATCHED;
        Exchange exchange = null;
        int status = 500;
        try {
            switch (router.resolve(method, path)) {
                case Router.Resolution.NotFound notFound -> throw ServerException.notFound(method, path);
                case Router.Resolution.WrongMethod wrong -> {
                    response.header("Allow", String.join(", ", wrong.allowed()));
                    throw ServerException.methodNotAllowed(method, path, wrong.allowed());
                }
                case Router.Resolution.Found found -> {
                    route = found.route().template();
                    if (lifecycle.stopping() && found.route().access() != Access.OPEN) {
                        throw ServerException.shuttingDown();
                    }
                    authorize(found.route(), request);
                    exchange = new Exchange(request, response, found.route(), found.params(), options.limits());
                    found.route().handler().handle(exchange);
                    status = exchange.status();
                }
            }
        } catch (VirtualMachineError fatal) {
            if (!(fatal instanceof StackOverflowError)) {
                throw fatal;
            }
            status = answerFailure(request, response, exchange, fatal, method + " " + route);
        } catch (Throwable failure) {
            status = answerFailure(request, response, exchange, failure, method + " " + route);
        } finally {
            metrics.request(method, route, status, System.nanoTime() - start);
            lifecycle.requestEnded();
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} {} -> {} in {} µs", method, path, status, (System.nanoTime() - start) / 1000);
            }
        }
    }

    /** The status recorded for a request whose client went away before it was answered. */
    static final int CLIENT_CLOSED = 499;

    private int answerFailure(
            ServerRequest request, ServerResponse response, Exchange exchange, Throwable failure, String route) {
        Thread.interrupted(); // a stopping server may have interrupted the request's wait
        boolean committed = exchange != null && exchange.committed();
        if (clientGone(failure) || (committed && connectionLost(failure))) {
            LOG.debug("{}: the client went away: {}", route, failure.toString());
            if (committed) {
                return exchange.status();
            }
            try {
                response.status(Status.BAD_REQUEST_400).send(); // Helidon wants an answer; no one reads it
            } catch (RuntimeException e) {
                LOG.debug("{}: answering a client that went away failed: {}", route, e.toString());
            }
            return CLIENT_CLOSED;
        }
        if (committed) {
            // The answer has started: all that is left is to cut the connection.
            LOG.debug("{} failed after its answer started: {}", route, failure.toString());
            throw failure instanceof RuntimeException r ? r : new UncheckedIOException(new IOException(failure));
        }
        ErrorMapping.Answer answer = ErrorMapping.answer(failure, route);
        response.headers().remove(HeaderNames.CONTENT_LENGTH);
        if (answer.status() == 401) {
            response.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"cairn\"");
        }
        response.status(Status.create(answer.status()));
        if (request.prologue().method().text().equals("HEAD")) {
            response.send();
        } else {
            response.header(HeaderNames.CONTENT_TYPE, Exchange.JSON);
            response.send(Wire.writeBytes(answer.envelope()));
        }
        return answer.status();
    }

    private void authorize(Router.Route route, ServerRequest request) {
        if (route.access() == Access.OPEN) {
            return;
        }
        Optional<String> header = request.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty()) {
            if (authEnforced) {
                metrics.authFailure("missing");
                throw ServerException.unauthenticated(route.label() + " needs a bearer token");
            }
            return;
        }
        String value = header.get().strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
            metrics.authFailure("malformed");
            throw ServerException.unauthenticated("the Authorization header must be `Bearer <token>`");
        }
        String token = value.substring(space + 1).strip();
        Optional<TokenRecord> record = tokens.flatMap(t -> t.authenticate(token));
        if (record.isEmpty()) {
            metrics.authFailure("unknown");
            throw ServerException.unauthenticated("the bearer token is unknown or revoked");
        }
        if (!route.access().allows(record.get().kind())) {
            metrics.authFailure("wrong_kind");
            throw ServerException.forbidden(
                    record.get().kind(), route.label(), route.access().kinds());
        }
    }

    // ------------------------------------------------------------------ plumbing

    /**
     * Whether Helidon says the client's connection is gone: a write to it failed, or its request
     * body ended before its announced length.
     */
    static boolean clientGone(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ServerConnectionException || t instanceof DataReader.InsufficientDataAvailableException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a failure while writing a streamed answer is the connection's (anything with an I/O
     * failure in it), rather than a source the server cut on purpose ({@link StreamAborted}).
     */
    static boolean connectionLost(Throwable failure) {
        if (failure instanceof StreamAborted) {
            return false;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ServerConnectionException || t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** Envelopes for what Helidon refuses before routing (malformed requests, bad paths). */
    private static DirectHandlers directHandlers() {
        DirectHandler handler = (request, event, status, headers, message) -> {
            String code =
                    switch (event) {
                        case BAD_REQUEST -> "bad_request";
                        case PAYLOAD_TOO_LARGE -> "body_too_large";
                        case FORBIDDEN -> "forbidden";
                        case INTERNAL_ERROR -> "internal";
                        case HTTP_VERSION_NOT_SUPPORTED -> "http_version_not_supported";
                        case OTHER -> status.code() >= 500 ? "internal" : "bad_request";
                    };
            String text = event == DirectHandler.EventType.INTERNAL_ERROR || message == null || message.isBlank()
                    ? "the server refused the request: " + status.reasonPhrase()
                    : "the server refused the request: " + printable(message);
            ErrorEnvelope envelope = new ErrorEnvelope(
                    code,
                    text,
                    false,
                    Optional.of("Send a well-formed HTTP/1.1 request; see docs/http-api.md."),
                    Optional.empty());
            return DirectHandler.TransportResponse.builder()
                    .status(status)
                    .headers(headers)
                    .header(HeaderNames.CONTENT_TYPE, Exchange.JSON)
                    .keepAlive(event.keepAlive())
                    .entity(Wire.writeBytes(envelope))
                    .build();
        };
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (DirectHandler.EventType event : DirectHandler.EventType.values()) {
            builder.addHandler(event, handler);
        }
        return builder.build();
    }

    /** At most 200 printable ASCII characters of a message that may echo what a client sent. */
    private static String printable(String message) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < message.length() && out.length() < 200; i++) {
            char c = message.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    private static void routeJulToSlf4j() {
        synchronized (Server.class) {
            if (!SLF4JBridgeHandler.isInstalled()) {
                SLF4JBridgeHandler.removeHandlersForRootLogger();
                SLF4JBridgeHandler.install();
            }
        }
    }
}
