package dev.cairn.runner.node;

import dev.cairn.json.CodedException;
import java.util.List;

/**
 * Root exception of runner nodes: a node that cannot be set up as asked (options, capabilities,
 * discovery), or a remote service that refused a call ({@link RemoteServiceException}).
 *
 * <p>Failures of a task are not exceptions of the node: they become the task's {@code
 * TaskOutcome.Failed}.
 */
public class RunnerNodeException extends CodedException {

    private static final long serialVersionUID = 1L;

    protected RunnerNodeException(String code, String message, boolean retryable, String hint, Throwable cause) {
        super(code, message, retryable, hint, cause);
    }

    /** Two runners claim the same capability. */
    public static RunnerNodeException duplicateCapability(String capability, String first, String second) {
        return new RunnerNodeException(
                "duplicate_capability",
                "capability `" + capability + "` is served by both " + first + " and " + second,
                false,
                "Register one runner per capability: remove one of them from META-INF/services or from the"
                        + " node's runners.",
                null);
    }

    /** A capability was asked for that no registered runner serves. */
    public static RunnerNodeException unknownCapability(String capability, List<String> available) {
        return new RunnerNodeException(
                "unknown_capability",
                "no runner serves capability `" + capability + "`; this node has " + available,
                false,
                "Name a capability the node has, or put the runner that serves it on the classpath.",
                null);
    }

    /** A runner's {@code capability()} is empty or not a printable name. */
    public static RunnerNodeException invalidCapability(String runner, String capability) {
        return new RunnerNodeException(
                "invalid_capability",
                "runner " + runner + " has an invalid capability `" + capability + "`",
                false,
                "A capability is a non-empty printable name such as `command` or `/examples/hello/v1`.",
                null);
    }

    /** A runner registered in {@code META-INF/services} could not be loaded. */
    public static RunnerNodeException discoveryFailed(Throwable cause) {
        return new RunnerNodeException(
                "runner_discovery_failed",
                "cannot load a runner listed in META-INF/services/dev.cairn.runner.api.Runner: " + cause.getMessage(),
                false,
                "Check that every listed class exists, implements Runner and has a public no-argument constructor.",
                cause);
    }

    /** An option of a node, a worker or a client breaks its rule. */
    public static RunnerNodeException invalidOption(String option, String problem) {
        return new RunnerNodeException(
                "invalid_option", "invalid `" + option + "`: " + problem, false, "Fix the option.", null);
    }

    /** The node was asked to do something after it was closed. */
    public static RunnerNodeException closed(String what) {
        return new RunnerNodeException(
                "node_closed", what + ": the runner node is closed", false, "Start a new node.", null);
    }

    /** The calling thread was interrupted; its interrupt flag is set again. */
    public static RunnerNodeException interrupted(String what) {
        Thread.currentThread().interrupt();
        return new RunnerNodeException("interrupted", "interrupted while " + what, true, "", null);
    }

    /** The node's HTTP service could not listen on {@code address}. */
    public static RunnerNodeException listenFailed(String address, Throwable cause) {
        return new RunnerNodeException(
                "listen_failed",
                "cannot serve on " + address + ": " + cause.getMessage(),
                false,
                "Choose a free port (0 picks one) on an address of this machine.",
                cause);
    }

    /** A local file-system operation of the node failed. */
    public static RunnerNodeException localIo(String what, Throwable cause) {
        return new RunnerNodeException(
                "local_io",
                what + ": " + cause.getMessage(),
                true,
                "Check free space and permissions of the node's work directory.",
                cause);
    }
}
