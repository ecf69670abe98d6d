package dev.cairn.orchestrator.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.json.Secrets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads pipeline specs (YAML or JSON) and reports every error at once, each with its line, column
 * and JSON Pointer.
 *
 * <p>Reading goes in three passes over one tree: the syntax (with duplicate keys, alias and size
 * limits, see {@link SpecLimits}), the format's rules ({@code docs/pipelines.md}), and the JSON
 * Schema {@code PipelineSpec} (networknt). An error the rules found at a pointer supersedes the
 * schema's errors at that pointer or above it, so each problem is reported once, in its most
 * specific words. Values that look like credentials are refused ({@code inline_secret}) and never
 * repeated in a message.
 *
 * <p>Thread-safe and reusable.
 */
public final class SpecParser {

    private final SpecLimits limits;

    /** A reader with {@link SpecLimits#DEFAULTS}. */
    public SpecParser() {
        this(SpecLimits.DEFAULTS);
    }

    public SpecParser(SpecLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Reads the spec file {@code file}; local inputs are relative to its directory.
     *
     * @return the document, or every error (an unreadable file is one {@code unreadable_file} error at 1:1)
     */
    public SpecResult<SpecDocument> read(Path file) {
        String source = file.toString();
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > limits.maxBytes()) {
                return tooLarge(source, size);
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException | RuntimeException e) {
            return new SpecResult.Invalid<>(
                    source,
                    List.of(new SpecError(
                            1,
                            1,
                            "",
                            SpecCode.UNREADABLE_FILE,
                            "cannot read " + source + ": " + e.getClass().getSimpleName()
                                    + (e.getMessage() == null ? "" : " " + Texts.abbreviate(e.getMessage())),
                            null)));
        }
        Path dir = file.toAbsolutePath().getParent();
        return read(bytes, source, Optional.ofNullable(dir));
    }

    /** Reads a spec from its bytes (UTF-8); {@code sourceName} names it in errors and picks the format by extension. */
    public SpecResult<SpecDocument> read(byte[] content, String sourceName) {
        return read(content, sourceName, Optional.empty());
    }

    /** Reads a spec from its text; {@code sourceName} names it in errors and picks the format by extension. */
    public SpecResult<SpecDocument> read(String text, String sourceName) {
        Objects.requireNonNull(text, "text");
        long bytes = utf8Length(text);
        if (bytes > limits.maxBytes()) {
            return tooLarge(sourceName, bytes);
        }
        return readText(text, sourceName, Optional.empty());
    }

    /**
     * Reads a spec already parsed as JSON (a request's body), {@code text} being its JSON text: the
     * same checks and the same result as {@link #read(String, String)} of {@code text}, without
     * reading the text again when the spec is valid. An invalid spec is read from {@code text}, so its
     * errors carry their lines and columns there; a valid one's positions are all the document's
     * start (bind it with {@link #read(String, String)}'s document for positioned binding errors).
     */
    public SpecResult<SpecDocument> read(JsonNode tree, String text, String sourceName) {
        Objects.requireNonNull(tree, "tree");
        Objects.requireNonNull(text, "text");
        if (utf8Length(text) > limits.maxBytes() || SpecFormat.detect(sourceName, text) != SpecFormat.JSON) {
            return read(text, sourceName);
        }
        return readTree(tree, () -> text, sourceName);
    }

    /**
     * {@link #read(JsonNode, String, String)} with the text written only when it is read: for an
     * invalid spec, or one whose size is not evidently within {@link SpecLimits#maxBytes()} (a valid
     * spec is read from the tree alone). {@code text} must give the tree as Jackson's default pretty
     * printer writes it (two spaces per level, or anything no longer): the size limit applies to that
     * text, and is checked on a bound of its length computed from the tree.
     */
    public SpecResult<SpecDocument> read(JsonNode tree, Supplier<String> text, String sourceName) {
        Objects.requireNonNull(tree, "tree");
        Objects.requireNonNull(text, "text");
        // the printed text of an object starts with `{`: detected as JSON unless named otherwise
        if (!tree.isObject()
                || SpecFormat.detect(sourceName, "{") != SpecFormat.JSON
                || JsonNodeTreeReader.printedBound(tree, limits) > limits.maxBytes()) {
            return read(text.get(), sourceName);
        }
        return readTree(tree, text, sourceName);
    }

    private SpecResult<SpecDocument> readTree(JsonNode tree, Supplier<String> text, String sourceName) {
        SourceTree source = JsonNodeTreeReader.read(tree, limits);
        if (source == null) {
            return read(text.get(), sourceName);
        }
        Problems rules = new Problems();
        Optional<PipelineSpec> spec;
        List<Problems.Problem> schema;
        try {
            spec = new SpecChecker(rules, source.map()).check(source.root());
            schema = SchemaCheck.validate(source.root());
        } catch (RuntimeException e) {
            return read(text.get(), sourceName);
        }
        if (spec.isEmpty()
                || !rules.isEmpty()
                || !schema.isEmpty()
                || !source.poisoned().isEmpty()) {
            return read(text.get(), sourceName);
        }
        return new SpecResult.Valid<>(
                new SpecDocument(spec.get(), Optional.of(source.map()), sourceName, Optional.empty()));
    }

    /** Reads a spec, or throws a {@link SpecException} with every error. */
    public SpecDocument parse(String text, String sourceName) {
        return read(text, sourceName).orThrow();
    }

    /** Reads a spec file, or throws a {@link SpecException} with every error. */
    public SpecDocument parse(Path file) {
        return read(file).orThrow();
    }

    /** Every error of a spec (empty when it is valid), without throwing. */
    public List<SpecError> check(String text, String sourceName) {
        return read(text, sourceName).errors();
    }

    private SpecResult<SpecDocument> read(byte[] content, String sourceName, Optional<Path> baseDir) {
        Objects.requireNonNull(content, "content");
        if (content.length > limits.maxBytes()) {
            return tooLarge(sourceName, content.length);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        String text;
        try {
            text = decoder.decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            SourcePosition at = firstBadByte(content);
            return new SpecResult.Invalid<>(
                    sourceName,
                    List.of(new SpecError(
                            at.line(),
                            at.column(),
                            "",
                            SpecCode.INVALID_ENCODING,
                            "the document is not valid UTF-8",
                            null)));
        }
        return readText(text, sourceName, baseDir);
    }

    private SpecResult<SpecDocument> readText(String raw, String sourceName, Optional<Path> baseDir) {
        String text = raw.startsWith("\uFEFF") ? raw.substring(1) : raw;
        Problems problems = new Problems();
        SourceTree tree;
        try {
            tree = SpecFormat.detect(sourceName, text) == SpecFormat.JSON
                    ? JsonTreeReader.read(text, limits, problems)
                    : YamlTreeReader.read(text, limits, problems);
        } catch (RuntimeException e) {
            problems.placed(
                    SourcePosition.START,
                    "",
                    SpecCode.INTERNAL_ERROR,
                    "the reader failed: " + e.getClass().getSimpleName(),
                    null);
            tree = null;
        }
        if (tree == null) {
            if (problems.isEmpty()) {
                problems.placed(SourcePosition.START, "", SpecCode.SYNTAX_ERROR, "the document cannot be read", null);
            }
            return new SpecResult.Invalid<>(sourceName, problems.toErrors(SourceMap.EMPTY));
        }
        Problems rules = new Problems();
        Optional<PipelineSpec> spec;
        try {
            spec = new SpecChecker(rules, tree.map()).check(tree.root());
        } catch (RuntimeException e) {
            rules.at(
                    "",
                    SpecCode.INTERNAL_ERROR,
                    "the checker failed: " + e.getClass().getSimpleName() + " "
                            + Texts.abbreviate(String.valueOf(e.getMessage())));
            spec = Optional.empty();
        }
        List<Problems.Problem> schema;
        try {
            schema = SchemaCheck.validate(tree.root());
        } catch (RuntimeException e) {
            schema = List.of(new Problems.Problem(
                    "",
                    false,
                    SpecCode.INTERNAL_ERROR,
                    "the schema validator failed: " + e.getClass().getSimpleName(),
                    null));
        }
        merge(problems, rules, schema, tree);
        if (!problems.isEmpty() || spec.isEmpty()) {
            if (problems.isEmpty()) {
                problems.at("", SpecCode.INTERNAL_ERROR, "the spec was refused without a reason");
            }
            return new SpecResult.Invalid<>(sourceName, problems.toErrors(tree.map()));
        }
        return new SpecResult.Valid<>(new SpecDocument(spec.get(), Optional.of(tree.map()), sourceName, baseDir));
    }

    /**
     * Adds the rules' problems (except at values the syntax pass already refused) and the schema's
     * problems the rules do not already explain; drops every other problem about a value that looks
     * like a secret, so that no message repeats it.
     */
    private static void merge(Problems into, Problems rules, List<Problems.Problem> schema, SourceTree tree) {
        Set<String> secret = new HashSet<>();
        for (Problems.Problem p : rules.problems()) {
            if (p.code() == SpecCode.INLINE_SECRET) {
                secret.add(p.pointer());
            }
        }
        List<Problems.Problem> kept = new ArrayList<>();
        for (Problems.Problem p : rules.problems()) {
            if (tree.poisoned().contains(p.pointer())) {
                continue;
            }
            if (secret.contains(p.pointer()) && p.code() != SpecCode.INLINE_SECRET) {
                continue;
            }
            kept.add(p);
        }
        for (Problems.Problem p : schema) {
            // A missing or unknown field is a claim about its mapping: any problem the rules found in
            // that mapping explains it (or it is the noise of a oneOf branch that does not apply).
            String scope = p.code() == SpecCode.MISSING_FIELD || p.code() == SpecCode.UNKNOWN_FIELD
                    ? Pointers.parent(p.pointer())
                    : p.pointer();
            if (tree.poisoned().contains(p.pointer()) || secret.contains(p.pointer()) || rules.hasAtOrUnder(scope)) {
                continue;
            }
            kept.add(p);
        }
        for (Problems.Problem p : kept) {
            if (p.atKey()) {
                into.atKey(p.pointer(), p.code(), p.message(), p.hint());
            } else {
                into.at(p.pointer(), p.code(), p.message(), p.hint());
            }
        }
    }

    private SpecResult<SpecDocument> tooLarge(String source, long size) {
        return new SpecResult.Invalid<>(
                source,
                List.of(new SpecError(
                        1,
                        1,
                        "",
                        SpecCode.DOCUMENT_TOO_LARGE,
                        "the document is " + size + " bytes; the limit is " + limits.maxBytes() + " bytes",
                        null)));
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** The line and column (in characters) of the first byte that is not UTF-8. */
    private static SourcePosition firstBadByte(byte[] content) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(content);
        CharBuffer out = CharBuffer.allocate(content.length + 1);
        decoder.decode(in, out, true);
        out.flip();
        int line = 1;
        int column = 1;
        while (out.hasRemaining()) {
            char c = out.get();
            if (c == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new SourcePosition(line, column);
    }

    /** Whether {@code name} = {@code value} would be taken for a secret by {@link Secrets}. */
    static boolean looksSecret(String name, String value) {
        return !Secrets.findings(JsonNodeFactory.instance.objectNode().put(name, value))
                .isEmpty();
    }
}
