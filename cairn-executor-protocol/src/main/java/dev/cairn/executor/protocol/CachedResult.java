package dev.cairn.executor.protocol;

import java.util.Objects;

/**
 * Cairn addition: what the host's action cache holds for a {@link CacheDecision.Hit}, handed to the
 * runner with the task so that a runner without access to the cache (a remote worker) can honour
 * the hit: serve {@code result} without running the command, and restore {@code snapshot} only if
 * it must leave a workspace behind.
 *
 * @param snapshot the committed workspace, in Cairn's {@code tree:<id>} form
 * @param result the recorded result (exit code 0, the outputs); its {@code committed_snapshot} is
 *     empty, as a hit commits nothing
 */
public record CachedResult(SnapshotRef snapshot, StepResult result) {
    public CachedResult {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(result, "result");
    }
}
