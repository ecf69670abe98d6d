package dev.cairn.machine.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.machine.ids.OpId;
import dev.cairn.machine.internal.JsonValues;
import java.util.Objects;

/**
 * Seed {@code config::RunManifest}: what a run executes. Stored as an artifact and identified by
 * the SHA-256 of its RFC 8785 canonical JSON ({@code StartRun.manifest_id}).
 *
 * @param opId the operation being executed
 * @param opVersion operation version, part of the manifest hash
 * @param inputParams input parameters; MUST be canonical-JSON hashable (no fractional numbers) and
 *     MUST NOT contain secrets. Copied on construction; treat the returned node as read-only
 * @param runConfig run policy captured in the manifest
 * @param build build provenance
 */
public record RunManifest(
        OpId opId, String opVersion, JsonNode inputParams, RunConfig runConfig, BuildProvenance build) {

    public RunManifest {
        Objects.requireNonNull(opId, "op_id");
        Objects.requireNonNull(opVersion, "op_version");
        inputParams = JsonValues.copy(inputParams, "input_params");
        Objects.requireNonNull(runConfig, "run_config");
        Objects.requireNonNull(build, "build");
    }
}
