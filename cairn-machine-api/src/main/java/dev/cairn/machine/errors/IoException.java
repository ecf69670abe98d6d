package dev.cairn.machine.errors;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.machine.ids.FactKey;
import java.util.Objects;

/** A failure of live or replayed IO, carrying the seed's {@link IoError}. */
public final class IoException extends MachineException {

    private static final long serialVersionUID = 1L;

    private final transient IoError error;

    public IoException(IoError error) {
        this(error, defaultHint(error), null);
    }

    public IoException(IoError error, String hint, Throwable cause) {
        super(Objects.requireNonNull(error, "error").info(), hint, cause);
        this.error = error;
    }

    /**
     * {@link IoError.MissingFactKey}, code {@value ErrorCodes#CODE_MISSING_FACT_KEY} (the seed's
     * stable code), category {@code ParsingInput}, not retryable: in replay mode a deterministic IO
     * call in {@code namespace} carried no fact key, so there is nothing to replay it from.
     */
    public static IoException missingFactKey(String namespace) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("namespace", namespace);
        ErrorInfo info = ErrorInfo.of(
                        ErrorCodes.CODE_MISSING_FACT_KEY,
                        ErrorCategory.PARSING_INPUT,
                        false,
                        "missing fact key for deterministic IO in replay mode (namespace `" + namespace + "`)")
                .withDetails(details);
        return new IoException(
                new IoError.MissingFactKey(info),
                "Give every replayable IoCall a fact_key; without one, replay cannot find the recorded response.",
                null);
    }

    /**
     * {@link IoError.MissingFact}, code {@value ErrorCodes#CODE_MISSING_FACT}, category {@code Rpc}:
     * no fact was recorded under {@code key}. {@code retryable} is the run's {@code
     * replay_missing_fact_retryable}.
     */
    public static IoException missingFact(FactKey key, boolean retryable) {
        ErrorInfo info = ErrorInfo.of(
                ErrorCodes.CODE_MISSING_FACT, ErrorCategory.RPC, retryable, "missing recorded fact `" + key + "`");
        return new IoException(
                new IoError.MissingFact(key, info),
                "Replay needs the facts the live run recorded; re-run live, or import the run's facts.",
                null);
    }

    /** {@link IoError.Transport} with the transport's own error payload. */
    public static IoException transport(ErrorInfo info, Throwable cause) {
        return new IoException(new IoError.Transport(info), defaultHint(new IoError.Transport(info)), cause);
    }

    /** {@link IoError.RateLimited} with the transport's own error payload. */
    public static IoException rateLimited(ErrorInfo info) {
        return new IoException(new IoError.RateLimited(info));
    }

    /** {@link IoError.Other} with the caller's error payload. */
    public static IoException other(ErrorInfo info, Throwable cause) {
        return new IoException(new IoError.Other(info), "", cause);
    }

    /**
     * {@link IoError.Other}, code {@value ErrorCodes#CODE_INTERRUPTED}, retryable: the calling thread
     * was interrupted during IO (cooperative cancellation). The interrupt flag stays set.
     */
    public static IoException interrupted() {
        return new IoException(
                new IoError.Other(ErrorInfo.of(
                        ErrorCodes.CODE_INTERRUPTED, ErrorCategory.UNKNOWN, true, "interrupted during IO")),
                "The IO call was cancelled; whether an external side effect happened is unknown.",
                null);
    }

    /** The seed's error value. */
    public IoError error() {
        return error;
    }

    @Override
    public ErrorInfo info() {
        return error.info();
    }

    /** {@link RunError.Io} wrapping {@link #error()}. */
    @Override
    public RunError toRunError() {
        return new RunError.Io(error);
    }

    private static String defaultHint(IoError error) {
        return switch (error) {
            case IoError.MissingFactKey m -> "Give every replayable IoCall a fact_key.";
            case IoError.MissingFact m -> "Replay needs the facts the live run recorded.";
            case IoError.Transport t -> "Check the remote service and the transport's configuration.";
            case IoError.RateLimited r -> "Slow down: retry after the backoff delay.";
            case IoError.Other o -> "";
        };
    }
}
