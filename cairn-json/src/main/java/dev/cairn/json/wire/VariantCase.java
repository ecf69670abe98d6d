package dev.cairn.json.wire;

import java.util.Locale;

/** Spelling of variant names on the wire, as serde's {@code rename_all}. */
public enum VariantCase {
    /** {@code MissBuildAs}, serde's default. */
    PASCAL_CASE,
    /** {@code miss_build_as}. */
    SNAKE_CASE,
    /** {@code missbuildas}. */
    LOWERCASE,
    /** {@code MISS_BUILD_AS}. */
    SCREAMING_SNAKE_CASE,
    /** {@code miss-build-as}. */
    KEBAB_CASE;

    /**
     * Spells a Java name (a record's simple name in PascalCase, or an enum constant in
     * SCREAMING_SNAKE_CASE) in this case.
     */
    public String apply(String javaName) {
        String pascal = toPascal(javaName);
        return switch (this) {
            case PASCAL_CASE -> pascal;
            case SNAKE_CASE -> joinWords(pascal, '_').toLowerCase(Locale.ROOT);
            case LOWERCASE -> pascal.toLowerCase(Locale.ROOT);
            case SCREAMING_SNAKE_CASE -> joinWords(pascal, '_').toUpperCase(Locale.ROOT);
            case KEBAB_CASE -> joinWords(pascal, '-').toLowerCase(Locale.ROOT);
        };
    }

    /** {@code READ_ONLY_IO} → {@code ReadOnlyIo}; names not in SCREAMING_SNAKE_CASE are kept. */
    static String toPascal(String name) {
        if (!name.equals(name.toUpperCase(Locale.ROOT))) {
            return name;
        }
        StringBuilder out = new StringBuilder(name.length());
        for (String word : name.split("_")) {
            if (word.isEmpty()) {
                continue;
            }
            out.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }

    /** {@code MissBuildAs} → {@code Miss_Build_As} (the caller fixes the case). */
    private static String joinWords(String pascal, char separator) {
        StringBuilder out = new StringBuilder(pascal.length() + 4);
        for (int i = 0; i < pascal.length(); i++) {
            char c = pascal.charAt(i);
            if (i > 0 && Character.isUpperCase(c)) {
                out.append(separator);
            }
            out.append(c);
        }
        return out.toString();
    }
}
