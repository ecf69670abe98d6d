package dev.cairn.sinks;

import dev.cairn.cell.api.CellException;
import dev.cairn.cell.api.CellosError;
import java.util.Optional;

/**
 * The root exception of {@code cairn-sinks}: a {@link CellException} (so event and export sinks
 * fail as their ports say, carrying {@link CellosError.EventSink} or {@link CellosError.ExportSink}),
 * with a finer, stable {@link #code()} of its own ({@code sink_unreachable}, {@code
 * export_contains_secret}, …).
 *
 * <p>Event sinks that deliver a batch and fail part-way say how many events, from the head of the
 * batch, the transport acknowledged before the failure: {@link #acknowledged()}.
 *
 * <p>Messages never contain a secret's value, only its name.
 */
public final class SinkException extends CellException {

    private static final long serialVersionUID = 1L;

    private final int acknowledged;
    private final String pointer;
    private final String detail;

    private SinkException(
            CellosError error, String code, boolean retryable, String hint, Throwable cause, int acknowledged) {
        this(error, code, retryable, hint, cause, acknowledged, null, null);
    }

    private SinkException(
            CellosError error,
            String code,
            boolean retryable,
            String hint,
            Throwable cause,
            int acknowledged,
            String pointer,
            String detail) {
        super(error, code, retryable, hint, cause);
        this.acknowledged = acknowledged;
        this.pointer = pointer;
        this.detail = detail;
    }

    private static SinkException event(String code, boolean retryable, String detail, String hint, Throwable cause) {
        return new SinkException(new CellosError.EventSink(detail), code, retryable, hint, cause, 0);
    }

    private static SinkException export(String code, boolean retryable, String detail, String hint, Throwable cause) {
        return new SinkException(new CellosError.ExportSink(detail), code, retryable, hint, cause, 0);
    }

    // ------------------------------------------------------------------ event sinks

    /** The transport could not be reached or did not answer in time; delivery is retried. */
    public static SinkException unreachable(String sink, String detail, Throwable cause) {
        return event(
                "sink_unreachable",
                true,
                sink + ": " + detail,
                "Check that the sink's endpoint is up and reachable; events stay in the log and are retried.",
                cause);
    }

    /**
     * The transport answered but refused the events (an HTTP 4xx other than 408 and 429, a missing
     * stream): retrying the same request will not help until the sink's configuration or the
     * receiver changes. The relay still retries, slowly, and never skips the events.
     */
    public static SinkException rejected(String sink, String detail) {
        return event(
                "sink_rejected",
                false,
                sink + ": " + detail,
                "Fix the receiver or the sink's configuration; the events wait in the log until it accepts them.",
                null);
    }

    /** The calling thread was interrupted while delivering (the caller keeps the interrupt flag set). */
    public static SinkException interrupted(String sink) {
        return event("interrupted", true, sink + ": interrupted while delivering", "Nothing to do.", null);
    }

    /** A sink configuration is invalid: {@code pointer} is a JSON Pointer into the configuration. */
    public static SinkException invalidConfig(String pointer, String detail) {
        return new SinkException(
                new CellosError.EventSink(
                        "invalid event sink configuration at " + (pointer.isEmpty() ? "/" : pointer) + ": " + detail),
                "invalid_sink_config",
                false,
                "Fix the events section of the configuration; docs/events.md lists every field.",
                null,
                0,
                pointer,
                detail);
    }

    /**
     * For a configuration error: the same error with its JSON Pointer below {@code prefix} (a
     * record validated on its own knows only its own fields). Other errors are returned as they are.
     */
    public SinkException under(String prefix) {
        return pointer == null ? this : invalidConfig(prefix + pointer, detail);
    }

    /** For a configuration error: the JSON Pointer of the offending value, else empty. */
    public Optional<String> pointer() {
        return Optional.ofNullable(pointer);
    }

    /** A secret a sink needs could not be resolved. */
    public static SinkException secretUnavailable(String secretName, String detail) {
        return event(
                "secret_unavailable",
                false,
                "the secret \"" + secretName + "\" is not available: " + detail,
                "Store the secret under that name, or fix the name in the sink's configuration.",
                null);
    }

    /** A webhook request's signature does not verify (see {@code WebhookSignature}). */
    public static SinkException signatureInvalid(String detail) {
        return event(
                "signature_invalid",
                false,
                "webhook signature: " + detail,
                "Check that sender and receiver share the secret and that their clocks agree; reject the request.",
                null);
    }

    /** The database was opened without this module's tables. */
    public static SinkException schemaMissing(String module) {
        return event(
                "sinks_schema_missing",
                false,
                "the database has no sink tables",
                "Open the SQLite database with migrationModule(\"" + module + "\") so its migrations run.",
                null);
    }

    /** This failure, saying that the first {@code count} events of the batch were acknowledged. */
    public SinkException acknowledging(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("acknowledged count must be >= 0, got " + count);
        }
        SinkException copy =
                new SinkException(error(), code(), retryable(), hint(), getCause(), count, pointer, detail);
        copy.setStackTrace(getStackTrace());
        return copy;
    }

    // ------------------------------------------------------------------ export sinks

    /** The file holds a known secret; nothing was exported. */
    public static SinkException exportContainsSecret(String name, String producedBy, String secretName, String form) {
        return export(
                "export_contains_secret",
                false,
                "refused to export \"" + name + "\" (produced by " + producedBy + "): it contains the secret \""
                        + secretName + "\" (" + form + "); nothing was written",
                "Change the step so that its output does not contain the secret, or do not export that file.",
                null);
    }

    /** The destination exists with other bytes and the sink may not overwrite. */
    public static SinkException exportConflict(String name, String destination) {
        return export(
                "export_conflict",
                false,
                "\"" + name + "\" already exists at " + destination + " with different content; it was left as is",
                "Remove the existing file, export under another name, or set overwrite: true on the target.",
                null);
    }

    /** The source file is missing, not a regular file, or cannot be read. */
    public static SinkException exportSourceUnreadable(String name, String path, String detail, Throwable cause) {
        return export(
                "export_source_unreadable",
                false,
                "cannot export \"" + name + "\" from " + path + ": " + detail,
                "Export a regular file that the step produced.",
                cause);
    }

    /** The source file changed while it was being exported. */
    public static SinkException exportSourceChanged(String name, String path) {
        return export(
                "export_source_changed",
                true,
                "the file " + path + " for \"" + name + "\" changed while it was exported",
                "Export files nothing writes to any more (a step's captured outputs).",
                null);
    }

    /** The export name is not a plain file name. */
    public static SinkException invalidExportName(String name) {
        return export(
                "invalid_export_name",
                false,
                "invalid export name \"" + name + "\": use letters, digits, '.', '_' and '-', starting with a"
                        + " letter or digit, at most 255 characters",
                "Rename the exported artifact.",
                null);
    }

    /** The destination could not be written or reached (retryable). */
    public static SinkException exportUnreachable(String name, String destination, String detail, Throwable cause) {
        return export(
                "export_unreachable",
                true,
                "exporting \"" + name + "\" to " + destination + " failed: " + detail,
                "Check that the destination is reachable and writable, then export again.",
                cause);
    }

    /** The destination refused the artifact (an HTTP 4xx other than 408 and 429). */
    public static SinkException exportRejected(String name, String destination, String detail) {
        return export(
                "export_rejected",
                false,
                "exporting \"" + name + "\" to " + destination + " was refused: " + detail,
                "Check the target's URL and credentials.",
                null);
    }

    /** An export target configuration is invalid. */
    public static SinkException invalidExportTarget(String detail) {
        return export(
                "invalid_export_target",
                false,
                "invalid export target: " + detail,
                "Fix the target under export.targets; docs/export.md lists the fields.",
                null);
    }

    /** How many events of the batch, from its head, the transport acknowledged before this failure. */
    public int acknowledged() {
        return acknowledged;
    }
}
