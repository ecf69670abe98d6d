package dev.cairn.workspace.cache;

import dev.cairn.executor.protocol.SnapshotRef;
import dev.cairn.executor.protocol.StepResult;
import dev.cairn.workspace.OutputArtifact;
import dev.cairn.workspace.TreeId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the action cache: what a successful step produced, served again on a hit.
 *
 * @param key the step's cache key
 * @param snapshot the workspace after the step (its root tree)
 * @param exitCode the command's exit status (0: only successful steps are committed)
 * @param outputs the declared outputs the step produced
 * @param sizeBytes the distinct bytes the snapshot references, tree objects included, plus the
 *     outputs (an upper bound of what removing the entry may free: entries share blobs)
 * @param created when the entry was committed (last, if committed again)
 * @param lastUsed when it was committed or last served
 * @param hits how many times it was served
 * @param origin who built it, as the committer said (e.g. {@code run/<id>/step/<id>})
 * @param preimage what the key is made of, when the committer gave it
 */
public record CacheEntry(
        CacheKey key,
        TreeId snapshot,
        int exitCode,
        List<OutputArtifact> outputs,
        long sizeBytes,
        Instant created,
        Instant lastUsed,
        long hits,
        String origin,
        Optional<CacheKeyPreimage> preimage) {

    public CacheEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(snapshot, "snapshot");
        outputs = List.copyOf(outputs);
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(lastUsed, "last_used");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(preimage, "preimage");
    }

    /** The entry's tag ({@code cache:<key>}). */
    public SnapshotRef tag() {
        return key.tag();
    }

    /**
     * What an executor reports for a hit on this entry: the recorded exit code and outputs, and no
     * committed snapshot — a hit writes none (seed 002: {@code committed_snapshot} is the snapshot
     * the executor wrote). The step's workspace is the entry's snapshot; the host, which chose the
     * {@code Hit} tag, hands that tag on as a chain's parent snapshot.
     */
    public StepResult toStepResult() {
        return new StepResult(
                exitCode,
                Optional.empty(),
                outputs.stream().map(OutputArtifact::toArtifactRef).toList());
    }
}
