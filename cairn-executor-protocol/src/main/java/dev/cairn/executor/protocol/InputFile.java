package dev.cairn.executor.protocol;

import dev.cairn.json.ArtifactIds;
import java.util.Objects;

/**
 * Cairn addition: one file placed in a command's workspace before it runs.
 *
 * @param path where, relative to the workspace root ({@code /}-separated, no {@code ..})
 * @param artifactId its content in the artifact store
 * @param executable whether it gets the executable bit
 */
public record InputFile(String path, String artifactId, boolean executable) {

    public InputFile {
        Objects.requireNonNull(path, "path");
        if (path.isEmpty()
                || path.startsWith("/")
                || path.contains("\\")
                || ("/" + path + "/").contains("/../")
                || ("/" + path + "/").contains("/./")
                || path.endsWith("/")) {
            throw ExecutorProtocolException.invalidPath(
                    "path", path, "must be relative to the workspace, without `.` or `..` segments");
        }
        if (!ArtifactIds.isValid(Objects.requireNonNull(artifactId, "artifact_id"))) {
            throw ExecutorProtocolException.invalidPath(
                    "artifact_id", artifactId, "is not 64 lowercase hex characters");
        }
    }
}
