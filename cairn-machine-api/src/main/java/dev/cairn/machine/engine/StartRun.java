package dev.cairn.machine.engine;

import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.config.RunManifest;
import dev.cairn.machine.context.DynContext;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.plan.ExecutionPlan;
import java.util.Objects;
import java.util.Optional;

/**
 * Seed {@code engine::StartRun}: everything the engine needs to start a run. Above this type is
 * planning and orchestration; below it, execution and persistence. Not a wire type.
 *
 * <p>The engine checks the inputs agree before anything is persisted: {@code manifest_id} is the
 * SHA-256 of the manifest's canonical JSON, {@code plan.op_id} equals {@code manifest.op_id}, and
 * {@code run_config} equals {@code manifest.run_config} (failures are {@code RunError.InvalidPlan}).
 * The engine then stores the manifest itself (idempotently), so the caller need not have.
 *
 * @param manifest the run's manifest
 * @param manifestId its content-addressed id
 * @param plan the plan derived from the manifest
 * @param runConfig the effective run configuration
 * @param initialContext the context the run starts from; the engine snapshots it and owns it
 *     afterwards
 * @param runId Cairn addition: the id the run must have. When empty the engine draws one from its
 *     random port. A caller-chosen id lets an orchestrator know the run before {@code start} returns
 *     (it blocks until the run ends) and makes starting idempotent: if a run with this id already has
 *     events, {@code start} fails with {@code RunError.Storage(Concurrency)} and changes nothing
 */
public record StartRun(
        RunManifest manifest,
        ArtifactId manifestId,
        ExecutionPlan plan,
        RunConfig runConfig,
        DynContext initialContext,
        Optional<RunId> runId) {

    public StartRun {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(manifestId, "manifest_id");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(runConfig, "run_config");
        Objects.requireNonNull(initialContext, "initial_context");
        Objects.requireNonNull(runId, "run_id");
    }

    /** The seed's five inputs; the engine chooses the run id. */
    public StartRun(
            RunManifest manifest,
            ArtifactId manifestId,
            ExecutionPlan plan,
            RunConfig runConfig,
            DynContext initialContext) {
        this(manifest, manifestId, plan, runConfig, initialContext, Optional.empty());
    }

    /** These inputs with the run id chosen by the caller. */
    public StartRun withRunId(RunId id) {
        return new StartRun(manifest, manifestId, plan, runConfig, initialContext, Optional.of(id));
    }
}
