package dev.cairn.json;

import java.util.List;

/**
 * Root exception of {@code cairn-json}: bad JSON, JSON that cannot be canonicalized, or a value
 * that does not match a wire type.
 *
 * <p>{@link #path()} is a JSON Pointer (RFC 6901) to the offending value when one is known, else
 * the empty string (the whole document).
 */
public class JsonException extends CodedException {

    private final String path;

    public JsonException(String code, String path, String message, String hint, Throwable cause) {
        super(code, message, false, hint, cause);
        this.path = path == null ? "" : path;
    }

    public JsonException(String code, String path, String message, String hint) {
        this(code, path, message, hint, null);
    }

    /** A value does not have the shape its wire type requires. */
    public static JsonException wireFormat(String path, String message, Throwable cause) {
        return new JsonException(
                "wire_format",
                path,
                message,
                "Compare the document with the type's JSON Schema (`cairn schema show NAME`).",
                cause);
    }

    /** The bytes are not JSON at all. */
    public static JsonException invalidJson(String path, String message, Throwable cause) {
        return new JsonException("invalid_json", path, message, "Fix the JSON syntax at the position given.", cause);
    }

    /** The document is not JSON; {@code line} and {@code column} are 1-based, 0 when unknown. */
    public static JsonException invalidJson(String path, int line, int column, String message) {
        return invalidJson(path, message + at(line, column), null);
    }

    /** An object names the same key twice (RFC 8785 and I-JSON forbid it). */
    public static JsonException duplicateKey(String path, String key, int line, int column) {
        return new JsonException(
                "duplicate_key",
                path,
                "duplicate key " + quote(key) + at(line, column),
                "Each key may appear once per object; remove or rename one of them.");
    }

    /** A string holds an unpaired UTF-16 surrogate, which has no UTF-8 form. */
    public static JsonException loneSurrogate(String path, int line, int column) {
        return new JsonException(
                "lone_surrogate",
                path,
                "string contains an unpaired UTF-16 surrogate" + at(line, column),
                "Strings must be valid Unicode: pair each \\uD800-\\uDBFF escape with a \\uDC00-\\uDFFF one.");
    }

    /**
     * An integer lies outside ±(2^53−1) and is not exactly a double's RFC 8785 spelling: reading
     * it as the double RFC 8785 requires would change it.
     */
    public static JsonException integerOutOfRange(String path, String number, int line, int column) {
        return new JsonException(
                "integer_out_of_range",
                path,
                "integer " + abbreviate(number) + " is beyond ±(2^53-1) and would change as an IEEE double"
                        + at(line, column),
                "Integers must fit in an IEEE double exactly; send larger values as strings.");
    }

    /** A number is NaN or infinite, or overflows a double (e.g. {@code 1e400}). */
    public static JsonException nonFiniteNumber(String path, String number, int line, int column) {
        return new JsonException(
                "non_finite_number",
                path,
                "number " + abbreviate(number) + " is not a finite IEEE double" + at(line, column),
                "JSON numbers must be finite; send NaN, infinities and huge values as strings.");
    }

    /** Arrays and objects nest deeper than {@code limit}. */
    public static JsonException tooDeep(String path, int limit, int line, int column) {
        return new JsonException(
                "too_deep",
                path,
                "nesting deeper than " + limit + " levels" + at(line, column),
                "Nesting is limited to " + limit + " levels; flatten the document.");
    }

    /** A document exceeds one of the parser's size limits (string, number or key length). */
    public static JsonException tooLarge(String path, String message, Throwable cause) {
        return new JsonException(
                "too_large", path, message, "Split the value; see the limit named in the message.", cause);
    }

    /** A tree holds a node that has no JSON form (binary, POJO or missing nodes). */
    public static JsonException unsupportedValue(String path, String nodeType) {
        return new JsonException(
                "unsupported_value",
                path,
                "a " + nodeType + " node has no canonical JSON form",
                "Convert the value to a JSON string, number, boolean, null, array or object first.");
    }

    /** A document holds values that look like secrets; {@code pointers} locate them, never echo them. */
    public static JsonException containsSecrets(List<String> pointers) {
        return new JsonException(
                "contains_secret",
                pointers.isEmpty() ? "" : pointers.getFirst(),
                "document contains " + pointers.size() + " value(s) that look like secrets, at "
                        + String.join(", ", pointers),
                "Pass secrets by reference (a secret name the broker resolves), never inline.");
    }

    private static String at(int line, int column) {
        return line > 0 ? " (line " + line + ", column " + column + ")" : "";
    }

    private static String quote(String key) {
        return "`" + abbreviate(key) + "`";
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 60) + "...";
    }

    /** JSON Pointer to the offending value, or empty for the whole document. */
    public String path() {
        return path;
    }
}
