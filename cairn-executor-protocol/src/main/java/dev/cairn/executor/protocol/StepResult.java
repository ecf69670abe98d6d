package dev.cairn.executor.protocol;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an executor reports for one step.
 *
 * @param exitCode the command's exit status (for a {@link CacheDecision.Hit}, the one recorded
 *     with the snapshot). A process killed by a signal reports {@code 128 + signal}, as shells do.
 * @param committedSnapshot the snapshot the executor wrote for this step, if any (normally only
 *     for {@link CacheDecision.MissBuildAs}, and then the tag it was given); written as {@code
 *     null} when empty, and may be absent on input as serde reads a missing {@code Option}
 * @param artifacts the artifacts uploaded for the step's declared outputs, in upload order
 */
public record StepResult(int exitCode, Optional<SnapshotRef> committedSnapshot, List<ArtifactRef> artifacts) {

    public StepResult {
        Objects.requireNonNull(committedSnapshot, "committed_snapshot");
        artifacts = List.copyOf(Objects.requireNonNull(artifacts, "artifacts"));
    }

    /** Whether the command succeeded (exit status 0). */
    public boolean succeeded() {
        return exitCode == 0;
    }
}
