package dev.cairn.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.contracts.ErrorEnvelope;
import dev.cairn.json.CodedException;
import java.util.Optional;

/**
 * A call of {@link CairnClient} that failed: the server's {@link ErrorEnvelope} (code, message,
 * retryable, hint, details, with the HTTP status), or a failure of the client's own ({@code
 * connection_failed}, {@code unexpected_response}, {@code digest_mismatch}, {@code interrupted},
 * {@code stream_broken}) with status 0.
 */
public final class CairnClientException extends CodedException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient ObjectNode details;

    private CairnClientException(
            int status,
            String code,
            String message,
            boolean retryable,
            String hint,
            ObjectNode details,
            Throwable cause) {
        super(code, message, retryable, hint, cause);
        this.status = status;
        this.details = details;
    }

    /** The server answered {@code status} with {@code envelope}. */
    public static CairnClientException of(int status, ErrorEnvelope envelope) {
        return new CairnClientException(
                status,
                envelope.code(),
                envelope.message(),
                envelope.retryable(),
                envelope.hint().orElse(""),
                envelope.details().orElse(null),
                null);
    }

    /** The server could not be reached, or the connection broke. */
    public static CairnClientException connectionFailed(String what, Throwable cause) {
        return new CairnClientException(
                0,
                "connection_failed",
                what + " failed: " + cause,
                true,
                "Check that the server runs and is reachable; the request may be retried.",
                null,
                cause);
    }

    /** The server answered something that is not Cairn's API (no envelope, wrong type). */
    public static CairnClientException unexpectedResponse(String what, int status, String problem) {
        return new CairnClientException(
                status,
                "unexpected_response",
                what + " got an unexpected answer (HTTP " + status + "): " + problem,
                false,
                "Check that the URL points at a Cairn server of a matching version.",
                null,
                null);
    }

    /** Bytes that do not have the SHA-256 their artifact id says. */
    public static CairnClientException digestMismatch(String expected, String actual) {
        return new CairnClientException(
                0,
                "digest_mismatch",
                "the bytes have SHA-256 " + actual + ", not " + expected,
                true,
                "The transfer was damaged, or the store holds corrupt bytes; retry, and report it if it persists.",
                null,
                null);
    }

    /** A stream of events or logs broke more often than the client retries. */
    public static CairnClientException streamBroken(String what, int attempts, Throwable cause) {
        return new CairnClientException(
                0,
                "stream_broken",
                what + " broke " + attempts + " times in a row without progress" + (cause == null ? "" : ": " + cause),
                true,
                "Check the server; following again resumes where this one stopped.",
                null,
                cause);
    }

    /** The calling thread was interrupted; its interrupt flag stays set. */
    public static CairnClientException interrupted(String what) {
        return new CairnClientException(0, "interrupted", what + " was interrupted", true, "", null, null);
    }

    /** The HTTP status, or 0 when the failure is the client's own. */
    public int status() {
        return status;
    }

    /** The envelope's {@code details} (a copy), if any. */
    public Optional<ObjectNode> details() {
        return Optional.ofNullable(details).map(ObjectNode::deepCopy);
    }
}
