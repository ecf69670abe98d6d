package dev.cairn.contracts.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.contracts.ContractException;
import dev.cairn.json.wire.DenyUnknownFields;
import dev.cairn.json.wire.WireDefault;
import dev.cairn.json.wire.WirePattern;
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
 *
 * <p>Unknown fields are refused, so that a misspelt option ({@code dry_rn}) is an error rather than
 * silently ignored.
 */
@DenyUnknownFields
public record PipelineRunRequest(
        JsonNode spec,
        @WireDefault SortedMap<String, String> params,
        @WireDefault Boolean dryRun,
        @WirePattern(PipelineRunRequest.UUID) Optional<String> runId) {

    /** A run id: a UUID in lowercase hex. */
    public static final String UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

    public PipelineRunRequest {
        Objects.requireNonNull(spec, "spec");
        params = params == null ? new TreeMap<>() : new TreeMap<>(params);
        dryRun = dryRun != null && dryRun;
        Objects.requireNonNull(runId, "run_id");
        runId.ifPresent(id -> {
            if (!id.matches(UUID)) {
                throw ContractException.invalidField("run_id", "`" + id + "` is not a UUID in lowercase hex");
            }
        });
    }

    public static PipelineRunRequest of(JsonNode spec, Map<String, String> params) {
        return new PipelineRunRequest(spec, new TreeMap<>(params), false, Optional.empty());
    }
}
