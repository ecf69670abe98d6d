package dev.cairn.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.contracts.ErrorEnvelope;
import dev.cairn.json.CodedException;
import java.util.Collection;
import java.util.Optional;

/**
 * Root exception of {@code cairn-server}: a request the HTTP layer refuses before it reaches the
 * orchestrator (unknown route, wrong method, missing or wrong token, bad parameter, body too large,
 * wrong content type), a server that is stopping, a token that cannot be created, or a server that
 * refuses to start. Each carries the HTTP status it is answered with.
 */
public final class ServerException extends CodedException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient ObjectNode details;

    private ServerException(
            String code, int status, boolean retryable, String message, String hint, ObjectNode details) {
        super(code, message, retryable, hint, null);
        this.status = status;
        this.details = details;
    }

    private static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** No route has this path: 404 {@code not_found}. */
    public static ServerException notFound(String method, String path) {
        return new ServerException(
                "not_found",
                404,
                false,
                "no route " + method + " " + shorten(path),
                "See docs/http-api.md or GET /openapi.yaml for the routes.",
                object().put("method", method).put("path", shorten(path)));
    }

    /** The path exists with other methods: 405 {@code method_not_allowed}. */
    public static ServerException methodNotAllowed(String method, String path, Collection<String> allowed) {
        ObjectNode details = object().put("method", method);
        allowed.forEach(details.putArray("allowed")::add);
        return new ServerException(
                "method_not_allowed",
                405,
                false,
                method + " is not allowed on " + shorten(path) + "; allowed: " + String.join(", ", allowed),
                "Use one of the methods in the Allow header.",
                details);
    }

    /** No token where one is required, a malformed Authorization header, or an unknown token: 401. */
    public static ServerException unauthenticated(String why) {
        return new ServerException(
                "unauthenticated",
                401,
                false,
                why,
                "Send `Authorization: Bearer <token>` with a token from `cairn token create`.",
                null);
    }

    /** The token's kind may not call the route: 403 {@code forbidden}. */
    public static ServerException forbidden(TokenKind kind, String route, Collection<TokenKind> allowed) {
        ObjectNode details = object().put("token_kind", kind.wireName());
        allowed.forEach(k -> details.withArray("allowed_kinds").add(k.wireName()));
        return new ServerException(
                "forbidden",
                403,
                false,
                "a " + kind.wireName() + " token may not call " + route,
                "Use a token of kind "
                        + String.join(
                                " or ",
                                allowed.stream().map(TokenKind::wireName).toList())
                        + " (cairn token create --kind ...).",
                details);
    }

    /** The body is larger than the route accepts: 413 {@code body_too_large}. */
    public static ServerException bodyTooLarge(long limitBytes) {
        return new ServerException(
                "body_too_large",
                413,
                false,
                "the request body is larger than the limit of " + limitBytes + " bytes",
                "Send a smaller body; large content belongs in artifacts (POST /v1/artifacts).",
                object().put("limit_bytes", limitBytes));
    }

    /** The body has a content type the route does not take: 415 {@code unsupported_media_type}. */
    public static ServerException unsupportedMediaType(String expected, Optional<String> given) {
        return new ServerException(
                "unsupported_media_type",
                415,
                false,
                "this route takes Content-Type " + expected + ", got "
                        + given.map(g -> "`" + shorten(g) + "`").orElse("none"),
                "Send the body with `Content-Type: " + expected + "`.",
                object().put("expected", expected));
    }

    /** A route that takes a body got none: 400 {@code missing_body}. */
    public static ServerException missingBody(String route, String type) {
        return new ServerException(
                "missing_body",
                400,
                false,
                route + " needs a JSON body (" + type + ")",
                "Send the body; its JSON Schema is in GET /openapi.yaml.",
                null);
    }

    /** A query or header parameter is malformed or out of range: 400 {@code invalid_parameter}. */
    public static ServerException invalidParameter(String name, String problem) {
        return new ServerException(
                "invalid_parameter",
                400,
                false,
                "parameter `" + name + "` " + problem,
                "Fix the parameter; GET /openapi.yaml describes each route's parameters.",
                object().put("parameter", name));
    }

    /** A query parameter the route does not know, or given twice: 400 {@code unknown_parameter}. */
    public static ServerException unknownParameter(String name, Collection<String> known) {
        ObjectNode details = object().put("parameter", shorten(name));
        known.forEach(details.putArray("known")::add);
        return new ServerException(
                "unknown_parameter",
                400,
                false,
                "unknown query parameter `" + shorten(name) + "`"
                        + (known.isEmpty() ? "; this route takes none" : "; known: " + String.join(", ", known)),
                "Remove it or fix its spelling.",
                details);
    }

    /** A query parameter given more than once: 400 {@code invalid_parameter}. */
    public static ServerException repeatedParameter(String name) {
        return invalidParameter(name, "is given more than once");
    }

    /** The run has no step of this id: 404 {@code step_not_found}. */
    public static ServerException stepNotFound(String runId, String step, Collection<String> steps) {
        ObjectNode details = object().put("run_id", runId).put("step", shorten(step));
        steps.forEach(details.putArray("steps")::add);
        return new ServerException(
                "step_not_found",
                404,
                false,
                "run " + runId + " has no step `" + shorten(step) + "`",
                "Use a step id of the run (GET /v1/runs/{runId} lists them).",
                details);
    }

    /** The path's task id differs from the body's {@code lease.task_id}: 400 {@code task_id_mismatch}. */
    public static ServerException taskIdMismatch(String inPath, String inBody) {
        return new ServerException(
                "task_id_mismatch",
                400,
                false,
                "the path names task " + inPath + " but the body's lease.task_id is " + inBody,
                "Post the heartbeat or completion of a lease to that lease's own task URL.",
                object().put("path_task_id", inPath).put("body_task_id", inBody));
    }

    /** Uploaded bytes do not have the digest the client announced: 400 {@code digest_mismatch}. */
    public static ServerException digestMismatch(String expectedId, String actualId) {
        return new ServerException(
                "digest_mismatch",
                400,
                false,
                "the uploaded bytes have SHA-256 " + actualId + ", not " + expectedId + " as Repr-Digest says",
                "The upload was damaged or the digest is wrong; upload again.",
                object().put("expected", expectedId).put("actual", actualId));
    }

    /**
     * The bytes of inline output {@code index} of a completion request do not hash to the id it
     * gives: 400 {@code digest_mismatch}, with {@code details.pointer}.
     */
    public static ServerException inlineOutputMismatch(int index, String expectedId, String actualId) {
        return new ServerException(
                "digest_mismatch",
                400,
                false,
                "inline output " + index + " has SHA-256 " + actualId + ", not its artifact_id " + expectedId,
                "The request was damaged or the id is wrong; compute artifact_id as the SHA-256 of content and"
                        + " send the completion again.",
                object().put("pointer", "/inline_outputs/" + index)
                        .put("expected", expectedId)
                        .put("actual", actualId));
    }

    /** A request header is malformed: 400 {@code invalid_header}. */
    public static ServerException invalidHeader(String name, String problem) {
        return new ServerException(
                "invalid_header",
                400,
                false,
                "header " + name + " " + problem,
                "Fix the header; GET /openapi.yaml describes each route's headers.",
                object().put("header", name));
    }

    /**
     * A position to resume from that this server did not give (the {@code after} / {@code
     * after_seq} parameter, the {@code Last-Event-ID} header): 400 {@code invalid_cursor}, with
     * {@code details.parameter} or {@code details.header}.
     */
    public static ServerException invalidCursor(String name, boolean header, String problem) {
        return new ServerException(
                "invalid_cursor",
                400,
                false,
                (header ? "header " : "parameter `") + name + (header ? " " : "` ") + problem,
                "Pass back a cursor or event id the server sent (a log line's `cursor`, an event's `seq`, the SSE"
                        + " `id:`), unchanged; or start again from 0.",
                object().put(header ? "header" : "parameter", name));
    }

    /** The server is stopping: 503 {@code shutting_down}, retryable. */
    public static ServerException shuttingDown() {
        return new ServerException(
                "shutting_down",
                503,
                true,
                "the server is shutting down",
                "Retry against the server once it is back, or against another one.",
                null);
    }

    /**
     * The server failed in a way it did not foresee: 500 {@code internal}. The message is generic;
     * the failure is logged on the server with {@code incident}.
     */
    public static ServerException internal(String incident) {
        return new ServerException(
                "internal",
                500,
                false,
                "the server failed to answer this request (incident " + incident + ")",
                "Report the incident id to the operator; the server's log has the details.",
                object().put("incident", incident));
    }

    /** A server that would be reachable beyond loopback has no token to check: it refuses to start. */
    public static ServerException authRequired(String bindAddress, String why) {
        return new ServerException(
                "auth_required",
                500,
                false,
                "refusing to start on " + bindAddress + ": " + why,
                "Create a token first (cairn token create --kind client --name NAME) and give the server its token store,"
                        + " or bind to 127.0.0.1.",
                object().put("bind_address", bindAddress));
    }

    /** The server could not listen on its address. */
    public static ServerException bindFailed(String address, int port, Throwable cause) {
        ServerException e = new ServerException(
                "bind_failed",
                500,
                false,
                "cannot listen on " + address + ":" + port + ": " + cause.getMessage(),
                "Choose another port (0 picks a free one) or stop what holds this one.",
                object().put("bind_address", address).put("port", port));
        e.initCause(cause);
        return e;
    }

    /** A token name that breaks the syntax: {@code invalid_token_name}. */
    public static ServerException invalidTokenName(String name) {
        return new ServerException(
                "invalid_token_name",
                400,
                false,
                "invalid token name `" + shorten(String.valueOf(name)) + "`",
                "Use 1 to 64 characters: letters, digits, `.`, `_` or `-`, starting with a letter or digit.",
                null);
    }

    /** An active token already has this name: {@code token_name_taken}. */
    public static ServerException tokenNameTaken(String name) {
        return new ServerException(
                "token_name_taken",
                409,
                false,
                "an active token is already named `" + name + "`",
                "Choose another name, or revoke the old token first (cairn token revoke NAME).",
                object().put("name", name));
    }

    /** The HTTP status this error is answered with. */
    public int status() {
        return status;
    }

    /** Structured data about the error (a copy), the envelope's {@code details}. */
    public Optional<ObjectNode> details() {
        return Optional.ofNullable(details).map(ObjectNode::deepCopy);
    }

    /** This error as the body of its HTTP response. */
    public ErrorEnvelope toEnvelope() {
        return new ErrorEnvelope(
                code(),
                getMessage(),
                retryable(),
                hint().isEmpty() ? Optional.empty() : Optional.of(hint()),
                details());
    }

    /** At most 200 characters of a client-supplied value, for messages. */
    static String shorten(String value) {
        return value.length() <= 200 ? value : value.substring(0, 200) + "…";
    }
}
