package dev.cairn.runner.node.remote;

import dev.cairn.contracts.api.CompletionBatch;
import dev.cairn.contracts.api.CompletionResults;
import dev.cairn.contracts.api.LeaseBatch;
import dev.cairn.json.wire.Wire;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.CompletionResult;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.HeartbeatAnswer;
import dev.cairn.runner.api.lease.LeaseException;
import dev.cairn.runner.api.lease.LeaseService;
import dev.cairn.runner.node.RunnerNodeException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LeaseService} over the server's lease routes ({@code docs/http-api.md}, "Leases"), with the
 * bearer runner token:
 *
 * <ul>
 *   <li>{@code POST /v1/leases/acquire} ({@code AcquireRequest} → {@code LeaseBatch}); the request
 *       may take {@code max_wait} on top of the request timeout; retried only when no connection
 *       could be made, since a lost answer's leases simply expire.
 *   <li>{@code POST /v1/leases/{taskId}/heartbeat} ({@code Heartbeat} → {@code HeartbeatAnswer}),
 *       retried on retryable failures: it is idempotent for one epoch.
 *   <li>{@code POST /v1/leases/complete} ({@code CompletionBatch} → {@code CompletionResults}),
 *       retried on retryable failures: each completion is idempotent for its epoch. {@link
 *       #complete(Completion)} goes through a {@link CompletionBatcher}: the completions of the
 *       node's tasks that end while one batch is in flight leave together in the next request,
 *       and each caller gets its own answer. A server without the batch route (404 {@code
 *       not_found}, an older Cairn) is sent each completion on its own, {@code POST
 *       /v1/leases/{taskId}/complete} ({@code Completion} → 204), from then on.
 * </ul>
 *
 * <p>Errors: {@code stale_lease} and {@code unknown_task} are {@link LeaseException}s with the
 * server's message; a retryable failure that outlasts the retries (server unreachable, 503) is
 * {@link LeaseException#unavailable(String) lease_service_unavailable}; any other envelope is a
 * {@link RemoteServiceException} with its code ({@code unauthenticated}, {@code forbidden}, ...).
 */
public final class RemoteLeaseService implements LeaseService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteLeaseService.class);
    private static final String JSON = "application/json; charset=utf-8";
    private static final String BATCH_PATH = "v1/leases/complete";
    private static final String BATCH_ROUTE = "POST /" + BATCH_PATH;

    private final HttpTransport http;
    private final CompletionBatcher completions;
    /** False once the server said it has no batch route: completions go one by one. */
    private volatile boolean batchRoute = true;

    RemoteLeaseService(HttpTransport http) {
        this.http = http;
        this.completions = new CompletionBatcher(this::complete, CompletionBatch.MAX_COMPLETIONS, BATCH_ROUTE);
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

    /**
     * Sends {@code completion} with the next batch of this node's completions and waits for its own
     * answer ({@link CompletionBatcher}).
     */
    @Override
    public void complete(Completion completion) {
        completions.complete(Objects.requireNonNull(completion, "completion"));
    }

    /**
     * Sends {@code completions} in requests of at most {@value CompletionBatch#MAX_COMPLETIONS} and
     * answers each.
     */
    @Override
    public List<CompletionResult> complete(List<Completion> completions) {
        Objects.requireNonNull(completions, "completions");
        List<CompletionResult> results = new ArrayList<>(completions.size());
        for (int from = 0; from < completions.size(); from += CompletionBatch.MAX_COMPLETIONS) {
            List<Completion> part =
                    completions.subList(from, Math.min(completions.size(), from + CompletionBatch.MAX_COMPLETIONS));
            results.addAll(batchRoute ? sendBatch(part) : sendOneByOne(part));
        }
        return results;
    }

    /** How many completions wait for the next batch request; for tests. */
    int queuedCompletions() {
        return completions.queued();
    }

    private List<CompletionResult> sendBatch(List<Completion> batch) {
        byte[] body = Wire.writeBytes(new CompletionBatch(batch));
        HttpResponse<byte[]> response;
        try {
            response = post(BATCH_ROUTE, BATCH_PATH, body);
        } catch (RemoteServiceException e) {
            if (e.status() == 404 && "not_found".equals(e.code())) {
                batchRoute = false;
                LOG.info("the server has no {} (an older Cairn); sending completions one by one", BATCH_ROUTE);
                return sendOneByOne(batch);
            }
            throw e;
        }
        List<CompletionResult> results = http.read(
                        BATCH_ROUTE, response.body(), CompletionResults.class, RemoteLeaseService::failed)
                .results();
        for (int i = 0; i < Math.max(batch.size(), results.size()); i++) {
            if (i >= results.size()
                    || i >= batch.size()
                    || !results.get(i).lease().equals(batch.get(i).lease())) {
                throw failed(new HttpTransport.Problem(
                        BATCH_ROUTE,
                        response.statusCode(),
                        "invalid_response",
                        BATCH_ROUTE + " answered " + results.size() + " results that do not match the " + batch.size()
                                + " completions sent",
                        false,
                        "Check that the server and this node run the same Cairn version.",
                        Optional.empty(),
                        null));
            }
        }
        return results;
    }

    private List<CompletionResult> sendOneByOne(List<Completion> batch) {
        return LeaseService.oneByOne(batch, completion -> {
            String path = "v1/leases/" + completion.lease().taskId() + "/complete";
            post("POST /" + path, path, Wire.writeBytes(completion));
        });
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
