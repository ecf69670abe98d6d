package dev.cairn.executor.protocol;

import dev.cairn.json.wire.DenyUnknownFields;
import dev.cairn.json.wire.WireDefault;
import dev.cairn.json.wire.WirePattern;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.UUID;

/**
 * Everything an executor needs to run one step, decided by the host. Unknown fields are refused
 * (serde's {@code deny_unknown_fields}).
 *
 * @param step the step as declared
 * @param workspaceArchiveId the archive holding the step's input workspace; the executor streams
 *     it with {@link ArchiveReadRequest}s
 * @param env the effective environment: the pipeline's, then the step's, sorted by name (same
 *     rules as {@link CommandStep#env()}). Secrets are not in it; the cell resolves those itself.
 * @param workdir the effective working directory, relative to the workspace root (same rules as
 *     {@link CommandStep#workdir()})
 * @param runId the run the step belongs to
 * @param stepId this step attempt's id
 * @param cacheLookup the host's cache decision; every step has one
 * @param parentSnapshot the snapshot of the upstream step in this chain (or of the chain-fork
 *     parent). When present the executor restores the workspace from it instead of unpacking the
 *     archive; that is how chained steps inherit their predecessor's filesystem. May be absent on
 *     the wire (serde's {@code #[serde(default)]}); written as {@code null} when empty.
 */
@DenyUnknownFields
public record ExecutorInput(
        CommandStep step,
        ArchiveId workspaceArchiveId,
        @WirePattern(Checks.ENV_NAME) SortedMap<String, String> env,
        @WirePattern(Checks.RELATIVE_PATH) String workdir,
        UUID runId,
        UUID stepId,
        CacheDecision cacheLookup,
        @WireDefault Optional<SnapshotRef> parentSnapshot) {

    public ExecutorInput {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(workspaceArchiveId, "workspace_archive_id");
        env = Checks.env(env);
        Checks.relativePath("workdir", workdir);
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(stepId, "step_id");
        Objects.requireNonNull(cacheLookup, "cache_lookup");
        parentSnapshot = parentSnapshot == null ? Optional.empty() : parentSnapshot;
    }
}
