package dev.cairn.runner.node.remote;

import dev.cairn.client.http.DirectHttp;
import dev.cairn.contracts.api.CompletionBatch;
import dev.cairn.contracts.api.CompletionResults;
import dev.cairn.contracts.api.InlineOutput;
import dev.cairn.contracts.api.LeaseBatch;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.CompletionResult;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.HeartbeatAnswer;
import dev.cairn.runner.api.lease.LeaseException;
import dev.cairn.runner.api.lease.LeaseService;
import dev.cairn.runner.node.LongPollLeaseService;
import dev.cairn.runner.node.OutputCarrier;
import dev.cairn.runner.node.RunnerNodeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
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
 *       /v1/leases/{taskId}/complete} ({@code Completion} → 204), for {@link #RETRY_REFUSED}; then
 *       a batch tries again, so that an upgraded server is noticed without a restart.
 *   <li>Inline outputs ({@link OutputCarrier}): a batch carries the bytes of the small outputs its
 *       completions name ({@code inline_outputs}), declared by the query parameter {@code
 *       inline_outputs=true}. A server that refuses the parameter (400 {@code unknown_parameter},
 *       a Cairn from before inline outputs, which would otherwise ignore the field) or has no batch
 *       route gets them uploaded first ({@code POST /v1/artifacts}) and the completions without
 *       them, for {@link #RETRY_REFUSED} ({@link #carriesOutputs()} is false meanwhile), and
 *       then again inline. Outputs the server acknowledged
 *       are kept in the artifact store's cache of recent blobs: a later task of this node that takes
 *       one as input asks the server nothing.
 * </ul>
 *
 * <p>Errors: {@code stale_lease} and {@code unknown_task} are {@link LeaseException}s with the
 * server's message; a retryable failure that outlasts the retries (server unreachable, 503) is
 * {@link LeaseException#unavailable(String) lease_service_unavailable}; any other envelope is a
 * {@link RemoteServiceException} with its code ({@code unauthenticated}, {@code forbidden}, ...).
 */
public final class RemoteLeaseService implements OutputCarrier, LongPollLeaseService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteLeaseService.class);
    private static final String BATCH_PATH = "v1/leases/complete";
    private static final String BATCH_ROUTE = "POST /" + BATCH_PATH;
    private static final String INLINE_QUERY = "?inline_outputs=true";

    /**
     * How long a refused feature (the batch route, inline outputs) goes unused before a request tries
     * it again: the server may have been upgraded meanwhile, and a worker should not need a restart to
     * notice. A refusal costs one request, at most once per this interval.
     */
    static final Duration RETRY_REFUSED = Duration.ofMinutes(10);

    private final HttpTransport http;
    private final RemoteArtifactStore artifacts;
    private final CompletionBatcher completions;
    private final LongSupplier nanoTime;
    /** The server said it has no batch route: completions go one by one until this passes. */
    private final Refusal batchRoute = new Refusal();
    /** The server refused inline outputs: they are uploaded until this passes. */
    private final Refusal inlineOutputs = new Refusal();

    RemoteLeaseService(HttpTransport http) {
        this(http, new RemoteArtifactStore(http), System::nanoTime);
    }

    /**
     * A client that uploads inline outputs through {@code artifacts} when the server cannot take them,
     * timing refusals ({@link #RETRY_REFUSED}) with {@code nanoTime}.
     */
    RemoteLeaseService(HttpTransport http, RemoteArtifactStore artifacts, LongSupplier nanoTime) {
        this.http = http;
        this.artifacts = artifacts;
        this.nanoTime = nanoTime;
        this.completions = new CompletionBatcher(this::send, CompletionBatch.MAX_COMPLETIONS, BATCH_ROUTE);
    }

    /** Whether the server refused a feature, and until when that refusal stands. */
    private final class Refusal {
        /** When the feature may be tried again ({@code nanoTime}); null while it was never refused. */
        private volatile Long until;

        void refuse() {
            until = nanoTime.getAsLong() + RETRY_REFUSED.toNanos();
        }

        /** Whether the feature may be used: never refused, or refused long enough ago to try again. */
        boolean usable() {
            Long tryAgain = until;
            return tryAgain == null || nanoTime.getAsLong() - tryAgain >= 0;
        }
    }

    /** A client of the server at {@code options.serverUrl()}. */
    public static RemoteLeaseService create(RemoteClientOptions options) {
        return new RemoteLeaseService(new HttpTransport(Objects.requireNonNull(options, "options")));
    }

    @Override
    public List<LeaseEnvelope> acquire(AcquireRequest request) {
        String route = "POST /v1/leases/acquire";
        byte[] body = Wire.writeBytes(Objects.requireNonNull(request, "request"));
        DirectHttp.Answer answer = http.call(
                route,
                "POST",
                "v1/leases/acquire",
                Optional.of(body),
                http.options().requestTimeout().plus(request.maxWait()),
                HttpTransport.Retry.CONNECT_ONLY,
                RemoteLeaseService::failed);
        return http.read(route, answer.body(), LeaseBatch.class, RemoteLeaseService::failed)
                .leases();
    }

    /** Ends the acquire {@code thread} waits in, as an interrupt does on a virtual thread. */
    @Override
    public void interruptAcquire(Thread thread) {
        DirectHttp.interrupt(thread);
    }

    @Override
    public HeartbeatAnswer heartbeat(Heartbeat heartbeat) {
        String path = "v1/leases/" + heartbeat.lease().taskId() + "/heartbeat";
        String route = "POST /" + path;
        DirectHttp.Answer answer = post(route, path, Wire.writeBytes(heartbeat));
        return http.read(route, answer.body(), HeartbeatAnswer.class, RemoteLeaseService::failed);
    }

    /**
     * Sends {@code completion} with the next batch of this node's completions and waits for its own
     * answer ({@link CompletionBatcher}).
     */
    @Override
    public void complete(Completion completion) {
        completions.complete(Objects.requireNonNull(completion, "completion"));
    }

    @Override
    public boolean carriesOutputs() {
        return inlineOutputs.usable() && batchRoute.usable();
    }

    /**
     * Sends {@code completion} and the bytes of {@code outputs} with the next batch and waits for its
     * own answer; when the server cannot take them inline they are uploaded first.
     */
    @Override
    public void complete(Completion completion, List<InlineOutput> outputs) {
        completions.complete(Objects.requireNonNull(completion, "completion"), outputs);
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
            results.addAll(send(part, List.of()));
        }
        return results;
    }

    /** Sends at most one request's worth of completions with the inline outputs they name. */
    private List<CompletionResult> send(List<Completion> batch, List<InlineOutput> inline) {
        if (!batchRoute.usable()) {
            upload(inline);
            return sendOneByOne(batch);
        }
        if (!inline.isEmpty() && !inlineOutputs.usable()) {
            upload(inline);
            return sendBatch(batch, List.of());
        }
        return sendBatch(batch, inline);
    }

    /** Uploads {@code inline} ({@code POST /v1/artifacts}, retried): what a server without inline outputs needs. */
    private void upload(List<InlineOutput> inline) {
        for (InlineOutput output : inline) {
            artifacts.put(new ArtifactKind.Output(), output.content());
        }
    }

    /** How many completions wait for the next batch request; for tests. */
    int queuedCompletions() {
        return completions.queued();
    }

    private List<CompletionResult> sendBatch(List<Completion> batch, List<InlineOutput> inline) {
        byte[] body = Wire.writeBytes(new CompletionBatch(batch, inline));
        DirectHttp.Answer response;
        try {
            response = post(BATCH_ROUTE, inline.isEmpty() ? BATCH_PATH : BATCH_PATH + INLINE_QUERY, body);
        } catch (RemoteServiceException e) {
            if (e.status() == 404 && "not_found".equals(e.code())) {
                batchRoute.refuse();
                LOG.info(
                        "the server has no {} (an older Cairn); sending completions one by one for {}",
                        BATCH_ROUTE,
                        RETRY_REFUSED);
                upload(inline);
                return sendOneByOne(batch);
            }
            if (!inline.isEmpty() && e.status() == 400 && "unknown_parameter".equals(e.code())) {
                inlineOutputs.refuse();
                LOG.info(
                        "the server does not take outputs inline with completions (an older Cairn); uploading them"
                                + " for {}",
                        RETRY_REFUSED);
                upload(inline);
                return sendBatch(batch, List.of());
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
                        response.status(),
                        "invalid_response",
                        BATCH_ROUTE + " answered " + results.size() + " results that do not match the " + batch.size()
                                + " completions sent",
                        false,
                        "Check that the server and this node run the same Cairn version.",
                        Optional.empty(),
                        null));
            }
        }
        for (InlineOutput output : inline) { // durable on the server now, and verified here
            artifacts.remember(new ArtifactId(output.artifactId()), output.content());
        }
        return results;
    }

    private List<CompletionResult> sendOneByOne(List<Completion> batch) {
        return LeaseService.oneByOne(batch, completion -> {
            String path = "v1/leases/" + completion.lease().taskId() + "/complete";
            post("POST /" + path, path, Wire.writeBytes(completion));
        });
    }

    private DirectHttp.Answer post(String route, String path, byte[] body) {
        return http.call(
                route,
                "POST",
                path,
                Optional.of(body),
                http.options().requestTimeout(),
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
