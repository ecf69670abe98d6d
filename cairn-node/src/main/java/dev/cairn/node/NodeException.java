package dev.cairn.node;

import dev.cairn.json.CodedError;
import dev.cairn.json.CodedException;
import java.nio.file.Path;

/**
 * Root exception of {@code cairn-node}: a node that cannot be assembled from its home and options.
 * Failures of the components it opens (store locked, server cannot bind, a sink that cannot be
 * built) reach the caller as those components' own {@link CodedError}s.
 */
public final class NodeException extends CodedException {

    private static final long serialVersionUID = 1L;

    private NodeException(String code, String message, String hint, Throwable cause) {
        super(code, message, false, hint, cause);
    }

    /** {@code <home>/cairn.yaml} does not read, or holds what the node does not know. */
    public static NodeException invalidConfig(Path file, String detail, Throwable cause) {
        return new NodeException(
                "invalid_config",
                file + ": " + detail,
                "Fix the file (see docs/cli.md, \"The home directory\"), or move it away to start without it.",
                cause);
    }
}
