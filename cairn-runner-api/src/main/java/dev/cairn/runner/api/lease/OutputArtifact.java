package dev.cairn.runner.api.lease;

import dev.cairn.json.ArtifactIds;
import java.util.Objects;

/**
 * An artifact a runner stored through its {@code ArtifactSink}: the key it gave it, the content
 * address, and what it is.
 */
public record OutputArtifact(String key, String artifactId, String mime, long sizeBytes) {

    public OutputArtifact {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(mime, "mime");
        if (!ArtifactIds.isValid(Objects.requireNonNull(artifactId, "artifact_id"))) {
            throw new IllegalArgumentException("artifact_id must be 64 lowercase hex characters");
        }
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("size_bytes must be >= 0");
        }
    }
}
