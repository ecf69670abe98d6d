package dev.cairn.cell.api;

/** Rust's debug formatting of a string, so that messages match the reference byte for byte. */
final class RustDebug {

    private RustDebug() {}

    /** The string in double quotes with {@code \"}, {@code \\}, {@code \n}, and brace-delimited hex escapes for other control characters. */
    static String quote(String s) {
        if (s == null) {
            return "None";
        }
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        s.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 0 -> out.append("\\0");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append("\\u{").append(Integer.toHexString(c)).append('}');
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.append('"').toString();
    }
}
