package dev.cairn.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cairn.json.wire.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * A strict JSON reader (RFC 8259 restricted to I-JSON, RFC 7493) for documents that will be
 * canonicalized or hashed: it accepts exactly the JSON whose RFC 8785 canonical form is defined,
 * and refuses everything else with a {@link JsonException}:
 *
 * <ul>
 *   <li>{@code invalid_json}: not JSON (e.g. {@code [01]}, {@code [1,]}, comments, single quotes),
 *       trailing data after the value, empty input, or bytes that are not UTF-8 (including UTF-8
 *       encoded surrogates and UTF-16/32 input). A UTF-8 byte order mark is ignored, as RFC 8259
 *       allows. The message names the line and column.
 *   <li>{@code duplicate_key}: an object names a key twice.
 *   <li>{@code lone_surrogate}: a string or key holds an unpaired surrogate, e.g. <code>"&#92;ud800"</code>.
 *   <li>{@code integer_out_of_range}: an integer (a number without fraction or exponent) beyond
 *       ±(2^53−1) that a double would change, such as {@code 9007199254740993}. Larger integers
 *       that are exactly how RFC 8785 writes a double ({@code 100000000000000000000} for
 *       {@code 1e20}) are read as that double, so canonical output always reads back.
 *   <li>{@code non_finite_number}: {@code NaN}, {@code Infinity} (any sign), or a number that
 *       overflows a double such as {@code 1e400}.
 *   <li>{@code too_deep}: arrays and objects nested deeper than {@link #MAX_DEPTH}.
 *   <li>{@code too_large}: a string longer than 20,000,000 characters, a number longer than 1,000
 *       characters or a key longer than 50,000 characters (Jackson's stream limits).
 * </ul>
 *
 * <p>Numbers follow RFC 8785: a number with a fraction or an exponent is the IEEE double nearest to
 * its decimal value (correctly rounded, so {@code 4.50} is {@code 4.5} and {@code 1e-400} is
 * {@code 0}) and is held in a {@link DoubleNode}; an integer is held exactly in an {@link IntNode}
 * or {@link LongNode}. Objects keep their keys in document order; canonical order is applied when
 * writing ({@link Canonical}).
 *
 * <p>Every refusal costs time linear in the input read so far; nesting is checked before it is
 * entered, so a deep document fails after {@value #MAX_DEPTH} levels without recursion.
 */
public final class StrictJson {

    /** The deepest nesting of arrays and objects accepted, shared with {@link Wire#MAX_DEPTH}. */
    public static final int MAX_DEPTH = Wire.MAX_DEPTH;

    /** The largest integer magnitude accepted: 2^53−1, the largest an IEEE double holds exactly. */
    public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            // Accepted by the tokenizer only so that they get their own code, non_finite_number.
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .streamReadConstraints(StreamReadConstraints.builder()
                    // Our own check (MAX_DEPTH) fires first; this is a backstop.
                    .maxNestingDepth(MAX_DEPTH + 1)
                    .build())
            .build();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StrictJson() {}

    /** Parses UTF-8 bytes. */
    public static JsonNode parse(byte[] utf8) {
        Objects.requireNonNull(utf8, "utf8");
        refuseOtherEncodings(utf8);
        try (JsonParser parser = FACTORY.createParser(utf8)) {
            return parseDocument(parser);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // closing an in-memory parser does not fail
        }
    }

    /** Parses a string (its characters, not an encoding of them). */
    public static JsonNode parse(String json) {
        Objects.requireNonNull(json, "json");
        try (JsonParser parser = FACTORY.createParser(json)) {
            return parseDocument(parser);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the stream to its end and parses the bytes as UTF-8. */
    public static JsonNode parse(InputStream utf8) throws IOException {
        Objects.requireNonNull(utf8, "utf8");
        return parse(utf8.readAllBytes());
    }

    private static void refuseOtherEncodings(byte[] b) {
        // A JSON text in UTF-8 never holds a NUL byte, so a zero among the first two bytes means
        // UTF-16 or UTF-32, which Jackson would otherwise detect and accept.
        boolean utf16Bom = b.length >= 2
                && ((b[0] == (byte) 0xFE && b[1] == (byte) 0xFF) || (b[0] == (byte) 0xFF && b[1] == (byte) 0xFE));
        if (utf16Bom || (b.length >= 2 && (b[0] == 0 || b[1] == 0))) {
            throw JsonException.invalidJson("", 1, 1, "input is not UTF-8 (it looks like UTF-16 or UTF-32)");
        }
    }

    private static JsonNode parseDocument(JsonParser p) throws IOException {
        try {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw JsonException.invalidJson("", 1, 1, "empty input: expected a JSON value");
            }
            JsonNode root = value(p, first, 0);
            JsonToken extra = p.nextToken();
            if (extra != null) {
                JsonLocation at = p.currentTokenLocation();
                throw JsonException.invalidJson(
                        "", at.getLineNr(), at.getColumnNr(), "trailing data after the JSON value");
            }
            return root;
        } catch (StreamConstraintsException e) {
            throw JsonException.tooLarge(pointer(p), e.getOriginalMessage(), e);
        } catch (StreamReadException e) {
            JsonLocation at = e.getLocation();
            int line = at == null ? 0 : at.getLineNr();
            int column = at == null ? 0 : at.getColumnNr();
            String message = String.valueOf(e.getOriginalMessage());
            // Jackson checks the \\u escapes of keys itself ("Broken surrogate pair in field name");
            // surrogates encoded as UTF-8 bytes ("Invalid UTF-8: Illegal surrogate") are bad UTF-8.
            if (message.contains("surrogate") && !message.startsWith("Invalid UTF-8")) {
                throw JsonException.loneSurrogate(pointer(p), line, column);
            }
            throw JsonException.invalidJson(
                    pointer(p), message + (line > 0 ? " (line " + line + ", column " + column + ")" : ""), e);
        }
    }

    private static JsonNode value(JsonParser p, JsonToken token, int depth) throws IOException {
        return switch (token) {
            case START_OBJECT -> object(p, enter(p, depth));
            case START_ARRAY -> array(p, enter(p, depth));
            case VALUE_STRING -> TextNode.valueOf(checkedText(p, p.getText()));
            case VALUE_NUMBER_INT -> integer(p);
            case VALUE_NUMBER_FLOAT -> floating(p);
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NULL -> NullNode.instance;
            // Jackson's JSON tokenizer produces no other value tokens.
            default -> throw JsonException.invalidJson(pointer(p), line(p), column(p), "unexpected token " + token);
        };
    }

    private static int enter(JsonParser p, int depth) {
        if (depth >= MAX_DEPTH) {
            throw JsonException.tooDeep(pointer(p), MAX_DEPTH, line(p), column(p));
        }
        return depth + 1;
    }

    private static ObjectNode object(JsonParser p, int depth) throws IOException {
        ObjectNode object = new ObjectNode(NODES);
        JsonToken token;
        while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
            String key = checkedText(p, p.currentName());
            if (object.has(key)) {
                throw JsonException.duplicateKey(pointer(p), key, line(p), column(p));
            }
            object.set(key, value(p, p.nextToken(), depth));
        }
        if (token != JsonToken.END_OBJECT) { // the tokenizer guarantees it; keep the invariant visible
            throw JsonException.invalidJson(pointer(p), line(p), column(p), "unterminated object");
        }
        return object;
    }

    private static ArrayNode array(JsonParser p, int depth) throws IOException {
        ArrayNode array = new ArrayNode(NODES);
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw JsonException.invalidJson(pointer(p), line(p), column(p), "unterminated array");
            }
            array.add(value(p, token, depth));
        }
        return array;
    }

    private static JsonNode integer(JsonParser p) throws IOException {
        switch (p.getNumberType()) {
            case INT:
                return IntNode.valueOf(p.getIntValue());
            case LONG:
                long value = p.getLongValue();
                if (value <= MAX_SAFE_INTEGER && value >= -MAX_SAFE_INTEGER) {
                    return LongNode.valueOf(value);
                }
                break;
            default:
                break;
        }
        String text = p.getText();
        if (EcmaScriptNumbers.isDoubleSpelling(text)) {
            return DoubleNode.valueOf(Double.parseDouble(text));
        }
        throw JsonException.integerOutOfRange(pointer(p), text, line(p), column(p));
    }

    private static JsonNode floating(JsonParser p) throws IOException {
        // isNaN() is also true for the Infinity tokens; 1e400 parses to an infinity.
        double value = p.isNaN() ? Double.NaN : p.getDoubleValue();
        if (!Double.isFinite(value)) {
            throw JsonException.nonFiniteNumber(pointer(p), p.getText(), line(p), column(p));
        }
        return DoubleNode.valueOf(value);
    }

    private static String checkedText(JsonParser p, String text) {
        if (firstLoneSurrogate(text) >= 0) {
            throw JsonException.loneSurrogate(pointer(p), line(p), column(p));
        }
        return text;
    }

    /** Index of the first unpaired surrogate in {@code s}, or −1. */
    static int firstLoneSurrogate(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    private static String pointer(JsonParser p) {
        return p.getParsingContext().pathAsPointer().toString();
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static int column(JsonParser p) {
        return p.currentTokenLocation().getColumnNr();
    }
}
