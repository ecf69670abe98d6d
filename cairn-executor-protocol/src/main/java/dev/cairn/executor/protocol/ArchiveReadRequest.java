package dev.cairn.executor.protocol;

import dev.cairn.json.wire.WireRange;
import java.util.Objects;

/**
 * An executor's request for bytes of a workspace archive: the seed's host call {@code
 * hm_archive_read(id, offset, max)} as a message, for executors that run as separate programs.
 *
 * @param archiveId the archive, from {@link ExecutorInput#workspaceArchiveId()}
 * @param offset where to start, in bytes from the beginning; at or past the end gives no bytes and
 *     {@code eof}
 * @param max the most bytes wanted, 1 to {@value #MAX_READ_BYTES}; the answer may hold fewer
 */
public record ArchiveReadRequest(
        ArchiveId archiveId, @WireRange(min = 0) long offset, @WireRange(min = 1, max = MAX_READ_BYTES) long max) {

    /** Largest {@code max} a request may ask for (1 MiB), which bounds a message line. */
    public static final long MAX_READ_BYTES = 1024 * 1024;

    public ArchiveReadRequest {
        Objects.requireNonNull(archiveId, "archive_id");
        Checks.nonNegative("offset", offset);
        if (max < 1 || max > MAX_READ_BYTES) {
            throw ExecutorProtocolException.invalidValue("max", "must be in 1.." + MAX_READ_BYTES + ", got " + max);
        }
    }
}
