package dev.cairn.runner.api.lease;

import dev.cairn.json.ArtifactIds;
import dev.cairn.json.wire.WireDefault;
import java.util.Objects;

/**
 * An artifact a runner stored through its {@code ArtifactSink}: the key it gave it, the content
 * address, and what it is.
 *
 * @param key the key the runner gave it (for the {@code command} capability: the file's path,
 *     relative to the workspace root)
 * @param artifactId its content address
 * @param mime its media type
 * @param sizeBytes its size
 * @param executable whether the file had its executable bit set (a compiled program), so that a
 *     later step that takes it as an input gets it executable; absent on the wire means {@code false}
 */
public record OutputArtifact(
        String key, String artifactId, String mime, long sizeBytes, @WireDefault Boolean executable) {

    public OutputArtifact {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(mime, "mime");
        if (!ArtifactIds.isValid(Objects.requireNonNull(artifactId, "artifact_id"))) {
            throw new IllegalArgumentException("artifact_id must be 64 lowercase hex characters");
        }
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("size_bytes must be >= 0");
        }
        executable = executable != null && executable;
    }

    /** An artifact that is not executable. */
    public OutputArtifact(String key, String artifactId, String mime, long sizeBytes) {
        this(key, artifactId, mime, sizeBytes, false);
    }
}
