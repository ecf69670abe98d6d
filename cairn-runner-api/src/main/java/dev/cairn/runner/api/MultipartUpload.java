package dev.cairn.runner.api;

/**
 * One artifact being uploaded in parts, returned by {@link ArtifactSink#openMultipart(String)}.
 *
 * <p>Write chunks in order, then {@link #finish()} to commit the artifact, or {@link #abort()} to
 * discard what was written. Nothing is visible under the key until {@code finish} returns. After
 * {@code finish} or {@code abort}, every call fails with code {@code upload_closed}, except {@code
 * abort}, which is then a no-op. Not thread-safe: one writer per upload.
 */
public interface MultipartUpload {

    /** Appends {@code chunk} to the artifact. */
    void writeChunk(byte[] chunk) throws RunnerException;

    /** Commits the artifact under its key. */
    void finish() throws RunnerException;

    /** Discards the parts written so far; a no-op once finished or aborted. */
    void abort() throws RunnerException;
}
