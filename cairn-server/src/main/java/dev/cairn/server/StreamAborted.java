package dev.cairn.server;

/**
 * A streamed answer that the server itself must cut short (its source failed after the answer
 * began), as opposed to a client that went away. The failure is logged where it happens; this
 * carries no cause so that it is never taken for a lost connection.
 */
final class StreamAborted extends RuntimeException {

    private static final long serialVersionUID = 1L;

    StreamAborted(String message) {
        super(message);
    }
}
