package dev.cairn.secrets;

import java.util.Arrays;

/** Byte-level helpers for values; each wipes what it discards. */
final class SecretValues {

    private SecretValues() {}

    /**
     * {@code value} without one trailing {@code \n} or {@code \r\n}; when one is dropped the
     * original array is wiped and a new one returned.
     */
    static byte[] withoutTrailingNewline(byte[] value) {
        int end = value.length;
        if (end > 0 && value[end - 1] == '\n') {
            end--;
            if (end > 0 && value[end - 1] == '\r') {
                end--;
            }
        }
        if (end == value.length) {
            return value;
        }
        byte[] trimmed = Arrays.copyOf(value, end);
        Arrays.fill(value, (byte) 0);
        return trimmed;
    }
}
