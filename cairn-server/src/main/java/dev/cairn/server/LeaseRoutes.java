package dev.cairn.server;

import dev.cairn.contracts.api.CompletionBatch;
import dev.cairn.contracts.api.CompletionRequest;
import dev.cairn.contracts.api.CompletionResults;
import dev.cairn.contracts.api.InlineOutput;
import dev.cairn.contracts.api.LeaseBatch;
import dev.cairn.json.ArtifactIds;
import dev.cairn.orchestrator.api.Orchestrator;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.LeaseService;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The lease API of remote runner nodes: {@link LeaseService} over HTTP. The task id of a
 * heartbeat's or completion's path must be the one of its body's lease; {@code POST
 * /v1/leases/complete} takes a batch of completions and answers each. An acquire waits up to its
 * {@code max_wait} for work (long poll); a stopping server cuts that wait short and answers 503
 * {@code shutting_down}, which a node retries elsewhere or later.
 *
 * <p>Both completion routes take the bytes of small outputs inline ({@link InlineOutput}, declared
 * by the query parameter {@value #INLINE_OUTPUTS}, which older servers refuse): each is checked
 * against its id (400 {@code digest_mismatch}, nothing stored nor recorded), all are stored and
 * made durable with one flush ({@link Orchestrator#storeOutputs}), and only then are the
 * completions recorded (P1: a completion is never acknowledged while an output it names could be
 * lost). They are readable ({@code GET /v1/artifacts/{id}}) before the answer leaves.
 */
final class LeaseRoutes {

    /** The query parameter of the completion routes that declares inline outputs in the body. */
    static final String INLINE_OUTPUTS = "inline_outputs";

    private static final Set<String> COMPLETE_QUERY = Set.of(INLINE_OUTPUTS);

    private final Orchestrator orchestrator;
    private final Lifecycle lifecycle;

    LeaseRoutes(Orchestrator orchestrator, Lifecycle lifecycle) {
        this.orchestrator = orchestrator;
        this.lifecycle = lifecycle;
    }

    void register(Router router) {
        router.add("POST", "/v1/leases/acquire", Access.RUNNER, this::acquire);
        router.add("POST", "/v1/leases/complete", Access.RUNNER, this::completeBatch);
        router.add("POST", "/v1/leases/{taskId}/heartbeat", Access.RUNNER, this::heartbeat);
        router.add("POST", "/v1/leases/{taskId}/complete", Access.RUNNER, this::complete);
    }

    private void acquire(Exchange ex) throws Exception {
        ex.noQuery();
        AcquireRequest request = ex.readJson(AcquireRequest.class);
        LeaseBatch batch;
        lifecycle.waiting();
        try {
            batch = new LeaseBatch(orchestrator.leases().acquire(request));
        } catch (RuntimeException e) {
            if (lifecycle.stopping()) {
                throw ServerException.shuttingDown(); // the wait was cut short by the server, not the store
            }
            throw e;
        } finally {
            lifecycle.doneWaiting();
        }
        if (lifecycle.stopping() && batch.leases().isEmpty()) {
            throw ServerException.shuttingDown();
        }
        ex.json(200, batch);
    }

    private void heartbeat(Exchange ex) throws Exception {
        ex.noQuery();
        UUID taskId = taskId(ex);
        Heartbeat heartbeat = ex.readJson(Heartbeat.class);
        sameTask(taskId, heartbeat.lease());
        ex.json(200, orchestrator.leases().heartbeat(heartbeat));
    }

    private void complete(Exchange ex) throws Exception {
        ex.query(COMPLETE_QUERY).bool(INLINE_OUTPUTS, false);
        UUID taskId = taskId(ex);
        CompletionRequest request = ex.readJson(CompletionRequest.class);
        sameTask(taskId, request.lease());
        storeInline(request.inlineOutputs());
        orchestrator.leases().complete(request.completion());
        ex.empty(204);
    }

    /**
     * {@code POST /v1/leases/complete}: records the batch in one write transaction and answers each
     * completion on its own ({@code done}, {@code stale_lease}, {@code unknown_task}); a failure of
     * the whole batch is answered as a single completion's would be (503 when retryable).
     */
    private void completeBatch(Exchange ex) throws Exception {
        ex.query(COMPLETE_QUERY).bool(INLINE_OUTPUTS, false);
        CompletionBatch batch = ex.readJson(CompletionBatch.class);
        storeInline(batch.inlineOutputs());
        ex.json(200, new CompletionResults(orchestrator.leases().complete(batch.completions())));
    }

    /**
     * Checks every output against its id first (so that a bad one stores nothing), then has the
     * orchestrator store them durably: one flush for the request, not one per blob.
     */
    private void storeInline(List<InlineOutput> outputs) {
        if (outputs.isEmpty()) {
            return;
        }
        for (int i = 0; i < outputs.size(); i++) {
            InlineOutput output = outputs.get(i);
            String actual = ArtifactIds.ofBytes(output.content());
            if (!actual.equals(output.artifactId())) {
                throw ServerException.inlineOutputMismatch(i, output.artifactId(), actual);
            }
        }
        orchestrator.storeOutputs(outputs.stream().map(InlineOutput::content).toList());
    }

    private static UUID taskId(Exchange ex) {
        String text = ex.param("taskId");
        try {
            UUID id = UUID.fromString(text);
            if (id.toString().equalsIgnoreCase(text)) {
                return id;
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw ServerException.invalidParameter(
                "taskId", "must be a task id (a UUID), got `" + ServerException.shorten(text) + "`");
    }

    private static void sameTask(UUID inPath, LeaseRef lease) {
        if (!inPath.equals(lease.taskId())) {
            throw ServerException.taskIdMismatch(
                    inPath.toString(), lease.taskId().toString());
        }
    }
}
