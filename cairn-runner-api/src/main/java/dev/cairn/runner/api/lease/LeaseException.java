package dev.cairn.runner.api.lease;

import dev.cairn.runner.api.RunnerException;

/** A refused lease operation. Codes: {@value #STALE_LEASE}, {@value #UNKNOWN_TASK}, {@value #UNAVAILABLE}. */
public final class LeaseException extends RunnerException {

    private static final long serialVersionUID = 1L;

    /** The lease's epoch is no longer the task's current one (it expired and was granted again). */
    public static final String STALE_LEASE = "stale_lease";

    /** No such task. */
    public static final String UNKNOWN_TASK = "unknown_task";

    /** The orchestrator cannot be reached or is shutting down; retryable. */
    public static final String UNAVAILABLE = "lease_service_unavailable";

    private LeaseException(String code, String message, boolean retryable, String hint) {
        super(code, message, retryable, hint, null);
    }

    public static LeaseException stale(LeaseRef lease, long currentEpoch) {
        return new LeaseException(
                STALE_LEASE,
                "lease epoch " + lease.epoch() + " of task " + lease.taskId() + " is stale (current epoch "
                        + currentEpoch + ")",
                false,
                "The lease expired and the task was given to another worker; drop this task's work.");
    }

    public static LeaseException unknownTask(LeaseRef lease) {
        return new LeaseException(
                UNKNOWN_TASK, "no task " + lease.taskId(), false, "The task id is wrong or the task was removed.");
    }

    public static LeaseException unavailable(String message) {
        return new LeaseException(UNAVAILABLE, message, true, "Retry with backoff.");
    }

    /**
     * The refusal a remote lease service reported with {@code code} (one of this class's codes)
     * and its own message and hint, e.g. a {@code stale_lease} answer of {@code POST
     * /v1/leases/{taskId}/heartbeat}. Retryable exactly when {@code code} is {@value #UNAVAILABLE}.
     *
     * @throws IllegalArgumentException if {@code code} is not one of this class's codes
     */
    public static LeaseException fromCode(String code, String message, String hint) {
        if (!STALE_LEASE.equals(code) && !UNKNOWN_TASK.equals(code) && !UNAVAILABLE.equals(code)) {
            throw new IllegalArgumentException("not a lease refusal code: " + code);
        }
        return new LeaseException(code, message, UNAVAILABLE.equals(code), hint);
    }
}
