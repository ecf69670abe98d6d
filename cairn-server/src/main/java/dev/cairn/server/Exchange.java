package dev.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.wire.Wire;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One request of a matched route and its response: path parameters, checked query parameters, a
 * JSON body read with the size limit, and the ways to answer. Once a handler starts a streamed
 * answer ({@link #stream}) the response is committed: a failure after that can only cut the
 * connection.
 */
final class Exchange {

    static final String JSON = "application/json";

    private static final int MAX_STRING =
            Wire.mapper().getFactory().streamReadConstraints().getMaxStringLength();

    private final ServerRequest request;
    private final ServerResponse response;
    private final Router.Route route;
    private final Map<String, String> params;
    private final ServerLimits limits;
    private boolean committed;
    private int status = 200;

    Exchange(
            ServerRequest request,
            ServerResponse response,
            Router.Route route,
            Map<String, String> params,
            ServerLimits limits) {
        this.request = request;
        this.response = response;
        this.route = route;
        this.params = params;
        this.limits = limits;
    }

    ServerRequest request() {
        return request;
    }

    Router.Route route() {
        return route;
    }

    ServerLimits limits() {
        return limits;
    }

    /** The path parameter {@code name} of the route's template, decoded. */
    String param(String name) {
        String value = params.get(name);
        if (value == null) {
            throw new IllegalStateException(route.label() + " has no path parameter " + name);
        }
        return value;
    }

    /** The query parameters, refused unless each is one of {@code known}, given once. */
    Query query(Set<String> known) {
        return Query.of(request.query(), known);
    }

    /** A route that takes no query parameter refuses any. */
    void noQuery() {
        query(Set.of());
    }

    /** The first value of the request's header {@code name}. */
    Optional<String> requestHeader(HeaderName name) {
        return request.headers().first(name);
    }

    /**
     * The JSON body as {@code type}: 400 {@code missing_body} without one, 415 unless it is {@code
     * application/json}, 413 beyond {@link ServerLimits#maxBodyBytes()}, and the codec's typed error
     * (400 with {@code details.pointer}) when it does not match the type. A body that does not read
     * as the type is parsed again as a tree first, so that text that is not JSON (truncated, trailing
     * data, duplicate keys, too deep) is told apart from JSON of the wrong shape; one that does is
     * read once (the same parser and rules: reading the tree and then the type from it gives the
     * same value, at twice the cost).
     */
    <T> T readJson(Class<T> type) throws IOException {
        byte[] body = readBody(JSON, limits.maxBodyBytes(), type.getSimpleName());
        // (a value the type ignores is skipped, not read: a body that could hold a string longer
        // than the parser's limit is read as a tree, which reads every value)
        if (body.length <= MAX_STRING) {
            try {
                return Wire.read(body, type);
            } catch (RuntimeException e) {
                // not JSON, or JSON of another shape: the tree says which
            }
        }
        JsonNode tree = Wire.read(body, JsonNode.class);
        return Wire.fromTree(tree, type);
    }

    private byte[] readBody(String mediaType, long limit, String what) throws IOException {
        if (!request.content().hasEntity()) {
            throw ServerException.missingBody(route.label(), what);
        }
        requireContentType(mediaType);
        OptionalLong declared = request.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > limit) {
            throw ServerException.bodyTooLarge(limit);
        }
        try (InputStream in = new BoundedInputStream(request.content().inputStream(), limit)) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length == 0) {
                throw ServerException.missingBody(route.label(), what);
            }
            return bytes;
        }
    }

    /**
     * The body as a stream of at most {@code limit} bytes (413 beyond, at once when Content-Length
     * says so), after checking its Content-Type; no body is an empty stream.
     */
    BoundedInputStream bodyStream(String mediaType, long limit) {
        requireContentType(mediaType);
        OptionalLong declared = request.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > limit) {
            throw ServerException.bodyTooLarge(limit);
        }
        InputStream in =
                request.content().hasEntity() ? request.content().inputStream() : InputStream.nullInputStream();
        return new BoundedInputStream(in, limit);
    }

    /** 415 unless the request's Content-Type is {@code mediaType} (parameters aside). */
    void requireContentType(String mediaType) {
        Optional<HttpMediaType> given = request.headers().contentType();
        if (given.isEmpty() || !given.get().mediaType().text().equalsIgnoreCase(mediaType)) {
            throw ServerException.unsupportedMediaType(
                    mediaType, request.headers().first(HeaderNames.CONTENT_TYPE));
        }
    }

    /** Answers {@code status} with {@code body} as JSON. */
    void json(int status, Object body) {
        byte[] bytes = Wire.writeBytes(body);
        this.status = status;
        response.status(Status.create(status));
        response.header(HeaderNames.CONTENT_TYPE, JSON);
        response.send(bytes);
    }

    /** Answers {@code status} with {@code body} as {@code contentType}. */
    void bytes(int status, String contentType, byte[] body) {
        this.status = status;
        response.status(Status.create(status));
        response.header(HeaderNames.CONTENT_TYPE, contentType);
        response.send(body);
    }

    /** Answers {@code status} without a body (HEAD, 204, 304); headers set before stay. */
    void empty(int status) {
        this.status = status;
        response.status(Status.create(status));
        response.send();
    }

    /** Sets a response header (before answering). */
    void header(String name, String value) {
        response.header(name, value);
    }

    /** Declares the length of a body sent by {@link #empty} for HEAD, or by {@link #stream}. */
    void contentLength(long length) {
        response.contentLength(length);
    }

    /**
     * Starts a streamed answer of {@code status} and {@code contentType}; the response is committed
     * from here on.
     */
    OutputStream stream(int status, String contentType) {
        this.status = status;
        response.status(Status.create(status));
        response.header(HeaderNames.CONTENT_TYPE, contentType);
        committed = true;
        return response.outputStream();
    }

    /** Whether the answer has started: errors can no longer be answered as such. */
    boolean committed() {
        return committed || response.isSent();
    }

    /** The status answered (for metrics). */
    int status() {
        return status;
    }
}
