package dev.cairn.executor.protocol;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * The host's answer to an {@link ArchiveReadRequest}.
 *
 * <p>On the wire {@code bytes} is standard base64 with padding: {@code {"bytes":"aGk=","eof":true}}.
 *
 * @param bytes the archive's bytes from the requested offset, at most the requested {@code max}
 *     (and never more than {@link ArchiveReadRequest#MAX_READ_BYTES}); empty only at the end
 * @param eof whether these bytes reach the end of the archive
 */
public record ArchiveReadResponse(byte[] bytes, boolean eof) {

    public ArchiveReadResponse {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length > ArchiveReadRequest.MAX_READ_BYTES) {
            throw ExecutorProtocolException.invalidValue(
                    "bytes", "holds " + bytes.length + " bytes, more than " + ArchiveReadRequest.MAX_READ_BYTES);
        }
        if (bytes.length == 0 && !eof) {
            throw ExecutorProtocolException.invalidValue("bytes", "is empty before the end of the archive");
        }
        bytes = bytes.clone();
    }

    /** A copy of the bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** How many bytes the response holds. */
    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ArchiveReadResponse that && eof == that.eof && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(bytes) + Boolean.hashCode(eof);
    }

    @Override
    public String toString() {
        String head = Base64.getEncoder().encodeToString(Arrays.copyOf(bytes, Math.min(bytes.length, 24)));
        return "ArchiveReadResponse[bytes=" + bytes.length + " bytes (" + head + (bytes.length > 24 ? "…" : "")
                + "), eof=" + eof + "]";
    }
}
