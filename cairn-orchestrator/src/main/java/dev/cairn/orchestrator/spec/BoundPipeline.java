package dev.cairn.orchestrator.spec;

import dev.cairn.machine.config.BuildProvenance;
import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.config.RunManifest;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A pipeline with its params bound: what one run executes. Made by {@link SpecDocument#bind}.
 *
 * @param spec the pipeline as written
 * @param params every param's value
 * @param env the pipeline-level environment, substituted
 * @param steps the steps, substituted, in the spec's order
 * @param export the export section, substituted
 */
public record BoundPipeline(
        PipelineSpec spec,
        ParamValues params,
        SortedMap<String, String> env,
        List<CompiledStep> steps,
        ExportSpec export) {

    public BoundPipeline {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(params, "params");
        env = Collections.unmodifiableSortedMap(new TreeMap<>(env));
        steps = List.copyOf(steps);
        Objects.requireNonNull(export, "export");
    }

    /**
     * The run manifest: op id and version, the params as {@code input_params} (secrets never are
     * params), the run config, and {@code build}.
     */
    public RunManifest manifest(BuildProvenance build) {
        return new RunManifest(spec.op(), spec.version(), params.toJson(), runConfig(), build);
    }

    /** {@link PipelineSpec#toRunConfig()}. */
    public RunConfig runConfig() {
        return spec.toRunConfig();
    }

    /** The step with this id. */
    public Optional<CompiledStep> step(String id) {
        return steps.stream().filter(s -> s.id().equals(id)).findFirst();
    }
}
