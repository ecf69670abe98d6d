package dev.cairn.cell.api;

import dev.cairn.json.CodedException;
import java.util.Objects;

/**
 * Root exception of the cell ports: carries a {@link CellosError} value, whose {@link
 * CellosError#code() code} is the exception's code ({@code secret_broker}, {@code export_sink}, …)
 * unless a subclass gives a finer one.
 *
 * <p>Whether a retry may help depends on the failure, not on the port, so each exception says so
 * itself: the factories without {@code retryable} make permanent failures.
 */
public class CellException extends CodedException {

    private static final long serialVersionUID = 1L;

    private final CellosError error;

    /** A failure whose code is the error value's; a {@code null} hint is the variant's default. */
    public CellException(CellosError error, boolean retryable, String hint, Throwable cause) {
        this(error, Objects.requireNonNull(error, "error").code(), retryable, hint, cause);
    }

    /** For subclasses whose code is finer than the error value's ({@code sink_unreachable}, …). */
    protected CellException(CellosError error, String code, boolean retryable, String hint, Throwable cause) {
        super(
                code,
                Objects.requireNonNull(error, "error").text(),
                retryable,
                hint == null ? error.defaultHint() : hint,
                cause);
        this.error = error;
    }

    /** A permanent failure with the variant's default hint. */
    public static CellException of(CellosError error) {
        return new CellException(error, false, null, null);
    }

    /** A failure that may pass (a broker or transport that was unreachable), caused by {@code cause}. */
    public static CellException transientFailure(CellosError error, Throwable cause) {
        return new CellException(error, true, null, cause);
    }

    public static CellException invalidSpec(String detail) {
        return of(new CellosError.InvalidSpec(detail));
    }

    public static CellException argvTooLarge(long encodedBytes, long limitBytes) {
        return of(new CellosError.ArgvTooLarge(encodedBytes, limitBytes));
    }

    public static CellException host(String detail) {
        return of(new CellosError.Host(detail));
    }

    public static CellException eventSink(String detail) {
        return of(new CellosError.EventSink(detail));
    }

    public static CellException secretBroker(String detail) {
        return of(new CellosError.SecretBroker(detail));
    }

    public static CellException exportSink(String detail) {
        return of(new CellosError.ExportSink(detail));
    }

    public static CellException lifecycle(String detail) {
        return of(new CellosError.Lifecycle(detail));
    }

    public static CellException inferenceBroker(String detail) {
        return of(new CellosError.InferenceBroker(detail));
    }

    /** The error value, e.g. to record it in an event. */
    public CellosError error() {
        return error;
    }
}
