package dev.cairn.contracts.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.wire.WireDefault;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The body of {@code POST /v1/pipelines/run}: a pipeline spec (as JSON; clients convert YAML) with
 * its parameter values.
 *
 * <p>Local inputs ({@code inputs: [{path: ...}]}) are the client's business: before submitting, it
 * uploads them to the artifact store and rewrites them as artifact inputs, so the server never
 * reads a client's paths.
 *
 * @param spec the pipeline document
 * @param params {@code --param k=v} values, type-checked against the spec's declarations
 * @param dryRun skip the states tagged {@code apply_side_effect} (Cairn's dry run)
 * @param runId the id to give the run (a UUID); generated when absent; submitting the same id
 *     twice with the same request returns the existing run
 */
public record PipelineRunRequest(
        JsonNode spec,
        @WireDefault SortedMap<String, String> params,
        @WireDefault Boolean dryRun,
        Optional<String> runId) {

    public PipelineRunRequest {
        Objects.requireNonNull(spec, "spec");
        params = params == null ? new TreeMap<>() : new TreeMap<>(params);
        dryRun = dryRun != null && dryRun;
        Objects.requireNonNull(runId, "run_id");
    }

    public static PipelineRunRequest of(JsonNode spec, Map<String, String> params) {
        return new PipelineRunRequest(spec, new TreeMap<>(params), false, Optional.empty());
    }
}
