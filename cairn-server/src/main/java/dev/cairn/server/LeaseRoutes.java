package dev.cairn.server;

import dev.cairn.contracts.api.CompletionBatch;
import dev.cairn.contracts.api.CompletionResults;
import dev.cairn.contracts.api.LeaseBatch;
import dev.cairn.orchestrator.api.Orchestrator;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.LeaseService;
import java.util.UUID;

/**
 * The lease API of remote runner nodes: {@link LeaseService} over HTTP. The task id of a
 * heartbeat's or completion's path must be the one of its body's lease; {@code POST
 * /v1/leases/complete} takes a batch of completions and answers each. An acquire waits up to its
 * {@code max_wait} for work (long poll); a stopping server cuts that wait short and answers 503
 * {@code shutting_down}, which a node retries elsewhere or later.
 */
final class LeaseRoutes {

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
        ex.noQuery();
        UUID taskId = taskId(ex);
        Completion completion = ex.readJson(Completion.class);
        sameTask(taskId, completion.lease());
        orchestrator.leases().complete(completion);
        ex.empty(204);
    }

    /**
     * {@code POST /v1/leases/complete}: records the batch in one write transaction and answers each
     * completion on its own ({@code done}, {@code stale_lease}, {@code unknown_task}); a failure of
     * the whole batch is answered as a single completion's would be (503 when retryable).
     */
    private void completeBatch(Exchange ex) throws Exception {
        ex.noQuery();
        CompletionBatch batch = ex.readJson(CompletionBatch.class);
        ex.json(200, new CompletionResults(orchestrator.leases().complete(batch.completions())));
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
