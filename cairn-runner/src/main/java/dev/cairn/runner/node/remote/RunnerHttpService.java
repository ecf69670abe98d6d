package dev.cairn.runner.node.remote;

import dev.cairn.contracts.ContractException;
import dev.cairn.contracts.ErrorEnvelope;
import dev.cairn.contracts.RunRunnersRequest;
import dev.cairn.json.CodedError;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.runner.node.DirectExecution;
import dev.cairn.runner.node.RunnerNodeException;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's HTTP face, seed 003's runner contract over Helidon SE: {@code POST /execute} ({@code
 * RunRunnersRequest} → {@code RunRunnersResponse}) and {@code GET /info} ({@code
 * RunnerInfoResponse}), answered by a {@link DirectExecution}.
 *
 * <p>Every error is an {@link ErrorEnvelope}: 400 for a body that is not a {@code
 * RunRunnersRequest} ({@code details.pointer} says where), 401 {@code unauthenticated} when a
 * service token is set and the request lacks it, 404 {@code runner_not_found} (with {@code
 * missingRunners} and {@code availableRunners}) or {@code not_found} for other routes, 413 {@code
 * body_too_large}, 500 {@code execution_failed}. No stack trace reaches a client.
 */
public final class RunnerHttpService implements AutoCloseable {

    /** The largest {@code POST /execute} body accepted: 16 MiB. */
    public static final long MAX_BODY_BYTES = 16L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(RunnerHttpService.class);
    private static final String JSON = "application/json; charset=utf-8";

    private final DirectExecution execution;
    private final Optional<String> token;
    private final WebServer server;
    private final String host;

    private RunnerHttpService(DirectExecution execution, InetSocketAddress listen, Optional<String> token) {
        this.execution = execution;
        this.token = token;
        this.host = listen.getHostString();
        this.server = WebServer.builder()
                .host(host)
                .port(listen.getPort())
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build()) // as Cairn's server: see Server
                .maxPayloadSize(-1)
                .shutdownHook(false)
                .routing(r -> r.post("/execute", this::execute)
                        .get("/info", this::info)
                        .any(this::notFound)
                        .error(Throwable.class, this::failed))
                .build();
    }

    /**
     * Starts serving on {@code listen} (port 0 picks a free port). With {@code token}, every request
     * must carry {@code Authorization: Bearer <token>}.
     */
    public static RunnerHttpService start(DirectExecution execution, InetSocketAddress listen, Optional<String> token) {
        Objects.requireNonNull(execution, "execution");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(token, "token");
        String where = listen.getHostString() + ":" + listen.getPort();
        if (listen.getPort() != 0) {
            // Helidon logs a failed bind and returns a stopped server; find out first, quietly
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(listen);
            } catch (IOException e) {
                throw RunnerNodeException.listenFailed(where, e);
            }
        }
        RunnerHttpService service = new RunnerHttpService(execution, listen, token);
        try {
            service.server.start();
        } catch (RuntimeException e) {
            throw RunnerNodeException.listenFailed(where, e);
        }
        if (!service.server.isRunning()) {
            throw RunnerNodeException.listenFailed(where, new IOException("the HTTP server did not start"));
        }
        LOG.info("runner service listening on {}", service.uri());
        return service;
    }

    /** The options of the connections the service accepts (Nagle's algorithm off); for tests. */
    SocketOptions connectionOptions() {
        return server.prototype().connectionOptions();
    }

    /** The port it listens on. */
    public int port() {
        return server.port();
    }

    /** Its base URL, e.g. {@code http://127.0.0.1:41234/}. */
    public URI uri() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port() + "/");
    }

    @Override
    public void close() {
        server.stop();
    }

    private void execute(ServerRequest req, ServerResponse res) {
        if (!authorized(req, res)) {
            return;
        }
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes((int) MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            error(
                    res,
                    400,
                    new ErrorEnvelope(
                            "invalid_body",
                            "cannot read the request body: " + e.getMessage(),
                            false,
                            Optional.empty(),
                            Optional.empty()));
            return;
        }
        if (body.length > MAX_BODY_BYTES) {
            error(
                    res,
                    413,
                    new ErrorEnvelope(
                            "body_too_large",
                            "the request body is larger than " + MAX_BODY_BYTES + " bytes",
                            false,
                            Optional.of("Send less input; pass large inputs as artifact ids (inputsCids)."),
                            Optional.empty()));
            return;
        }
        RunRunnersRequest request;
        try {
            request = Wire.read(body, RunRunnersRequest.class);
        } catch (JsonException e) {
            error(res, 400, ErrorEnvelope.from(e));
            return;
        }
        try {
            json(res, 200, Wire.writeBytes(execution.execute(request)));
        } catch (ContractException e) {
            error(res, e.status(), e.toEnvelope());
        }
    }

    private void info(ServerRequest req, ServerResponse res) {
        if (authorized(req, res)) {
            json(res, 200, Wire.writeBytes(execution.info()));
        }
    }

    private void notFound(ServerRequest req, ServerResponse res) {
        error(
                res,
                404,
                new ErrorEnvelope(
                        "not_found",
                        "no route " + req.prologue().method().text() + " "
                                + req.path().path(),
                        false,
                        Optional.of("A runner service answers POST /execute and GET /info."),
                        Optional.empty()));
    }

    private void failed(ServerRequest req, ServerResponse res, Throwable t) {
        ErrorEnvelope envelope;
        int status;
        if (t instanceof CodedError coded) {
            envelope = ErrorEnvelope.from(coded);
            status = ContractException.httpStatus(coded);
        } else {
            LOG.warn("POST /execute failed", t);
            envelope = ContractException.executionFailed(t.getClass().getSimpleName())
                    .toEnvelope();
            status = 500;
        }
        if (!res.isSent()) {
            error(res, status, envelope);
        }
    }

    private boolean authorized(ServerRequest req, ServerResponse res) {
        if (token.isEmpty()) {
            return true;
        }
        String given = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        byte[] expected = ("Bearer " + token.get()).getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        error(
                res,
                401,
                new ErrorEnvelope(
                        "unauthenticated",
                        "this runner service requires a bearer token",
                        false,
                        Optional.of("Send Authorization: Bearer <the worker's service token>."),
                        Optional.empty()));
        return false;
    }

    private static void error(ServerResponse res, int status, ErrorEnvelope envelope) {
        json(res, status, Wire.writeBytes(envelope));
    }

    private static void json(ServerResponse res, int status, byte[] body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.send(body);
    }
}
