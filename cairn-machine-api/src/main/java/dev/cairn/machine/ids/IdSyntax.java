package dev.cairn.machine.ids;

/** The seed's naming contract, {@code ^[a-z][a-z0-9_]{0,62}$} per segment, checked without regex. */
final class IdSyntax {

    static final String SEGMENT_RULE = "1 to 63 characters: a lowercase ASCII letter, then lowercase ASCII letters,"
            + " digits or underscores (^[a-z][a-z0-9_]{0,62}$)";

    private IdSyntax() {}

    /** Whether {@code value[from, to)} is one valid segment. */
    static boolean isSegment(String value, int from, int to) {
        int length = to - from;
        if (length < 1 || length > 63) {
            return false;
        }
        char first = value.charAt(from);
        if (first < 'a' || first > 'z') {
            return false;
        }
        for (int i = from + 1; i < to; i++) {
            char c = value.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code value} is exactly {@code segments} valid segments joined by single dots. */
    static boolean isDotted(String value, int segments) {
        int from = 0;
        for (int i = 0; i < segments; i++) {
            int dot = value.indexOf('.', from);
            boolean last = i == segments - 1;
            if (last != (dot < 0)) {
                return false;
            }
            int to = last ? value.length() : dot;
            if (!isSegment(value, from, to)) {
                return false;
            }
            from = to + 1;
        }
        return true;
    }

    /** The {@code index}-th dot-separated segment of an already validated id. */
    static String segment(String value, int index) {
        int from = 0;
        for (int i = 0; i < index; i++) {
            from = value.indexOf('.', from) + 1;
        }
        int dot = value.indexOf('.', from);
        return value.substring(from, dot < 0 ? value.length() : dot);
    }
}
