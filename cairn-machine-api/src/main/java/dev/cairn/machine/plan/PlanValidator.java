package dev.cairn.machine.plan;

/**
 * Seed {@code plan::PlanValidator}: rejects malformed plans before a run starts, fail-fast.
 * Typical rules: unique state ids, every edge between existing states, no cycles. Implementations
 * must be safe to share between threads.
 */
@FunctionalInterface
public interface PlanValidator {

    /**
     * Validates {@code plan}; returns normally when it is well formed.
     *
     * @throws PlanValidationException the first problem found
     */
    void validate(ExecutionPlan plan) throws PlanValidationException;
}
