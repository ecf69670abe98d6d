package dev.cairn.orchestrator.spec;

import java.nio.file.FileSystems;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The syntax rules of the names and strings in a spec. Each pattern is also in the spec's JSON
 * Schema (a test keeps them equal).
 */
final class Names {

    /** Op ids, step ids, param names, export target names, tags: a state-id segment. */
    static final String ID = "^[a-z][a-z0-9_]{0,62}$";

    static final String VERSION = "^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$";
    static final String ENV_NAME = "^[A-Za-z_][A-Za-z0-9_]{0,127}$";
    static final String SECRET_NAME = ENV_NAME;
    static final String SECRET_FILE = "^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$";
    static final String LABEL_KEY = "^[a-z][a-z0-9._-]{0,62}$";
    static final String LABEL_VALUE = "^[A-Za-z0-9._-]{1,63}$";
    static final String REGION = "^[a-z0-9]([a-z0-9-]{0,59}[a-z0-9])?$";
    static final String CAPABILITY = "^([a-z][a-z0-9._-]{0,63}|(/[a-z0-9][a-z0-9._-]{0,63}){1,8})$";
    static final String EXPORT_NAME = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";
    static final String CONTENT_TYPE =
            "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}(; ?[A-Za-z0-9_-]{1,32}=[A-Za-z0-9_.-]{1,64})*$";
    static final String EVENTS = "^(minimal|normal|verbose|custom:[a-z][a-z0-9_]{0,62})$";
    static final String DURATION = "^([0-9]{1,9}d)?([0-9]{1,9}h)?([0-9]{1,9}m)?([0-9]{1,9}s)?([0-9]{1,9}ms)?$";
    static final String SIZE = "^[0-9]{1,19}(B|kB|MB|GB|TB|KiB|MiB|GiB|TiB)?$";
    static final String SHELL = "^/[^\\x00]*$";

    /** The environment prefix reserved for variables Cairn sets. */
    static final String RESERVED_ENV_PREFIX = "CAIRN_";

    private static final Pattern ID_RE = Pattern.compile(ID);
    private static final Pattern VERSION_RE = Pattern.compile(VERSION);
    private static final Pattern ENV_NAME_RE = Pattern.compile(ENV_NAME);
    private static final Pattern SECRET_FILE_RE = Pattern.compile(SECRET_FILE);
    private static final Pattern LABEL_KEY_RE = Pattern.compile(LABEL_KEY);
    private static final Pattern LABEL_VALUE_RE = Pattern.compile(LABEL_VALUE);
    private static final Pattern REGION_RE = Pattern.compile(REGION);
    private static final Pattern CAPABILITY_RE = Pattern.compile(CAPABILITY);
    private static final Pattern EXPORT_NAME_RE = Pattern.compile(EXPORT_NAME);
    private static final Pattern CONTENT_TYPE_RE = Pattern.compile(CONTENT_TYPE);
    private static final Pattern EVENTS_RE = Pattern.compile(EVENTS);
    private static final Pattern SHELL_RE = Pattern.compile(SHELL);

    static final String ID_RULE =
            "1 to 63 characters: a lowercase letter, then lowercase letters, digits or underscores";

    private Names() {}

    static boolean isId(String value) {
        return ID_RE.matcher(value).matches();
    }

    static String requireId(String what, String value) {
        if (value == null || !isId(value)) {
            throw SpecException.unplaced(
                    "",
                    SpecCode.INVALID_ID,
                    what + " " + (value == null ? "is missing" : Texts.quote(value) + " is not " + ID_RULE));
        }
        return value;
    }

    static boolean isVersion(String value) {
        return VERSION_RE.matcher(value).matches();
    }

    static boolean isEnvName(String value) {
        return ENV_NAME_RE.matcher(value).matches();
    }

    static boolean isReservedEnv(String value) {
        return value.startsWith(RESERVED_ENV_PREFIX);
    }

    static boolean isSecretName(String value) {
        return ENV_NAME_RE.matcher(value).matches();
    }

    static boolean isSecretFile(String value) {
        return SECRET_FILE_RE.matcher(value).matches();
    }

    static boolean isLabelKey(String value) {
        return LABEL_KEY_RE.matcher(value).matches();
    }

    static boolean isLabelValue(String value) {
        return LABEL_VALUE_RE.matcher(value).matches();
    }

    static boolean isRegion(String value) {
        return REGION_RE.matcher(value).matches();
    }

    static boolean isCapability(String value) {
        return CAPABILITY_RE.matcher(value).matches();
    }

    static boolean isExportName(String value) {
        return EXPORT_NAME_RE.matcher(value).matches();
    }

    static boolean isContentType(String value) {
        return CONTENT_TYPE_RE.matcher(value).matches();
    }

    static boolean isEvents(String value) {
        return EVENTS_RE.matcher(value).matches();
    }

    static boolean isShell(String value) {
        return SHELL_RE.matcher(value).matches();
    }

    /**
     * Why {@code value} is not a path inside the workspace (relative, no {@code ..} segment, no
     * NUL, not empty); empty when it is one.
     */
    static Optional<String> workspacePathProblem(String value) {
        if (value.isEmpty()) {
            return Optional.of("is empty");
        }
        if (value.startsWith("/")) {
            return Optional.of("is absolute; paths are relative to the workspace root");
        }
        if (value.indexOf('\0') >= 0) {
            return Optional.of("contains NUL");
        }
        for (String segment : value.split("/", -1)) {
            if (segment.equals("..")) {
                return Optional.of("leaves the workspace through `..`");
            }
        }
        return Optional.empty();
    }

    /** Why {@code value} is not a local path relative to the spec's directory; empty when it is one. */
    static Optional<String> localPathProblem(String value) {
        if (value.isEmpty()) {
            return Optional.of("is empty");
        }
        if (value.startsWith("/")) {
            return Optional.of("is absolute; local inputs are relative to the spec file's directory");
        }
        if (value.indexOf('\0') >= 0) {
            return Optional.of("contains NUL");
        }
        return Optional.empty();
    }

    /** Why {@code value} is not a relative java.nio glob inside the workspace; empty when it is one. */
    static Optional<String> globProblem(String value) {
        Optional<String> path = workspacePathProblem(value);
        if (path.isPresent()) {
            return path;
        }
        try {
            FileSystems.getDefault().getPathMatcher("glob:" + value);
            return Optional.empty();
        } catch (PatternSyntaxException e) {
            return Optional.of("is not a valid glob: " + e.getDescription());
        } catch (RuntimeException e) {
            return Optional.of("is not a valid glob");
        }
    }

    /** Whether {@code glob} (already valid) matches the relative path {@code path}. */
    static boolean globMatches(String glob, String path) {
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(java.nio.file.Path.of(path));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
