package dev.cairn.workspace;

import dev.cairn.executor.protocol.ArtifactRef;
import dev.cairn.json.wire.WireRange;
import dev.cairn.machine.ids.ArtifactId;
import java.util.Objects;

/**
 * A file of a step's workspace that matches one of its declared outputs, as the action cache keeps
 * it and a cache hit serves it. Its bytes are the file's blob: selecting outputs from a snapshot
 * uploads nothing.
 *
 * @param key the file's path relative to the workspace root ({@code /}-separated)
 * @param id its content in the artifact store
 * @param mime its media type, guessed from the name ({@link MediaTypes})
 * @param sizeBytes its size
 */
public record OutputArtifact(String key, ArtifactId id, String mime, @WireRange(min = 0) long sizeBytes) {

    public OutputArtifact {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(mime, "mime");
        if (sizeBytes < 0) {
            throw WorkspaceException.invalidValue("size_bytes", "must not be negative, got " + sizeBytes);
        }
    }

    /** The protocol's reference to it ({@code StepResult.artifacts}). */
    public ArtifactRef toArtifactRef() {
        return new ArtifactRef(key, mime, sizeBytes);
    }
}
