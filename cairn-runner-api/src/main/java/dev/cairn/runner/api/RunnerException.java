package dev.cairn.runner.api;

import dev.cairn.json.CodedException;

/**
 * Root exception of the runner contract: every failure a {@link Runner} or one of the ports of its
 * {@link TaskCtx} reports.
 *
 * <p>The seed's methods return {@code anyhow::Result}, so any error may surface; Cairn gives each a
 * stable {@link #code() code} instead. A runner that fails for its own reasons uses {@link
 * #failed(String, boolean)} and decides whether a retry of the task may succeed.
 */
public class RunnerException extends CodedException {

    private static final long serialVersionUID = 1L;

    public RunnerException(String code, String message, boolean retryable, String hint, Throwable cause) {
        super(code, message, retryable, hint, cause);
    }

    /** A lease or task specification field holds a value its type does not allow. */
    public static RunnerException invalidLease(String field, String problem) {
        return new RunnerException(
                "invalid_lease",
                "invalid `" + field + "`: " + problem,
                false,
                "Fix the lease envelope or task specification sent by the control plane.",
                null);
    }

    /** The task needs an input it does not have (e.g. no {@code inputs_cids}). */
    public static RunnerException missingInput(String taskId, String what) {
        return new RunnerException(
                "missing_input",
                "task " + taskId + " " + what,
                false,
                "Submit the task with the inputs its capability expects.",
                null);
    }

    /** No object is stored under {@code cid}. */
    public static RunnerException inputNotFound(String cid) {
        return new RunnerException(
                "input_not_found",
                "no input stored under content id " + cid,
                false,
                "Check that the producing task uploaded it and that the content id is spelled right.",
                null);
    }

    /** Fetching {@code cid} failed for a reason that may pass (network, storage). */
    public static RunnerException inputUnavailable(String cid, Throwable cause) {
        return new RunnerException(
                "input_unavailable",
                "cannot fetch content id " + cid + ": " + describe(cause),
                true,
                "Retry the task; if it keeps failing, check the domain storage.",
                cause);
    }

    /** Writing a fetched input to local disk failed. */
    public static RunnerException localIo(String what, Throwable cause) {
        return new RunnerException(
                "local_io",
                what + ": " + describe(cause),
                true,
                "Check free space and permissions of the temporary directory (java.io.tmpdir).",
                cause);
    }

    /** An artifact key is not a relative path inside the outputs prefix. */
    public static RunnerException invalidArtifactKey(String key, String problem) {
        return new RunnerException(
                "invalid_artifact_key",
                "invalid artifact key `" + key + "`: " + problem,
                false,
                "Use a relative path of non-empty segments, without `.` or `..`, e.g. `outputs/result.bin`.",
                null);
    }

    /** Uploading an artifact failed for a reason that may pass. */
    public static RunnerException uploadFailed(String key, Throwable cause) {
        return new RunnerException(
                "upload_failed",
                "cannot upload artifact " + key + ": " + describe(cause),
                true,
                "Retry the task; if it keeps failing, check the domain storage.",
                cause);
    }

    /** The sink cannot stream an artifact in parts. */
    public static RunnerException multipartUnsupported(String key) {
        return new RunnerException(
                "multipart_unsupported",
                "multipart not supported: this artifact sink cannot stream " + key + " in parts",
                false,
                "Upload the artifact whole with putBytes or putFile.",
                null);
    }

    /** A multipart upload was used after it was finished or aborted. */
    public static RunnerException uploadClosed(String key, String state) {
        return new RunnerException(
                "upload_closed",
                "multipart upload of " + key + " is already " + state,
                false,
                "Open a new multipart upload for another attempt.",
                null);
    }

    /** The task was cancelled (by the control plane, or by interrupting the runner's thread). */
    public static RunnerException cancelled(String taskId) {
        return new RunnerException(
                "cancelled",
                "task " + taskId + " was cancelled",
                false,
                "Nothing to do: cancellation was asked for.",
                null);
    }

    /** The runner itself failed; {@code retryable} says whether running the task again may succeed. */
    public static RunnerException failed(String message, boolean retryable) {
        return new RunnerException("runner_failed", message, retryable, "", null);
    }

    /** The runner itself failed because of {@code cause}. */
    public static RunnerException failed(String message, boolean retryable, Throwable cause) {
        return new RunnerException("runner_failed", message + ": " + describe(cause), retryable, "", cause);
    }
}
