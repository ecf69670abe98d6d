package dev.cairn.secrets;

import dev.cairn.json.Secrets;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The rules every broker, the store and the masker share: what a secret's name, value, time to
 * live, variable and file name may be.
 *
 * <p><b>Names</b> are those of {@code docs/pipelines.md}: 1-128 letters, digits and {@code _}, not
 * starting with a digit ({@value #NAME_PATTERN}); case matters.
 *
 * <p><b>Values</b> are UTF-8 text without NUL, {@value #MIN_VALUE_BYTES} to {@value
 * #MAX_VALUE_BYTES} bytes. Text, because a step chooses whether a secret arrives as an environment
 * variable or a file, so every secret must be deliverable as a variable. At least {@value
 * #MIN_VALUE_BYTES} bytes, because every occurrence of a secret in step output is masked: masking a
 * 3-byte value would turn every {@code abc} of a build log into {@code ***}, and the output of a step
 * would no longer say what happened, while 8 random characters from a 64-character alphabet occur
 * by chance about once in 2^48 positions.
 */
public final class SecretPolicy {

    /** Secret names, as in pipeline specs. */
    public static final String NAME_PATTERN = "^[A-Za-z_][A-Za-z0-9_]{0,127}$";

    /** Environment variable names a secret may be delivered as ({@code CAIRN_*} is reserved). */
    public static final String VARIABLE_PATTERN = "^[A-Za-z_][A-Za-z0-9_]{0,127}$";

    /** File names a secret may be delivered as, in the cell's secrets directory. */
    public static final String FILE_PATTERN = "^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$";

    /** The prefix of variables Cairn sets itself; secrets are never delivered under it. */
    public static final String RESERVED_VARIABLE_PREFIX = "CAIRN_";

    /** The shortest secret value, in bytes (see the class comment for why). */
    public static final int MIN_VALUE_BYTES = 8;

    /** The longest secret value, in bytes: 64 KiB, well under Linux's 128 KiB per environment string. */
    public static final int MAX_VALUE_BYTES = 64 * 1024;

    /** The longest time to live of a resolution or lease: 31 days. */
    public static final long MAX_TTL_SECONDS = 31L * 24 * 3600;

    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);
    private static final Pattern VARIABLE = Pattern.compile(VARIABLE_PATTERN);
    private static final Pattern FILE = Pattern.compile(FILE_PATTERN);

    private SecretPolicy() {}

    /**
     * Whether {@code name} is a valid secret name: the pattern, and not shaped like a credential (a
     * GitHub token is a valid identifier; as a name it is a value pasted in the wrong place).
     */
    public static boolean isName(String name) {
        return name != null
                && NAME.matcher(name).matches()
                && Secrets.credentialIn(name).isEmpty();
    }

    /**
     * Returns {@code name} when it is a valid secret name.
     *
     * @throws SecretsException {@code invalid_secret_name}
     */
    public static String requireName(String name) {
        if (!isName(name)) {
            throw SecretsException.invalidName(name);
        }
        return name;
    }

    /** Whether {@code variable} may carry a secret: a variable name, not {@code CAIRN_*}. */
    public static boolean isVariable(String variable) {
        return variable != null
                && VARIABLE.matcher(variable).matches()
                && !variable.startsWith(RESERVED_VARIABLE_PREFIX);
    }

    /** Whether {@code fileName} may name a secret file. */
    public static boolean isFileName(String fileName) {
        return fileName != null && FILE.matcher(fileName).matches();
    }

    /**
     * Checks a value: its length and that it is UTF-8 text without NUL.
     *
     * @throws SecretsException {@code secret_too_short}, {@code secret_too_large} or {@code secret_not_text}
     */
    public static void requireValue(String name, byte[] value) {
        if (value.length < MIN_VALUE_BYTES) {
            throw SecretsException.tooShort(name, value.length);
        }
        if (value.length > MAX_VALUE_BYTES) {
            throw SecretsException.tooLarge(name, value.length);
        }
        for (byte b : value) {
            if (b == 0) {
                throw SecretsException.notText(name, "contains a NUL byte");
            }
        }
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value));
        } catch (CharacterCodingException e) {
            throw SecretsException.notText(name, "is not valid UTF-8");
        }
    }

    /**
     * Checks a time to live.
     *
     * @throws SecretsException {@code invalid_ttl} unless 1 to {@value #MAX_TTL_SECONDS} seconds
     */
    public static long requireTtl(long ttlSeconds) {
        if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
            throw SecretsException.invalidTtl(ttlSeconds);
        }
        return ttlSeconds;
    }

    /**
     * Checks a cell id: 1-128 characters, not blank, no control characters.
     *
     * @throws SecretsException {@code invalid_cell_id}
     */
    public static String requireCellId(String cellId) {
        if (cellId == null || cellId.isBlank() || cellId.length() > 128) {
            throw SecretsException.invalidCellId(cellId);
        }
        for (int i = 0; i < cellId.length(); i++) {
            if (Character.isISOControl(cellId.charAt(i))) {
                throw SecretsException.invalidCellId(cellId);
            }
        }
        return cellId;
    }

    /**
     * A name as it may appear in a message: quoted, or a placeholder when it looks like a credential
     * (someone typed {@code cairn secrets set ghp_...}).
     */
    public static String describeName(String name) {
        if (name == null) {
            return "(missing)";
        }
        if (Secrets.credentialIn(name).isPresent() || (!NAME.matcher(name).matches() && name.length() >= 20)) {
            return "(not shown: " + name.length() + " characters that may be a credential)";
        }
        return "'" + printable(name) + "'";
    }

    /** {@code s} with control characters replaced by {@code ?}, at most 128 characters. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 128; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }
}
