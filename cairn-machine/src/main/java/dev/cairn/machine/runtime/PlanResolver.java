package dev.cairn.machine.runtime;

import dev.cairn.machine.config.RunManifest;
import dev.cairn.machine.plan.ExecutionPlan;

/**
 * Derives a run's plan from its manifest again, for {@code resume} and {@code replay} (a plan holds
 * code, so it is not stored; the manifest is). Must return a plan equivalent to the one the run
 * started with: same state ids, edges and metadata. Thread-safe.
 */
@FunctionalInterface
public interface PlanResolver {

    /** The plan of {@code manifest}'s operation and version. */
    ExecutionPlan resolve(RunManifest manifest);
}
