package dev.cairn.workspace;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a {@link WorkspaceTree}'s RFC 8785 canonical JSON directly, without building a Jackson
 * tree: snapshots write one tree object per directory, and the generic path costs several times
 * more. The output is byte for byte what {@code Canonical.canonicalize(Wire.toTree(tree))} gives
 * (a test compares the two on random trees): members sorted by key, no whitespace, strings escaping
 * only {@code "}, {@code \} and U+0000–U+001F, integers in plain decimal.
 */
final class TreeCodec {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf = new byte[256];
    private int len;

    private TreeCodec() {}

    /** The canonical JSON of {@code tree}. */
    static byte[] canonical(WorkspaceTree tree) {
        TreeCodec out = new TreeCodec();
        out.ascii("{\"entries\":[");
        boolean first = true;
        for (TreeEntry entry : tree.entries()) {
            if (!first) {
                out.put((byte) ',');
            }
            first = false;
            switch (entry) {
                case TreeEntry.File f -> {
                    out.ascii("{\"digest\":\"");
                    out.ascii(f.digest().value());
                    out.ascii("\",\"kind\":\"file\",\"mode\":\"");
                    out.ascii(f.mode() == FileMode.EXECUTABLE ? "executable" : "regular");
                    out.ascii("\",\"name\":");
                    out.string(f.name());
                    out.ascii(",\"size\":");
                    out.ascii(Long.toString(f.size()));
                    out.put((byte) '}');
                }
                case TreeEntry.Directory d -> {
                    out.ascii("{\"kind\":\"directory\",\"name\":");
                    out.string(d.name());
                    out.ascii(",\"tree\":\"");
                    out.ascii(d.tree().value());
                    out.ascii("\"}");
                }
                case TreeEntry.Symlink l -> {
                    out.ascii("{\"kind\":\"symlink\",\"name\":");
                    out.string(l.name());
                    out.ascii(",\"target\":");
                    out.string(l.target());
                    out.put((byte) '}');
                }
            }
        }
        out.ascii("],\"version\":");
        out.ascii(Integer.toString(tree.version()));
        out.put((byte) '}');
        return Arrays.copyOf(out.buf, out.len);
    }

    private void string(String s) {
        put((byte) '"');
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                utf8(s, start, i);
                escape(c);
                start = i + 1;
            }
        }
        utf8(s, start, s.length());
        put((byte) '"');
    }

    private void escape(char c) {
        put((byte) '\\');
        switch (c) {
            case '"' -> put((byte) '"');
            case '\\' -> put((byte) '\\');
            case '\b' -> put((byte) 'b');
            case '\t' -> put((byte) 't');
            case '\n' -> put((byte) 'n');
            case '\f' -> put((byte) 'f');
            case '\r' -> put((byte) 'r');
            default -> {
                put((byte) 'u');
                put((byte) '0');
                put((byte) '0');
                put(HEX[c >> 4]);
                put(HEX[c & 0xf]);
            }
        }
    }

    /** Appends {@code s[from, to)} as UTF-8 (names and targets hold no unpaired surrogates). */
    private void utf8(String s, int from, int to) {
        boolean ascii = true;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            ensure(to - from);
            for (int i = from; i < to; i++) {
                buf[len++] = (byte) s.charAt(i);
            }
        } else {
            byte[] bytes = s.substring(from, to).getBytes(StandardCharsets.UTF_8);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, len, bytes.length);
            len += bytes.length;
        }
    }

    private void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
