package dev.cairn.runner.api.lease;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer to one completion of a batch ({@link LeaseService#complete(java.util.List)}): each
 * completion is answered on its own, so that one stale epoch does not fail the others.
 *
 * @param lease the lease the completion spoke for
 * @param status whether it was recorded, or why it was refused
 * @param message what the refusal says (as the {@link LeaseException} of a single completion); absent
 *     when {@link CompletionStatus#DONE done}
 * @param hint what to do about the refusal; absent when done
 */
public record CompletionResult(
        LeaseRef lease, CompletionStatus status, Optional<String> message, Optional<String> hint) {

    public CompletionResult {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(status, "status");
        message = message == null ? Optional.empty() : message;
        hint = hint == null ? Optional.empty() : hint;
    }

    /** The completion of {@code lease} was recorded. */
    public static CompletionResult done(LeaseRef lease) {
        return new CompletionResult(lease, CompletionStatus.DONE, Optional.empty(), Optional.empty());
    }

    /**
     * The completion of {@code lease} was refused with {@code refusal} ({@code stale_lease} or {@code
     * unknown_task}).
     *
     * @throws IllegalArgumentException if {@code refusal} is not one of those (e.g. {@code
     *     lease_service_unavailable}, which fails a whole batch, not one completion)
     */
    public static CompletionResult refused(LeaseRef lease, LeaseException refusal) {
        CompletionStatus status =
                switch (refusal.code()) {
                    case LeaseException.STALE_LEASE -> CompletionStatus.STALE_LEASE;
                    case LeaseException.UNKNOWN_TASK -> CompletionStatus.UNKNOWN_TASK;
                    default -> throw new IllegalArgumentException("not a refusal of one completion: " + refusal.code());
                };
        return new CompletionResult(
                lease, status, Optional.ofNullable(refusal.getMessage()), Optional.ofNullable(refusal.hint()));
    }

    /** The {@link LeaseException} a single completion would have thrown; empty when done. */
    public Optional<LeaseException> refusal() {
        if (status == CompletionStatus.DONE) {
            return Optional.empty();
        }
        return Optional.of(LeaseException.fromCode(
                status.code(), message.orElse(status.code() + " for task " + lease.taskId()), hint.orElse("")));
    }
}
