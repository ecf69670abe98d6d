package dev.cairn.secrets.mask;

/** A way a secret's bytes can appear in output; {@link SecretForms} lists each form's variants. */
public enum SecretForm {
    /** The value itself. */
    RAW,
    /** Standard base64 ({@code +/}), at each of the three alignments, padded or not. */
    BASE64,
    /** URL-safe base64 ({@code -_}), at each of the three alignments, padded or not. */
    BASE64_URL,
    /** Percent-encoded, as URL and form encoders write it (upper- or lowercase hex, space as {@code +} or {@code %20}). */
    PERCENT,
    /** Inside a JSON string, as JSON encoders escape it ({@code \"}, {@code \/}, {@code \n}, {@code \}{@code uXXXX}). */
    JSON,
    /** Hexadecimal, lowercase or uppercase. */
    HEX
}
