package dev.cairn.runner.api.lease;

import java.util.Objects;

/** Reports how the task of {@code lease} ended. */
public record Completion(LeaseRef lease, TaskOutcome outcome) {

    public Completion {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(outcome, "outcome");
    }
}
