package dev.cairn.contracts.api;

import java.util.Objects;

/** The answer to {@code POST /v1/artifacts}: the content address of the stored bytes. */
public record ArtifactUploaded(String artifactId, long sizeBytes) {

    public ArtifactUploaded {
        Objects.requireNonNull(artifactId, "artifact_id");
    }
}
