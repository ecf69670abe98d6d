package dev.cairn.runner.api;

import java.nio.file.Path;

/**
 * Where a task's output artifacts go: keys are relative paths under the task's outputs prefix
 * ({@link TaskSpec#outputsPrefix()}).
 *
 * <p>Implementations refuse keys that are not {@linkplain #requireRelativePath(String) relative
 * paths}, and are thread-safe. Writing a key again replaces the artifact.
 */
public interface ArtifactSink {

    /** Uploads {@code bytes} under {@code relPath}. */
    void putBytes(String relPath, byte[] bytes) throws RunnerException;

    /** Uploads the content of the local file {@code file} under {@code relPath}. */
    void putFile(String relPath, Path file) throws RunnerException;

    /**
     * Opens an upload of {@code relPath} in parts, for artifacts too large to hold in memory. Optional:
     * the default refuses with code {@code multipart_unsupported}; use {@link #putFile} instead.
     */
    default MultipartUpload openMultipart(String relPath) throws RunnerException {
        throw RunnerException.multipartUnsupported(requireRelativePath(relPath));
    }

    /**
     * Returns {@code key} if it is a relative path of non-empty segments without {@code .} or {@code
     * ..}, backslashes or NUL; else fails with code {@code invalid_artifact_key}.
     */
    static String requireRelativePath(String key) {
        if (key == null || key.isEmpty()) {
            throw RunnerException.invalidArtifactKey(String.valueOf(key), "must not be empty");
        }
        if (key.startsWith("/")) {
            throw RunnerException.invalidArtifactKey(key, "must be relative, not start with `/`");
        }
        if (key.indexOf('\\') >= 0 || key.indexOf('\0') >= 0) {
            throw RunnerException.invalidArtifactKey(key, "must not contain a backslash or NUL");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw RunnerException.invalidArtifactKey(key, "segments must be non-empty and not `.` or `..`");
            }
        }
        return key;
    }
}
