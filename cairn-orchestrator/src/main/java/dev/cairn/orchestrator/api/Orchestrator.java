package dev.cairn.orchestrator.api;

import dev.cairn.contracts.RunRequest;
import dev.cairn.contracts.RunStatus;
import dev.cairn.contracts.RunSummary;
import dev.cairn.contracts.SubmitRunResponse;
import dev.cairn.contracts.api.LogPage;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.contracts.api.ReplayResult;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.RunPage;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.runner.api.lease.LeaseService;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Cairn's orchestrator: accepts runs, drives them on the durable kernel, routes their tasks to
 * runner nodes through leases, and answers what users ask about them.
 *
 * <p>All methods block (virtual threads) and are thread-safe. Failures are {@link
 * dev.cairn.json.CodedError}s with stable codes, which the HTTP layer maps to statuses: {@code
 * run_not_found} (404), {@code invalid_spec} and the wire/validation codes (400), {@code
 * run_not_resumable} (409), retryable ones (503). Nothing is acknowledged (returned) before it is
 * durable (P1): a returned run id is a run that exists after a crash.
 *
 * <p>Run ids are the kernel's run ids (UUIDs) as strings.
 */
public interface Orchestrator extends AutoCloseable {

    /**
     * Seed 003 {@code POST /run}: runs the named runners (each a capability, once per region when a
     * region is given) as the steps of one run.
     */
    SubmitRunResponse submit(RunRequest request);

    /** {@code POST /v1/pipelines/run}: validates the spec and params and starts the pipeline. */
    SubmitRunResponse submitPipeline(PipelineRunRequest request);

    /** Seed 003 {@code GET /run/{runId}/status}. */
    RunStatus status(String runId);

    /** Seed 003 {@code GET /run/{runId}}: results per job (step and region). */
    RunSummary summary(String runId);

    /** {@code GET /v1/runs}: runs, newest first, paged. */
    RunPage runs(RunQuery query);

    /** {@code GET /v1/runs/{runId}}: the run and each step's state, attempt, timing and log tail. */
    RunDetail detail(String runId);

    /**
     * {@code POST /v1/runs/{runId}/cancel}: asks the run to stop; running tasks learn it from their
     * next heartbeat. Cancelling a finished run changes nothing. Returns the status after the
     * request was recorded.
     */
    RunStatus cancel(String runId);

    /**
     * {@code POST /v1/runs/{runId}/resume}: continues a run that stopped without finishing (its
     * orchestrator crashed), from its last checkpoint. A running or finished run is left as is.
     */
    RunStatus resume(String runId);

    /** {@code POST /v1/runs/{runId}/replay}: replays the run offline from its facts and verifies it. */
    ReplayResult replay(String runId);

    /**
     * The run's events with {@code seq > afterSeq}, at most {@code limit}, waiting up to {@code
     * wait} for the first one when there is none yet (for server-sent events and {@code --follow}).
     * Only durable events are returned.
     */
    List<EventEnvelope> events(String runId, long afterSeq, int limit, Duration wait);

    /**
     * Log lines of the run (of one step when {@code stepId} is given) after {@code afterCursor},
     * waiting up to {@code wait} for the first one.
     */
    LogPage logs(String runId, Optional<String> stepId, long afterCursor, int limit, Duration wait);

    /** Where runner nodes take tasks (in process, or behind {@code /v1/leases}). */
    LeaseService leases();

    /** The content-addressed store of inputs, outputs and snapshots. */
    ArtifactStore artifacts();

    /**
     * Stores a remote node's inline outputs (their ids already checked) so that they are durable
     * before the completion that names them is recorded through {@link #leases()}. By default each
     * is a deferred put and the whole store is synced once.
     */
    default void storeOutputs(List<byte[]> contents) {
        ArtifactStore store = artifacts();
        for (byte[] content : contents) {
            store.putDeferred(new ArtifactKind.Output(), content);
        }
        store.sync();
    }

    /** Stops accepting runs, lets running ones reach a durable point, and closes the stores. */
    @Override
    void close();
}
