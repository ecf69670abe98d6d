package dev.cairn.executor.protocol;

import java.nio.file.FileSystems;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Validation rules shared by the protocol's records; each has the pattern its schema carries. */
final class Checks {

    /** A path relative to the workspace root: not absolute, no {@code ..} segment, no NUL. */
    static final String RELATIVE_PATH = "^(?!/)(?!(?:.*/)?\\.\\.(?:/|$))[^\\x00]+$";

    /** A name that can be put into a process environment. */
    static final String ENV_NAME = "^[^=\\x00]+$";

    /** Printable text: no ASCII control characters. */
    static final String PRINTABLE = "^[^\\x00-\\x1f\\x7f]+$";

    /** An argv element: anything but NUL, which cannot be passed to a process. */
    static final String NO_NUL = "^[^\\x00]*$";

    /** A stable snake_case error code. */
    static final String CODE = "^[a-z][a-z0-9_]*$";

    private static final Pattern RELATIVE_PATH_RE = Pattern.compile(RELATIVE_PATH);
    private static final Pattern PRINTABLE_RE = Pattern.compile(PRINTABLE);
    private static final Pattern CODE_RE = Pattern.compile(CODE);

    private Checks() {}

    static String relativePath(String field, String value) {
        Objects.requireNonNull(value, field);
        if (value.isEmpty()) {
            throw ExecutorProtocolException.invalidPath(field, value, "is empty");
        }
        if (value.startsWith("/")) {
            throw ExecutorProtocolException.invalidPath(field, value, "is absolute");
        }
        if (value.indexOf('\0') >= 0) {
            throw ExecutorProtocolException.invalidPath(field, value.replace("\0", "\\0"), "contains NUL");
        }
        if (!RELATIVE_PATH_RE.matcher(value).matches()) {
            throw ExecutorProtocolException.invalidPath(field, value, "leaves the workspace through `..`");
        }
        return value;
    }

    static String glob(String value) {
        Objects.requireNonNull(value, "outputs[]");
        if (value.isEmpty()
                || value.startsWith("/")
                || !RELATIVE_PATH_RE.matcher(value).matches()) {
            throw ExecutorProtocolException.invalidGlob(
                    value, "must be relative to the workspace, non-empty and without `..` segments");
        }
        try {
            FileSystems.getDefault().getPathMatcher("glob:" + value);
        } catch (PatternSyntaxException e) {
            throw ExecutorProtocolException.invalidGlob(value, "is not a valid glob: " + e.getDescription());
        }
        return value;
    }

    /** A sorted, unmodifiable copy of an environment whose names and values a process can take. */
    static SortedMap<String, String> env(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        TreeMap<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "env name");
            String value = e.getValue();
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                throw ExecutorProtocolException.invalidEnv(
                        name.replace("\0", "\\0"), "has a name that is empty or contains `=` or NUL");
            }
            if (value == null) {
                throw ExecutorProtocolException.invalidEnv(name, "has no value (null)");
            }
            if (value.indexOf('\0') >= 0) {
                throw ExecutorProtocolException.invalidEnv(name, "has a value containing NUL");
            }
            copy.put(name, value);
        }
        return java.util.Collections.unmodifiableSortedMap(copy);
    }

    /** Non-empty text without control characters, of at most {@code max} characters. */
    static String printable(String field, String value, int max) {
        Objects.requireNonNull(value, field);
        if (value.isEmpty()
                || value.length() > max
                || !PRINTABLE_RE.matcher(value).matches()) {
            throw ExecutorProtocolException.invalidValue(
                    field,
                    "must be 1 to " + max + " characters without control characters, got `"
                            + value.replaceAll("\\p{Cntrl}", "?") + "`");
        }
        return value;
    }

    static String code(String field, String value) {
        Objects.requireNonNull(value, field);
        if (!CODE_RE.matcher(value).matches()) {
            throw ExecutorProtocolException.invalidValue(field, "must be a snake_case code, got `" + value + "`");
        }
        return value;
    }

    static long nonNegative(String field, long value) {
        if (value < 0) {
            throw ExecutorProtocolException.invalidValue(field, "must not be negative, got " + value);
        }
        return value;
    }
}
