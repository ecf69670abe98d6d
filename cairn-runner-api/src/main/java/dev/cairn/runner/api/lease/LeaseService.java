package dev.cairn.runner.api.lease;

import dev.cairn.runner.api.LeaseEnvelope;
import java.util.List;

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
}
