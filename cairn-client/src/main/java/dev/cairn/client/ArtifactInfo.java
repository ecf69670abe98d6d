package dev.cairn.client;

import java.util.Objects;

/** An artifact as {@code HEAD /v1/artifacts/{id}} describes it, or as a download delivered it. */
public record ArtifactInfo(String artifactId, long sizeBytes) {

    public ArtifactInfo {
        Objects.requireNonNull(artifactId, "artifact_id");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("size_bytes must not be negative");
        }
    }
}
