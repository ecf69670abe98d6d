package dev.cairn.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * RFC 8785 (JSON Canonicalization Scheme) over Jackson's tree: the one byte form in which Cairn
 * hashes structured data.
 *
 * <p>Written here rather than taken from a library (see {@code DEPENDENCIES.md}): the known Java
 * implementation hangs on {@code 1e-315} and accepts {@code [01]}, another formats most numbers
 * wrongly. The rules:
 *
 * <ul>
 *   <li>no whitespace; object members sorted by their keys' UTF-16 code units;
 *   <li>strings as UTF-8, escaping only {@code "}, {@code \}, and U+0000–U+001F ({@code \b \t \n \f
 *       \r} by letter, the rest as <code>&#92;u00xx</code> with lowercase hex); everything else literal;
 *   <li>numbers as ECMAScript prints doubles ({@link EcmaScriptNumbers}): {@code 1e+30},
 *       {@code 4.5}, {@code 5e-324}; {@code -0} is {@code 0}.
 * </ul>
 *
 * <p>A tree that has no canonical form is refused with a {@link JsonException}: integers beyond
 * ±(2^53−1) that a double would change ({@code integer_out_of_range}; see {@link StrictJson}), NaN or infinite doubles ({@code non_finite_number}),
 * strings or keys with unpaired surrogates ({@code lone_surrogate}), binary, POJO or missing
 * nodes ({@code unsupported_value}), and nesting deeper than {@link StrictJson#MAX_DEPTH}
 * ({@code too_deep}, which also stops cyclic trees). Decimal nodes are converted to the nearest
 * double, as RFC 8785 treats every number as an IEEE double.
 */
public final class Canonical {

    private static final int INITIAL_CAPACITY = 4096;

    private static final int MAX_RETAINED_CAPACITY = 1 << 20;

    /** One growing writer per thread, so that small documents allocate little beyond their bytes. */
    private static final ThreadLocal<CanonicalWriter> WRITER =
            ThreadLocal.withInitial(() -> new CanonicalWriter(INITIAL_CAPACITY));

    private Canonical() {}

    /** The canonical UTF-8 bytes of a tree. */
    public static byte[] canonicalize(JsonNode node) {
        Objects.requireNonNull(node, "node");
        CanonicalWriter writer = WRITER.get();
        if (writer.busy) {
            writer = new CanonicalWriter(INITIAL_CAPACITY); // only if a JsonNode calls back into us
        }
        writer.busy = true;
        try {
            writer.reset();
            writer.write(node);
            return writer.bytes();
        } finally {
            writer.busy = false;
            if (writer.capacity() > MAX_RETAINED_CAPACITY) {
                WRITER.remove(); // do not keep a large document's buffer alive in the thread
            }
        }
    }

    /** Parses UTF-8 JSON strictly ({@link StrictJson}) and returns its canonical bytes. */
    public static byte[] canonicalize(byte[] json) {
        return canonicalize(StrictJson.parse(json));
    }

    /** Parses JSON text strictly ({@link StrictJson}) and returns its canonical bytes. */
    public static byte[] canonicalize(String json) {
        return canonicalize(StrictJson.parse(json));
    }

    /** The canonical form of a tree as a string. */
    public static String canonicalString(JsonNode node) {
        return new String(canonicalize(node), StandardCharsets.UTF_8);
    }

    /** Writes the canonical bytes of a tree to {@code out}, buffered; does not close or flush it. */
    public static void write(JsonNode node, OutputStream out) throws IOException {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(out, "out");
        CanonicalWriter writer = new CanonicalWriter((bytes, length) -> {
            try {
                out.write(bytes, 0, length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            writer.write(node);
            writer.flush();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Feeds the canonical bytes of a tree into {@code digest} (which is not reset or finished). */
    public static void update(MessageDigest digest, JsonNode node) {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(node, "node");
        CanonicalWriter writer = new CanonicalWriter((bytes, length) -> digest.update(bytes, 0, length));
        writer.write(node);
        writer.flush();
    }
}
