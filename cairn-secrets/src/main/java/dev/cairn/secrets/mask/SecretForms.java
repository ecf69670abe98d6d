package dev.cairn.secrets.mask;

import dev.cairn.secrets.SecretPolicy;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Every byte string a secret's value may appear as in output, so that a {@link Masker} can replace
 * them all. For a value {@code v} (and, when {@code v} has several lines, for each of its lines of at
 * least {@value SecretPolicy#MIN_VALUE_BYTES} bytes):
 *
 * <ul>
 *   <li>{@link SecretForm#RAW}: {@code v}.
 *   <li>{@link SecretForm#BASE64}, {@link SecretForm#BASE64_URL}: for each alignment {@code a} in
 *       0, 1, 2 (the value starting {@code a} bytes after a 3-byte group boundary of a larger
 *       base64 stream), the characters that depend on {@code v}'s bits only (the stable inner part,
 *       found wherever {@code v} sits in the stream), and the tail that an encoder writes when
 *       {@code v} ends the stream, padded with {@code =} and unpadded.
 *   <li>{@link SecretForm#PERCENT}: the percent-encodings of RFC 3986 ({@code -._~} kept: Go,
 *       Python {@code quote_plus}, curl), HTML forms and Java's {@code URLEncoder} ({@code -._*}
 *       kept), JavaScript's {@code encodeURIComponent} ({@code -._~!*'()} kept) and {@code
 *       encodeURI} (reserved characters kept too), Python's {@code quote} ({@code /} kept); space as
 *       {@code +} or {@code %20}; hex digits upper- or lowercase.
 *   <li>{@link SecretForm#JSON}: the value inside a JSON string as encoders write it: {@code \"} and
 *       {@code \\}; {@code /} plain or as {@code \/}; {@code \n}, {@code \r}, {@code \t}, and
 *       {@code \b}, {@code \f} short or in {@code \}{@code u00XX} form; non-ASCII as UTF-8 or as
 *       {@code \}{@code uXXXX} (surrogate pairs beyond the BMP); HTML-safe escaping as Go ({@code <>&},
 *       U+2028, U+2029) or Gson ({@code <>&='}) do it; hex digits upper- or lowercase.
 *   <li>{@link SecretForm#HEX}: lowercase and uppercase hex of the bytes.
 * </ul>
 *
 * <p>Duplicates are dropped (for a value of letters and digits, the percent and JSON forms are the
 * value itself). Every pattern is at least {@value SecretPolicy#MIN_VALUE_BYTES} bytes long. Not
 * covered: forms nested in one another (base64 of a JSON string, JSON inside a JSON string), base64
 * broken across lines (MIME, PEM), hex with separators, other encodings (UTF-16) and compression.
 */
public final class SecretForms {

    /** One byte string to mask: its form, the line of the value it comes from (-1: the whole value), the bytes. */
    public record Pattern(SecretForm form, int line, byte[] bytes) {
        public Pattern {
            Objects.requireNonNull(form, "form");
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        int length() {
            return bytes.length;
        }

        byte[] bytesUnsafe() {
            return bytes;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pattern p && p.form == form && p.line == line && Arrays.equals(p.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return (form.hashCode() * 31 + line) * 31 + Arrays.hashCode(bytes);
        }

        /** Form, line and length: never the bytes. */
        @Override
        public String toString() {
            return "Pattern[form=" + form + ", line=" + line + ", bytes=" + bytes.length + "]";
        }
    }

    private static final String UNRESERVED = "-._~";
    private static final String JAVA_FORM = "-._*";
    private static final String URI_COMPONENT = "-._~!*'()";
    private static final String URI = "-._~!*'();,/?:@&=+$#";
    private static final String PYTHON_QUOTE = "-._~/";
    private static final List<String> KEEP_SETS = List.of(UNRESERVED, JAVA_FORM, URI_COMPONENT, URI, PYTHON_QUOTE);

    private SecretForms() {}

    /**
     * Every form of {@code value}, whole and line by line, without duplicates, in the order of
     * {@link SecretForm}.
     */
    public static List<Pattern> of(byte[] value) {
        List<Pattern> out = new ArrayList<>();
        Set<ByteKey> seen = new HashSet<>();
        add(out, seen, value, -1);
        List<byte[]> lines = lines(value);
        if (lines.size() > 1) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).length >= SecretPolicy.MIN_VALUE_BYTES) {
                    add(out, seen, lines.get(i), i);
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * The lines of a value: split at {@code \n}, each without a trailing {@code \r}. A value without
     * {@code \n} is one line.
     */
    static List<byte[]> lines(byte[] value) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= value.length; i++) {
            if (i == value.length || value[i] == '\n') {
                int end = i;
                if (end > start && value[end - 1] == '\r') {
                    end--;
                }
                lines.add(Arrays.copyOfRange(value, start, end));
                start = i + 1;
            }
        }
        return lines;
    }

    private static void add(List<Pattern> out, Set<ByteKey> seen, byte[] v, int line) {
        List<Pattern> candidates = new ArrayList<>();
        candidates.add(new Pattern(SecretForm.RAW, line, v));
        base64(candidates, v, line, SecretForm.BASE64, Base64.getEncoder());
        base64(candidates, v, line, SecretForm.BASE64_URL, Base64.getUrlEncoder());
        for (String keep : KEEP_SETS) {
            for (boolean plusForSpace : new boolean[] {true, false}) {
                for (boolean upper : new boolean[] {true, false}) {
                    candidates.add(new Pattern(SecretForm.PERCENT, line, percent(v, keep, plusForSpace, upper)));
                }
            }
        }
        String text = new String(v, StandardCharsets.UTF_8);
        for (boolean slash : new boolean[] {false, true}) {
            for (boolean ascii : new boolean[] {false, true}) {
                for (Html html : Html.values()) {
                    for (boolean upper : new boolean[] {false, true}) {
                        for (boolean shortBf : new boolean[] {true, false}) {
                            candidates.add(new Pattern(
                                    SecretForm.JSON,
                                    line,
                                    json(text, new JsonStyle(slash, ascii, html, upper, shortBf))));
                        }
                    }
                }
            }
        }
        candidates.add(new Pattern(SecretForm.HEX, line, ascii(hex(v, false))));
        candidates.add(new Pattern(SecretForm.HEX, line, ascii(hex(v, true))));
        for (Pattern p : candidates) {
            if (p.length() >= SecretPolicy.MIN_VALUE_BYTES && seen.add(new ByteKey(p.bytesUnsafe()))) {
                out.add(p);
            }
        }
    }

    // ------------------------------------------------------------------ base64

    private static void base64(List<Pattern> out, byte[] v, int line, SecretForm form, Base64.Encoder encoder) {
        int n = v.length;
        for (int a = 0; a < 3; a++) {
            byte[] stream = new byte[a + n];
            System.arraycopy(v, 0, stream, a, n);
            String full = encoder.encodeToString(stream);
            int first = (8 * a + 5) / 6; // first character made of the value's bits only
            int end = (8 * (a + n)) / 6; // end of the characters made of the value's bits only
            out.add(new Pattern(form, line, ascii(full.substring(first, end))));
            String tail = full.substring(first);
            out.add(new Pattern(form, line, ascii(tail)));
            out.add(new Pattern(form, line, ascii(stripPadding(tail))));
        }
    }

    /**
     * The characters of {@code value}'s base64 encoding that do not depend on its neighbours when it
     * starts {@code alignment} bytes into a 3-byte group: what a search for the value inside any
     * larger base64 text looks for.
     */
    public static String base64Inner(byte[] value, int alignment, boolean urlSafe) {
        if (alignment < 0 || alignment > 2) {
            throw new IllegalArgumentException("alignment must be 0, 1 or 2, got " + alignment);
        }
        byte[] stream = new byte[alignment + value.length];
        System.arraycopy(value, 0, stream, alignment, value.length);
        String full = (urlSafe ? Base64.getUrlEncoder() : Base64.getEncoder()).encodeToString(stream);
        return full.substring((8 * alignment + 5) / 6, (8 * (alignment + value.length)) / 6);
    }

    private static String stripPadding(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '=') {
            end--;
        }
        return s.substring(0, end);
    }

    // ------------------------------------------------------------------ percent-encoding

    private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();
    private static final char[] HEX_LOWER = "0123456789abcdef".toCharArray();

    private static byte[] percent(byte[] v, String keep, boolean plusForSpace, boolean upper) {
        char[] digits = upper ? HEX_UPPER : HEX_LOWER;
        ByteArrayOutputStream out = new ByteArrayOutputStream(v.length * 3);
        for (byte b : v) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out.write(c);
            } else if (c < 0x80 && keep.indexOf(c) >= 0) {
                out.write(c);
            } else if (c == ' ' && plusForSpace) {
                out.write('+');
            } else {
                out.write('%');
                out.write(digits[c >> 4]);
                out.write(digits[c & 0xf]);
            }
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ JSON

    /** HTML-safe escaping of JSON encoders: none, Go's, Gson's. */
    private enum Html {
        NONE,
        GO,
        GSON
    }

    private record JsonStyle(boolean slash, boolean ascii, Html html, boolean upperHex, boolean shortBf) {}

    private static byte[] json(String text, JsonStyle style) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        char[] digits = style.upperHex() ? HEX_UPPER : HEX_LOWER;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '/' -> b.append(style.slash() ? "\\/" : "/");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> appendShortOrUnicode(b, "\\b", c, style.shortBf(), digits);
                case '\f' -> appendShortOrUnicode(b, "\\f", c, style.shortBf(), digits);
                default -> {
                    boolean escape = c < 0x20
                            || (style.ascii() && c >= 0x80)
                            || (style.html() != Html.NONE && (c == '<' || c == '>' || c == '&'))
                            || (style.html() == Html.GO && (c == '\u2028' || c == '\u2029'))
                            || (style.html() == Html.GSON && (c == '=' || c == '\''));
                    if (escape) {
                        unicodeEscape(b, c, digits);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void appendShortOrUnicode(StringBuilder b, String shortForm, char c, boolean useShort, char[] d) {
        if (useShort) {
            b.append(shortForm);
        } else {
            unicodeEscape(b, c, d);
        }
    }

    private static void unicodeEscape(StringBuilder b, char c, char[] d) {
        b.append('\\')
                .append('u')
                .append(d[(c >> 12) & 0xf])
                .append(d[(c >> 8) & 0xf])
                .append(d[(c >> 4) & 0xf])
                .append(d[c & 0xf]);
    }

    // ------------------------------------------------------------------ hex

    private static String hex(byte[] v, boolean upper) {
        char[] digits = upper ? HEX_UPPER : HEX_LOWER;
        char[] out = new char[v.length * 2];
        for (int i = 0; i < v.length; i++) {
            out[2 * i] = digits[(v[i] >> 4) & 0xf];
            out[2 * i + 1] = digits[v[i] & 0xf];
        }
        return new String(out);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Byte-array key for de-duplication. */
    private record ByteKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ByteKey k && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "ByteKey[" + bytes.length + "]";
        }
    }
}
