package dev.cairn.executor;

import dev.cairn.json.CodedException;
import java.util.Objects;

/**
 * Root exception of {@code cairn-executor}: the step could not be executed (not a command that
 * exited non-zero, which is a result). Codes are stable; messages name steps, paths and secret
 * names, never secret values.
 */
public class ExecutorException extends CodedException {

    private static final long serialVersionUID = 1L;

    /** The step was cancelled. */
    public static final String CANCELLED = "cancelled";
    /** The command ran longer than its timeout (same code as the runner's {@code CommandExecutor}). */
    public static final String COMMAND_TIMEOUT = "command_timeout";
    /** A file the step produced holds a declared secret; it is not stored. */
    public static final String SECRET_IN_OUTPUT = "secret_in_output";
    /** A workspace file holds a declared secret, so the workspace cannot be snapshotted. */
    public static final String SECRET_IN_WORKSPACE = "secret_in_workspace";

    public ExecutorException(String code, String message, boolean retryable, String hint, Throwable cause) {
        super(code, Objects.requireNonNull(message, "message"), retryable, hint, cause);
    }

    public static ExecutorException cancelled(String step) {
        return new ExecutorException(CANCELLED, "step " + step + " was cancelled", false, "", null);
    }

    public static ExecutorException timeout(String step, java.time.Duration timeout) {
        return new ExecutorException(
                COMMAND_TIMEOUT,
                "step " + step + ": the command ran longer than its timeout of " + timeout + " and was killed",
                true,
                "Raise the step's timeout, or find out why the command hangs.",
                null);
    }

    public static ExecutorException secretInOutput(String step, String key, String secretName) {
        return new ExecutorException(
                SECRET_IN_OUTPUT,
                "step " + step + ": output `" + key + "` contains the secret " + secretName
                        + " (in some encoding); it was not stored",
                false,
                "Do not write secrets into declared outputs; write them under $CAIRN_SECRETS_DIR or /tmp.",
                null);
    }

    public static ExecutorException secretInWorkspace(String step, String path, String secretName) {
        return new ExecutorException(
                SECRET_IN_WORKSPACE,
                "step " + step + ": workspace file `" + path + "` contains the secret " + secretName
                        + " (in some encoding); the workspace was not snapshotted",
                false,
                "Keep secrets out of the workspace (use /tmp or $CAIRN_SECRETS_DIR), or delete the file before the"
                        + " step ends.",
                null);
    }

    public static ExecutorException secretsUnavailable(String step, String why) {
        return new ExecutorException(
                "secrets_unavailable",
                "step " + step + " declares secrets, but " + why,
                false,
                "Configure a secret broker on the runner node (e.g. the local secret store).",
                null);
    }

    /** A step asks for inference ({@code inference:}) and this runner has no way to give it. */
    public static ExecutorException inferenceUnavailable(String step, String why) {
        return new ExecutorException(
                "inference_unavailable",
                "step " + step + " asks for inference, but " + why,
                false,
                "Run the step on the node that holds the inference configuration (`cairn run` or `cairn server` with"
                        + " an `inference:` section in <home>/cairn.yaml, and its in-process runner); remote workers"
                        + " do not proxy inference.",
                null);
    }

    public static ExecutorException setupFailed(String step, String message, Throwable cause) {
        return new ExecutorException(
                "cell_setup_failed",
                "step " + step + ": " + message,
                false,
                "Check the runner node's sandbox set-up (bubblewrap, user namespaces) and the step's limits.",
                cause);
    }

    public static ExecutorException workspace(String step, String message, boolean retryable, Throwable cause) {
        return new ExecutorException(
                "workspace_unavailable",
                "step " + step + ": " + message,
                retryable,
                "Check that the runner can reach the artifact store and that the snapshot exists.",
                cause);
    }

    public static ExecutorException localIo(String step, String what, Throwable cause) {
        return new ExecutorException(
                "local_io",
                "step " + step + ": " + what + ": " + cause.getMessage(),
                true,
                "Check free space and permissions of the runner's work directory.",
                cause);
    }
}
