package dev.cairn.workspace.cache;

import dev.cairn.workspace.OutputArtifact;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.WorkspaceException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an executor commits after a successful {@code MissBuildAs} step.
 *
 * @param key the key the tag names
 * @param snapshot the workspace's tree after the step ({@code SnapshotResult.tree})
 * @param outputs the outputs selected from it ({@code Workspaces.outputs})
 * @param sizeBytes {@code SnapshotResult.uniqueBytes} (outputs are files of the snapshot)
 * @param origin who built it, for {@code cairn cache show}
 * @param preimage the key's preimage, kept for {@code cairn cache show}
 */
public record CacheCommit(
        CacheKey key,
        TreeId snapshot,
        List<OutputArtifact> outputs,
        long sizeBytes,
        String origin,
        Optional<CacheKeyPreimage> preimage) {

    public CacheCommit {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(snapshot, "snapshot");
        outputs = List.copyOf(outputs);
        if (sizeBytes < 0) {
            throw WorkspaceException.invalidValue("size_bytes", "must not be negative, got " + sizeBytes);
        }
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(preimage, "preimage");
    }
}
