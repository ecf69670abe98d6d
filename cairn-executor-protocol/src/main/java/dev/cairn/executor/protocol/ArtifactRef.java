package dev.cairn.executor.protocol;

import dev.cairn.json.wire.WirePattern;
import dev.cairn.json.wire.WireRange;
import dev.cairn.json.wire.WireSize;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An artifact an executor uploaded for a step: its key in the artifact store, its media type and
 * its size.
 *
 * @param key where the artifact is stored; 1 to {@value #MAX_KEY_LENGTH} characters, no control
 *     characters
 * @param mime its media type, {@code type/subtype} with optional parameters (RFC 6838 names)
 * @param sizeBytes its size in bytes (serde's {@code u64}; at most {@link Long#MAX_VALUE} here)
 */
public record ArtifactRef(
        @WireSize(min = 1, max = MAX_KEY_LENGTH) @WirePattern(Checks.PRINTABLE) String key,
        @WirePattern(MIME) String mime,
        @WireRange(min = 0) long sizeBytes) {

    /** Longest accepted key. */
    public static final int MAX_KEY_LENGTH = 1024;

    /** A media type: RFC 6838 restricted names, then optional parameters. */
    public static final String MIME = "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
            + "(?: *;[^\\x00-\\x1f\\x7f]*)?$";

    private static final Pattern MIME_RE = Pattern.compile(MIME);

    public ArtifactRef {
        Checks.printable("key", key, MAX_KEY_LENGTH);
        Objects.requireNonNull(mime, "mime");
        if (!MIME_RE.matcher(mime).matches()) {
            throw ExecutorProtocolException.invalidValue(
                    "mime", "must be a media type such as `application/json`, got `" + mime + "`");
        }
        Checks.nonNegative("size_bytes", sizeBytes);
    }
}
