package dev.cairn.runner.api.lease;

import dev.cairn.runner.api.LeaseEnvelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where a runner node takes its work. Blocking methods, meant for virtual threads; thread-safe.
 * The orchestrator implements it in process; a remote node uses an HTTP client of the same
 * interface. Fencing rules are in the package documentation.
 */
public interface LeaseService {

    /**
     * Grants up to {@code request.max()} leases, waiting up to {@code request.maxWait()} when no task
     * is ready. Each lease's {@code task.attempts} is its epoch and {@code lease_expires_at} its
     * deadline; an empty list means no work arrived in time.
     */
    List<LeaseEnvelope> acquire(AcquireRequest request);

    /**
     * Renews the lease and stores the relayed progress and log lines.
     *
     * @throws LeaseException {@code stale_lease} when the epoch is not current, {@code
     *     unknown_task} when there is no such task
     */
    HeartbeatAnswer heartbeat(Heartbeat heartbeat);

    /**
     * Records the task's outcome and ends the lease. Repeating the same completion for the same
     * epoch is harmless; a completion for a stale epoch is refused.
     *
     * @throws LeaseException {@code stale_lease}, {@code unknown_task}
     */
    void complete(Completion completion);

    /**
     * Records several completions, each answered on its own and in order: {@link
     * CompletionStatus#DONE done}, or refused with {@code stale_lease} or {@code unknown_task}
     * exactly when {@link #complete(Completion)} would have refused it, so that one stale epoch does
     * not fail the others. Each is idempotent for its epoch, as a single completion is.
     *
     * <p>The default completes them one by one; an implementation may record them all at once (the
     * orchestrator's queue does, in one write transaction, and a remote node sends them in one
     * request).
     *
     * @return one result per completion, in the same order
     * @throws LeaseException {@code lease_service_unavailable} when the batch could not be recorded
     *     (some of it may have been): send it again, each completion is idempotent for its epoch
     */
    default List<CompletionResult> complete(List<Completion> completions) {
        return oneByOne(completions, this::complete);
    }

    /**
     * Completes {@code completions} one at a time through {@code single} (a {@link
     * #complete(Completion)} that throws a refusal as a {@link LeaseException}), answering each as
     * {@link #complete(List)} does: a refusal is that item's result, a retryable failure fails the
     * whole batch.
     */
    static List<CompletionResult> oneByOne(List<Completion> completions, Consumer<Completion> single) {
        Objects.requireNonNull(completions, "completions");
        Objects.requireNonNull(single, "single");
        List<CompletionResult> results = new ArrayList<>(completions.size());
        for (Completion completion : completions) {
            try {
                single.accept(completion);
                results.add(CompletionResult.done(completion.lease()));
            } catch (LeaseException e) {
                if (e.retryable()) {
                    throw e;
                }
                results.add(CompletionResult.refused(completion.lease(), e));
            }
        }
        return results;
    }
}
