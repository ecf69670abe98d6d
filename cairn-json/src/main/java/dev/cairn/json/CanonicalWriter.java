package dev.cairn.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the RFC 8785 form of a Jackson tree as UTF-8 into a byte buffer, without intermediate
 * strings except inside {@link Double#toString}. When the buffer fills it is handed to a
 * {@link Drain} (a digest or a stream) and reused; without a drain it grows and holds the whole
 * output.
 *
 * <p>Objects of the same shape (the same keys in the same insertion order, as in arrays of
 * records) are sorted once: a small cache maps a shape to its canonical member order and to its
 * keys already encoded. One instance is reused for many documents by one thread at a time.
 */
final class CanonicalWriter {

    /** Receives full buffers. */
    @FunctionalInterface
    interface Drain {
        void accept(byte[] bytes, int length);
    }

    /** Characters encoded per capacity check; a char needs at most 6 bytes (<code>&#92;u001f</code>). */
    private static final int CHARS_PER_CHECK = 1024;

    private static final int DRAIN_CAPACITY = 16 * 1024;

    private static final long MAX_SAFE = StrictJson.MAX_SAFE_INTEGER;
    private static final double TWO_53 = 9007199254740992.0;
    private static final BigInteger MAX_SAFE_BIG = BigInteger.valueOf(MAX_SAFE);

    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] NULL = ascii("null");
    private static final byte[] EMPTY_OBJECT = ascii("{}");

    /** For each ASCII char: 0 = as is, 'u' = six-char escape, else the letter after the backslash. */
    private static final byte[] ESCAPE = new byte[128];

    private static final byte[] HEX = ascii("0123456789abcdef");

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

    /** Shapes remembered (a power of two) and the most members a remembered shape may have. */
    private static final int SHAPES = 256;

    private static final int MAX_SHAPE_SIZE = 64;

    private static final int MAX_DEPTH = StrictJson.MAX_DEPTH;

    private final Drain drain;
    private byte[] buf;
    private int pos;
    private final byte[] numberDigits = new byte[EcmaScriptNumbers.SCRATCH_LENGTH];
    private final char[] chars = new char[CHARS_PER_CHECK + 1];

    /** Keys and indexes of the current path, for error pointers; null key = array index. */
    private final String[] pathKeys = new String[MAX_DEPTH + 2];

    private final int[] pathIndexes = new int[MAX_DEPTH + 2];

    /** Per-depth scratch arrays for an object's members, so that sorting allocates nothing. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private final Map.Entry<String, JsonNode>[][] members = new Map.Entry[MAX_DEPTH + 2][];

    /**
     * An object shape: its keys in insertion order, the canonical order, and the keys encoded in
     * that order with their punctuation ({@code "a":}, {@code ,"b":}, ...).
     */
    private record Shape(String[] keys, int[] order, byte[][] encodedKeys) {}

    private final Shape[] shapes = new Shape[SHAPES];

    /** A writer that drains full buffers of 16 KiB. */
    CanonicalWriter(Drain drain) {
        this.drain = drain;
        this.buf = new byte[DRAIN_CAPACITY];
    }

    /** A writer that grows its buffer to hold the whole document. */
    CanonicalWriter(int initialCapacity) {
        this.drain = null;
        this.buf = new byte[Math.max(initialCapacity, 64)];
    }

    /** Set while a document is being written, to detect re-entrant use of a cached writer. */
    boolean busy;

    void reset() {
        pos = 0;
    }

    /** Size of the buffer. */
    int capacity() {
        return buf.length;
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
        if (pos + room > buf.length) {
            makeRoom(room);
        }
    }

    private void makeRoom(int room) {
        if (drain != null && room <= buf.length) {
            flush();
        } else {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + room));
        }
    }

    private void raw(byte[] bytes) {
        int n = bytes.length;
        ensure(n);
        byte[] b = buf;
        int p = pos;
        if (n <= 16) { // short keys and literals: a loop beats the arraycopy call
            for (int i = 0; i < n; i++) {
                b[p + i] = bytes[i];
            }
        } else {
            System.arraycopy(bytes, 0, b, p, n);
        }
        pos = p + n;
    }

    private void value(JsonNode node, int depth) {
        // Exact class checks first: one compare each, where instanceof walks the hierarchy.
        Class<?> type = node.getClass();
        if (type == TextNode.class) {
            string(((TextNode) node).textValue(), depth);
        } else if (type == ObjectNode.class) {
            object((ObjectNode) node, depth);
        } else if (type == IntNode.class) {
            integer(((IntNode) node).intValue());
        } else if (type == ArrayNode.class) {
            array((ArrayNode) node, depth);
        } else if (type == DoubleNode.class) {
            floating(((DoubleNode) node).doubleValue(), depth);
        } else if (type == LongNode.class) {
            integer(((LongNode) node).longValue(), depth);
        } else {
            anyValue(node, depth);
        }
    }

    /** Subclasses and the rarer node types. */
    private void anyValue(JsonNode node, int depth) {
        if (node instanceof TextNode text) {
            string(text.textValue(), depth);
        } else if (node instanceof ObjectNode object) {
            object(object, depth);
        } else if (node instanceof NumericNode) {
            number(node, depth);
        } else if (node instanceof ArrayNode array) {
            array(array, depth);
        } else if (node instanceof BooleanNode bool) {
            raw(bool.booleanValue() ? TRUE : FALSE);
        } else if (node instanceof NullNode) {
            raw(NULL);
        } else {
            throw JsonException.unsupportedValue(
                    pointer(depth), node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
    }

    private void object(ObjectNode node, int depth) {
        int inner = enter(depth);
        int size = node.size();
        if (size == 0) {
            raw(EMPTY_OBJECT);
            return;
        }
        Map.Entry<String, JsonNode>[] entries = members[inner];
        if (entries == null || entries.length < size) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Map.Entry<String, JsonNode>[] grown = new Map.Entry[Math.max(size, 16)];
            entries = grown;
            members[inner] = entries;
        }
        int count = 0;
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            entries[count++] = e;
        }
        Shape shape = count <= MAX_SHAPE_SIZE ? shape(entries, count, inner) : null;
        if (shape == null) {
            // String.compareTo orders by UTF-16 code units, as RFC 8785 section 3.2.3 requires.
            Arrays.sort(entries, 0, count, BY_KEY);
        }
        ensure(1);
        buf[pos++] = '{';
        if (shape != null) {
            for (int i = 0; i < count; i++) {
                Map.Entry<String, JsonNode> e = entries[shape.order[i]];
                pathKeys[inner] = e.getKey();
                raw(shape.encodedKeys[i]); // with its comma and colon
                value(e.getValue(), inner);
            }
        } else {
            for (int i = 0; i < count; i++) {
                Map.Entry<String, JsonNode> e = entries[i];
                if (i > 0) {
                    ensure(1);
                    buf[pos++] = ',';
                }
                pathKeys[inner] = e.getKey();
                string(e.getKey(), inner);
                ensure(1);
                buf[pos++] = ':';
                value(e.getValue(), inner);
            }
        }
        Arrays.fill(entries, 0, count, null);
        ensure(1);
        buf[pos++] = '}';
    }

    /** The remembered shape of these members, computed and remembered on a miss. */
    private Shape shape(Map.Entry<String, JsonNode>[] entries, int count, int depth) {
        String first = entries[0].getKey();
        String last = entries[count - 1].getKey();
        int slot = (first.hashCode() * 31 + last.hashCode() + count) & (SHAPES - 1);
        Shape cached = shapes[slot];
        if (cached != null && sameKeys(cached.keys, entries, count)) {
            return cached;
        }
        String[] keys = new String[count];
        for (int i = 0; i < count; i++) {
            keys[i] = entries[i].getKey();
        }
        Integer[] byKey = new Integer[count];
        for (int i = 0; i < count; i++) {
            byKey[i] = i;
        }
        Arrays.sort(byKey, (a, b) -> keys[a].compareTo(keys[b]));
        int[] order = new int[count];
        byte[][] encoded = new byte[count][];
        for (int i = 0; i < count; i++) {
            order[i] = byKey[i];
            pathKeys[depth] = keys[order[i]];
            encoded[i] = encodeKey(keys[order[i]], i > 0, depth);
        }
        Shape shape = new Shape(keys, order, encoded);
        shapes[slot] = shape;
        return shape;
    }

    private static boolean sameKeys(String[] keys, Map.Entry<String, JsonNode>[] entries, int count) {
        if (keys.length != count) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            String k = entries[i].getKey();
            if (k != keys[i] && !k.equals(keys[i])) {
                return false;
            }
        }
        return true;
    }

    /** {@code "key":}, after a comma unless it is the first member, encoded on its own. */
    private byte[] encodeKey(String key, boolean comma, int depth) {
        byte[] out = new byte[key.length() * 6 + 4];
        int start = 0;
        if (comma) {
            out[start++] = ',';
        }
        out[start++] = '"';
        char[] chars = key.toCharArray();
        int end = encode(chars, chars.length, chars.length, out, start);
        if (end < 0) {
            throw JsonException.loneSurrogate(pointer(depth), 0, 0);
        }
        out[end++] = '"';
        out[end++] = ':';
        return Arrays.copyOf(out, end);
    }

    private void array(ArrayNode node, int depth) {
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
        if (depth >= MAX_DEPTH) {
            throw JsonException.tooDeep(pointer(depth), MAX_DEPTH, 0, 0);
        }
        return depth + 1;
    }

    private void number(JsonNode node, int depth) {
        if (node instanceof IntNode i) {
            integer(i.intValue());
        } else if (node instanceof DoubleNode d) {
            floating(d.doubleValue(), depth);
        } else if (node instanceof LongNode l) {
            integer(l.longValue(), depth);
        } else {
            switch (node.numberType()) {
                case INT, LONG -> integer(node.longValue(), depth);
                case BIG_INTEGER -> {
                    BigInteger v = node.bigIntegerValue();
                    if (v.abs().compareTo(MAX_SAFE_BIG) > 0) {
                        largeInteger(v.toString(), depth);
                    } else {
                        integer(v.longValue());
                    }
                }
                case FLOAT, DOUBLE -> floating(node.doubleValue(), depth);
                case BIG_DECIMAL -> floating(node.decimalValue().doubleValue(), depth);
            }
        }
    }

    private void integer(long v, int depth) {
        if (v > MAX_SAFE || v < -MAX_SAFE) {
            largeInteger(Long.toString(v), depth);
        } else {
            integer(v);
        }
    }

    /** Beyond ±(2^53−1) only integers spelled exactly as RFC 8785 writes a double pass. */
    private void largeInteger(String text, int depth) {
        if (!EcmaScriptNumbers.isDoubleSpelling(text)) {
            throw JsonException.integerOutOfRange(pointer(depth), text, 0, 0);
        }
        raw(ascii(text));
    }

    private void floating(double v, int depth) {
        if (!Double.isFinite(v)) {
            throw JsonException.nonFiniteNumber(pointer(depth), Double.toString(v), 0, 0);
        }
        if (Math.abs(v) < TWO_53 && v == (long) v) {
            integer((long) v); // also turns -0 into 0
        } else {
            ensure(EcmaScriptNumbers.MAX_LENGTH);
            pos = EcmaScriptNumbers.write(v, buf, pos, numberDigits);
        }
    }

    /** An integer within ±(2^53−1). */
    private void integer(long v) {
        ensure(20);
        if (v < 0) {
            buf[pos++] = '-';
            v = -v;
        }
        pos = EcmaScriptNumbers.writeLong(v, buf, pos);
    }

    /** A JSON string per RFC 8785 section 3.2.2.2, UTF-8 encoded. */
    private void string(String s, int depth) {
        int len = s.length();
        if (len <= CHARS_PER_CHECK) {
            char[] chars = this.chars;
            s.getChars(0, len, chars, 0);
            ensure(len * 6 + 2);
            buf[pos] = '"';
            int p = encode(chars, len, len, buf, pos + 1);
            if (p < 0) {
                throw JsonException.loneSurrogate(pointer(depth), 0, 0);
            }
            buf[p] = '"';
            pos = p + 1;
            return;
        }
        ensure(1);
        buf[pos++] = '"';
        char[] chars = this.chars;
        int i = 0;
        while (i < len) {
            int end = Math.min(len, i + CHARS_PER_CHECK);
            // One more char, so that a surrogate pair is never split between chunks.
            int copied = Math.min(len, end + 1) - i;
            s.getChars(i, i + copied, chars, 0);
            if (end < len && Character.isHighSurrogate(chars[end - i - 1])) {
                end++;
            }
            ensure((end - i) * 6);
            int p = encode(chars, end - i, copied, buf, pos);
            if (p < 0) {
                throw JsonException.loneSurrogate(pointer(depth), 0, 0);
            }
            pos = p;
            i = end;
        }
        ensure(1);
        buf[pos++] = '"';
    }

    /**
     * Encodes {@code chars[0, to)} with RFC 8785 escapes as UTF-8 into {@code b} at {@code p} (room
     * for 6 bytes per char needed); {@code available} chars may be read, for a pair's second half.
     * Returns the end, or −1 at an unpaired surrogate.
     */
    private static int encode(char[] chars, int to, int available, byte[] b, int p) {
        int i = 0;
        // ASCII that needs no escape: the common case, in a tight loop.
        while (i < to) {
            char c = chars[i];
            if (c >= 0x80 || ESCAPE[c] != 0) {
                break;
            }
            b[p++] = (byte) c;
            i++;
        }
        for (; i < to; i++) {
            char c = chars[i];
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
            } else if (Character.isHighSurrogate(c) && i + 1 < available && Character.isLowSurrogate(chars[i + 1])) {
                int cp = Character.toCodePoint(c, chars[++i]);
                b[p++] = (byte) (0xF0 | (cp >> 18));
                b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                return -1;
            }
        }
        return p;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
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
