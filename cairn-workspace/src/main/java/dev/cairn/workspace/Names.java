package dev.cairn.workspace;

import java.util.Comparator;
import java.util.Objects;

/** Rules for tree entry names, and the order entries are sorted in. */
public final class Names {

    /**
     * An entry name: one path segment, non-empty, not {@code .} or {@code ..}, without {@code /} or
     * NUL. The schema's pattern; {@link #check} also refuses unpaired surrogates, which have no
     * UTF-8 form.
     */
    public static final String PATTERN = "^(?!\\.\\.?$)[^/\\x00]+$";

    /**
     * The order of entries in a tree: by name in UTF-8 byte order, which is Unicode code point order
     * (and the order of {@code LC_ALL=C ls}, Git and Rust's {@code str}). It differs from {@link
     * String#compareTo} (UTF-16 code units) only between supplementary characters and U+E000–U+FFFF.
     */
    public static final Comparator<String> ORDER = Names::compare;

    private Names() {}

    /** Compares two names by Unicode code points (equivalently, by their UTF-8 bytes). */
    public static int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (x >= Character.MIN_SURROGATE && y >= Character.MIN_SURROGATE) {
                    return fixup(x) - fixup(y);
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }

    /** Moves surrogates above U+E000–U+FFFF, so that UTF-16 units compare as code points. */
    private static int fixup(char c) {
        if (c >= 0xE000) {
            return c - 0x800;
        }
        return c + 0x2000;
    }

    /**
     * Returns {@code name} if it is a valid entry name.
     *
     * @throws WorkspaceException {@code invalid_entry_name} otherwise
     */
    public static String check(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw WorkspaceException.invalidName(name, "is empty");
        }
        if (name.equals(".") || name.equals("..")) {
            throw WorkspaceException.invalidName(name, "is a relative reference, not a name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/') {
                throw WorkspaceException.invalidName(name, "contains `/`");
            }
            if (c == 0) {
                throw WorkspaceException.invalidName(name, "contains NUL");
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw WorkspaceException.invalidName(name, "contains an unpaired surrogate");
            }
            if (Character.isLowSurrogate(c)) {
                throw WorkspaceException.invalidName(name, "contains an unpaired surrogate");
            }
        }
        return name;
    }
}
