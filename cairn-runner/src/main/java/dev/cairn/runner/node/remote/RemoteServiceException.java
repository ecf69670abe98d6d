package dev.cairn.runner.node.remote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.contracts.ErrorEnvelope;
import dev.cairn.runner.node.RunnerNodeException;
import java.util.Optional;

/**
 * A Cairn server refused a call with an error the port's own exceptions do not model (e.g. {@code
 * unauthenticated}, {@code forbidden}, {@code wire_format}): the {@link ErrorEnvelope}'s code,
 * message, retryability and hint, plus the HTTP status.
 */
public final class RemoteServiceException extends RunnerNodeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient ErrorEnvelope envelope;

    RemoteServiceException(int status, ErrorEnvelope envelope, String route) {
        super(
                envelope.code(),
                route + " answered " + status + ": " + envelope.message(),
                envelope.retryable(),
                envelope.hint().orElse(""),
                null);
        this.status = status;
        this.envelope = envelope;
    }

    /** The HTTP status of the answer. */
    public int status() {
        return status;
    }

    /** The error as the server sent it. */
    public ErrorEnvelope envelope() {
        return envelope;
    }

    /** The envelope's structured details. */
    public Optional<ObjectNode> details() {
        return envelope.details();
    }
}
