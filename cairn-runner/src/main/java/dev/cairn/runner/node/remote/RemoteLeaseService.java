package dev.cairn.runner.node.remote;

import dev.cairn.contracts.api.LeaseBatch;
import dev.cairn.json.wire.Wire;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.HeartbeatAnswer;
import dev.cairn.runner.api.lease.LeaseException;
import dev.cairn.runner.api.lease.LeaseService;
import dev.cairn.runner.node.RunnerNodeException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Objects;

/**
 * {@link LeaseService} over the server's lease routes ({@code docs/http-api.md}, "Leases"), with the
 * bearer runner token:
 *
 * <ul>
 *   <li>{@code POST /v1/leases/acquire} ({@code AcquireRequest} → {@code LeaseBatch}); the request
 *       may take {@code max_wait} on top of the request timeout; retried only when no connection
 *       could be made, since a lost answer's leases simply expire.
 *   <li>{@code POST /v1/leases/{taskId}/heartbeat} ({@code Heartbeat} → {@code HeartbeatAnswer}) and
 *       {@code POST /v1/leases/{taskId}/complete} ({@code Completion} → 204), retried on retryable
 *       failures: both are idempotent for one epoch.
 * </ul>
 *
 * <p>Errors: {@code stale_lease} and {@code unknown_task} are {@link LeaseException}s with the
 * server's message; a retryable failure that outlasts the retries (server unreachable, 503) is
 * {@link LeaseException#unavailable(String) lease_service_unavailable}; any other envelope is a
 * {@link RemoteServiceException} with its code ({@code unauthenticated}, {@code forbidden}, ...).
 */
public final class RemoteLeaseService implements LeaseService, AutoCloseable {

    private static final String JSON = "application/json; charset=utf-8";

    private final HttpTransport http;

    RemoteLeaseService(HttpTransport http) {
        this.http = http;
    }

    /** A client of the server at {@code options.serverUrl()}. */
    public static RemoteLeaseService create(RemoteClientOptions options) {
        return new RemoteLeaseService(new HttpTransport(Objects.requireNonNull(options, "options")));
    }

    @Override
    public List<LeaseEnvelope> acquire(AcquireRequest request) {
        String route = "POST /v1/leases/acquire";
        byte[] body = Wire.writeBytes(Objects.requireNonNull(request, "request"));
        HttpResponse<byte[]> response = http.send(
                route,
                () -> http.request(
                                "v1/leases/acquire",
                                http.options().requestTimeout().plus(request.maxWait()))
                        .header("Content-Type", JSON)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray(),
                HttpTransport.Retry.CONNECT_ONLY,
                RemoteLeaseService::failed);
        return http.read(route, response.body(), LeaseBatch.class, RemoteLeaseService::failed)
                .leases();
    }

    @Override
    public HeartbeatAnswer heartbeat(Heartbeat heartbeat) {
        String path = "v1/leases/" + heartbeat.lease().taskId() + "/heartbeat";
        String route = "POST /" + path;
        HttpResponse<byte[]> response = post(route, path, Wire.writeBytes(heartbeat));
        return http.read(route, response.body(), HeartbeatAnswer.class, RemoteLeaseService::failed);
    }

    @Override
    public void complete(Completion completion) {
        String path = "v1/leases/" + completion.lease().taskId() + "/complete";
        post("POST /" + path, path, Wire.writeBytes(completion));
    }

    private HttpResponse<byte[]> post(String route, String path, byte[] body) {
        return http.send(
                route,
                () -> http.request(path, http.options().requestTimeout())
                        .header("Content-Type", JSON)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray(),
                HttpTransport.Retry.IDEMPOTENT,
                RemoteLeaseService::failed);
    }

    private static RuntimeException failed(HttpTransport.Problem problem) {
        return switch (problem.code()) {
            case LeaseException.STALE_LEASE, LeaseException.UNKNOWN_TASK ->
                LeaseException.fromCode(problem.code(), problem.message(), problem.hint());
            case HttpTransport.INTERRUPTED -> RunnerNodeException.interrupted(problem.route());
            default ->
                problem.retryable()
                        ? LeaseException.unavailable(problem.route() + ": " + problem.message())
                        : new RemoteServiceException(problem.status(), problem.toEnvelope(), problem.route());
        };
    }

    /** Aborts calls in flight and releases the HTTP client. */
    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "RemoteLeaseService[" + http.options().serverUrl() + "]";
    }
}
