package dev.cairn.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the RFC 8785 form of a Jackson tree as UTF-8 into a byte buffer, without intermediate
 * strings except for non-integral numbers. When the buffer fills it is handed to a {@link Drain}
 * (a digest or a stream) and reused; without a drain it grows and holds the whole output.
 *
 * <p>One instance is reused for many documents by one thread at a time ({@link #reset}).
 */
final class CanonicalWriter {

    /** Receives full buffers. */
    @FunctionalInterface
    interface Drain {
        void accept(byte[] bytes, int length);
    }

    /** Characters written per capacity check; a char needs at most 6 bytes (<code>&#92;u001f</code>). */
    private static final int CHARS_PER_CHECK = 1024;

    private static final int MIN_CAPACITY = 16 * 1024;

    private static final long MAX_SAFE = StrictJson.MAX_SAFE_INTEGER;
    private static final double TWO_53 = 9007199254740992.0;
    private static final BigInteger MAX_SAFE_BIG = BigInteger.valueOf(MAX_SAFE);

    /** For each ASCII char: 0 = as is, 'u' = six-char escape, else the letter after the backslash. */
    private static final byte[] ESCAPE = new byte[128];

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPE[c] = 'u';
        }
        ESCAPE['\b'] = 'b';
        ESCAPE['\t'] = 't';
        ESCAPE['\n'] = 'n';
        ESCAPE['\f'] = 'f';
        ESCAPE['\r'] = 'r';
        ESCAPE['"'] = '"';
        ESCAPE['\\'] = '\\';
    }

    private static final Comparator<Map.Entry<String, JsonNode>> BY_KEY = Map.Entry.comparingByKey();

    private final Drain drain;
    private byte[] buf;
    private int pos;

    /** Keys and indexes of the current path, for error pointers; null key = array index. */
    private final String[] pathKeys = new String[StrictJson.MAX_DEPTH + 2];

    private final int[] pathIndexes = new int[StrictJson.MAX_DEPTH + 2];

    /** Per-depth scratch arrays for sorting object members without allocating. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private final Map.Entry<String, JsonNode>[][] members = new Map.Entry[StrictJson.MAX_DEPTH + 2][];

    /** A writer that drains full buffers of {@value #MIN_CAPACITY} bytes or more. */
    CanonicalWriter(Drain drain) {
        this.drain = drain;
        this.buf = new byte[MIN_CAPACITY];
    }

    /** A writer that grows its buffer to hold the whole document. */
    CanonicalWriter(int initialCapacity) {
        this.drain = null;
        this.buf = new byte[Math.max(initialCapacity, 64)];
    }

    void reset() {
        pos = 0;
    }

    /** The bytes written so far (when there is no drain, the whole document). */
    byte[] bytes() {
        return Arrays.copyOf(buf, pos);
    }

    /** Hands what is buffered to the drain. */
    void flush() {
        if (drain != null && pos > 0) {
            drain.accept(buf, pos);
            pos = 0;
        }
    }

    void write(JsonNode root) {
        try {
            value(root, 0);
        } catch (RuntimeException e) {
            for (Map.Entry<String, JsonNode>[] scratch : members) {
                if (scratch != null) {
                    Arrays.fill(scratch, null); // drop references to the failed tree
                }
            }
            throw e;
        }
    }

    private void ensure(int room) {
        if (pos + room <= buf.length) {
            return;
        }
        if (drain != null && room <= buf.length) {
            flush();
            return;
        }
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + room));
    }

    private void value(JsonNode node, int depth) {
        switch (node.getNodeType()) {
            case OBJECT -> object(node, depth);
            case ARRAY -> array(node, depth);
            case STRING -> string(node.textValue(), depth);
            case NUMBER -> number(node, depth);
            case BOOLEAN -> ascii(node.booleanValue() ? "true" : "false");
            case NULL -> ascii("null");
            case BINARY, POJO, MISSING ->
                throw JsonException.unsupportedValue(
                        pointer(depth), node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
    }

    private void object(JsonNode node, int depth) {
        int inner = enter(depth);
        int size = node.size();
        if (size == 0) {
            ascii("{}");
            return;
        }
        Map.Entry<String, JsonNode>[] entries = members[inner];
        if (entries == null || entries.length < size) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Map.Entry<String, JsonNode>[] grown = new Map.Entry[Math.max(size, 8)];
            entries = grown;
            members[inner] = entries;
        }
        boolean sorted = true;
        int count = 0;
        Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (sorted && count > 0 && entries[count - 1].getKey().compareTo(e.getKey()) > 0) {
                sorted = false;
            }
            entries[count++] = e;
        }
        if (!sorted) {
            // String.compareTo orders by UTF-16 code units, as RFC 8785 section 3.2.3 requires.
            Arrays.sort(entries, 0, count, BY_KEY);
        }
        ensure(1);
        buf[pos++] = '{';
        for (int i = 0; i < count; i++) {
            Map.Entry<String, JsonNode> e = entries[i];
            entries[i] = null;
            if (i > 0) {
                ensure(1);
                buf[pos++] = ',';
            }
            String key = e.getKey();
            pathKeys[inner] = key;
            string(key, inner);
            ensure(1);
            buf[pos++] = ':';
            value(e.getValue(), inner);
        }
        ensure(1);
        buf[pos++] = '}';
    }

    private void array(JsonNode node, int depth) {
        int inner = enter(depth);
        int size = node.size();
        ensure(1);
        buf[pos++] = '[';
        pathKeys[inner] = null;
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                ensure(1);
                buf[pos++] = ',';
            }
            pathIndexes[inner] = i;
            value(node.get(i), inner);
        }
        ensure(1);
        buf[pos++] = ']';
    }

    private int enter(int depth) {
        if (depth >= StrictJson.MAX_DEPTH) {
            throw JsonException.tooDeep(pointer(depth), StrictJson.MAX_DEPTH, 0, 0);
        }
        return depth + 1;
    }

    private void number(JsonNode node, int depth) {
        switch (node.numberType()) {
            case INT, LONG -> {
                long v = node.longValue();
                if (v > MAX_SAFE || v < -MAX_SAFE) {
                    largeInteger(Long.toString(v), depth);
                } else {
                    integer(v);
                }
            }
            case BIG_INTEGER -> {
                BigInteger v = node.bigIntegerValue();
                if (v.abs().compareTo(MAX_SAFE_BIG) > 0) {
                    largeInteger(v.toString(), depth);
                } else {
                    integer(v.longValue());
                }
            }
            case FLOAT, DOUBLE -> floating(node.doubleValue(), node.asText(), depth);
            case BIG_DECIMAL -> floating(node.decimalValue().doubleValue(), node.asText(), depth);
        }
    }

    /** Beyond ±(2^53−1) only integers spelled exactly as RFC 8785 writes a double pass. */
    private void largeInteger(String text, int depth) {
        if (!EcmaScriptNumbers.isDoubleSpelling(text)) {
            throw JsonException.integerOutOfRange(pointer(depth), text, 0, 0);
        }
        ascii(text);
    }

    private void floating(double v, String original, int depth) {
        if (!Double.isFinite(v)) {
            throw JsonException.nonFiniteNumber(pointer(depth), original, 0, 0);
        }
        if (Math.abs(v) < TWO_53 && v == (long) v) {
            integer((long) v); // also turns -0 into 0
        } else {
            ascii(EcmaScriptNumbers.toString(v));
        }
    }

    private void integer(long v) {
        ensure(20);
        if (v < 0) {
            buf[pos++] = '-';
            v = -v; // |v| <= 2^53 - 1, no overflow
        }
        if (v < 10) {
            buf[pos++] = (byte) ('0' + v);
            return;
        }
        int digits = 1;
        for (long t = v / 10; t > 0; t /= 10) {
            digits++;
        }
        int end = pos + digits;
        for (int i = end - 1; i >= pos; i--) {
            buf[i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        pos = end;
    }

    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[pos++] = (byte) s.charAt(i);
        }
    }

    /** A JSON string per RFC 8785 section 3.2.2.2, UTF-8 encoded. */
    private void string(String s, int depth) {
        int len = s.length();
        ensure(1);
        buf[pos++] = '"';
        int i = 0;
        while (i < len) {
            int end = Math.min(len, i + CHARS_PER_CHECK);
            ensure((end - i) * 6 + 4); // + 4: a surrogate pair may straddle the end
            byte[] b = buf;
            int p = pos;
            while (i < end) {
                char c = s.charAt(i++);
                if (c < 0x80) {
                    byte esc = ESCAPE[c];
                    if (esc == 0) {
                        b[p++] = (byte) c;
                    } else if (esc == 'u') {
                        b[p++] = '\\';
                        b[p++] = 'u';
                        b[p++] = '0';
                        b[p++] = '0';
                        b[p++] = HEX[c >> 4];
                        b[p++] = HEX[c & 0xF];
                    } else {
                        b[p++] = '\\';
                        b[p++] = esc;
                    }
                } else if (c < 0x800) {
                    b[p++] = (byte) (0xC0 | (c >> 6));
                    b[p++] = (byte) (0x80 | (c & 0x3F));
                } else if (!Character.isSurrogate(c)) {
                    b[p++] = (byte) (0xE0 | (c >> 12));
                    b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    b[p++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isHighSurrogate(c) && i < len && Character.isLowSurrogate(s.charAt(i))) {
                    int cp = Character.toCodePoint(c, s.charAt(i++));
                    b[p++] = (byte) (0xF0 | (cp >> 18));
                    b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    b[p++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    pos = p;
                    throw JsonException.loneSurrogate(pointer(depth), 0, 0);
                }
            }
            pos = p;
        }
        ensure(1);
        buf[pos++] = '"';
    }

    /** RFC 6901 pointer to the value at {@code depth} on the current path. */
    private String pointer(int depth) {
        StringBuilder out = new StringBuilder();
        for (int d = 1; d <= depth; d++) {
            out.append('/');
            String key = pathKeys[d];
            if (key == null) {
                out.append(pathIndexes[d]);
            } else {
                out.append(key.replace("~", "~0").replace("/", "~1"));
            }
        }
        return out.toString();
    }
}
