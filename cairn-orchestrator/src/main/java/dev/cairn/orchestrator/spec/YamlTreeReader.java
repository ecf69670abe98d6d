package dev.cairn.orchestrator.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * Reads a YAML document into a {@link SourceTree} from SnakeYAML's event stream, resolving plain
 * scalars with the YAML 1.2 core schema: {@code yes}, {@code on} and {@code 012} stay what they
 * look like ({@code "yes"}, {@code "on"}, the number 12), unlike YAML 1.1.
 */
final class YamlTreeReader {

    private static final String TAG_PREFIX = "tag:yaml.org,2002:";
    private static final Pattern INT = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern OCT = Pattern.compile("0o[0-7]+");
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    private static final Pattern INF = Pattern.compile("[-+]?\\.(inf|Inf|INF)");
    private static final Pattern NAN = Pattern.compile("\\.(nan|NaN|NAN)");

    private YamlTreeReader() {}

    /** The tree, or null when the document cannot be read (the problems say why). */
    static SourceTree read(String text, SpecLimits limits, Problems problems) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(Math.max(limits.maxBytes(), 1) + 1);
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(limits.maxAliases());
        options.setNestingDepthLimit(limits.maxDepth() + 1);
        options.setProcessComments(false);
        TreeAssembler tree = new TreeAssembler(limits, problems, true);
        Parser parser = new ParserImpl(new StreamReader(new StringReader(text)), options);
        int documents = 0;
        try {
            while (true) {
                Event event = parser.getEvent();
                SourcePosition at = position(event.getStartMark());
                switch (event.getEventId()) {
                    case StreamStart, DocumentEnd -> {}
                    case StreamEnd -> {
                        if (documents == 0) {
                            problems.placed(
                                    SourcePosition.START, "", SpecCode.EMPTY_DOCUMENT, "the document is empty", null);
                            return null;
                        }
                        return tree.tree();
                    }
                    case DocumentStart -> {
                        documents++;
                        if (documents > 1) {
                            problems.placed(
                                    at,
                                    "",
                                    SpecCode.MULTIPLE_DOCUMENTS,
                                    "a second YAML document starts here; a spec is one document",
                                    null);
                            return null;
                        }
                    }
                    case MappingStart, SequenceStart -> {
                        CollectionStartEvent start = (CollectionStartEvent) event;
                        boolean object = event instanceof MappingStartEvent;
                        if (tree.expectsKey()) {
                            problems.placed(
                                    at,
                                    tree.nextPointer(),
                                    SpecCode.UNSUPPORTED_YAML,
                                    "a mapping key must be a string, not a " + (object ? "mapping" : "list"),
                                    null);
                            return null;
                        }
                        checkCollectionTag(start.getTag(), object, at, tree.nextPointer(), problems);
                        tree.start(object, at, start.getAnchor());
                    }
                    case MappingEnd, SequenceEnd -> tree.end();
                    case Alias -> {
                        if (tree.expectsKey()) {
                            problems.placed(
                                    at,
                                    tree.nextPointer(),
                                    SpecCode.UNSUPPORTED_YAML,
                                    "an alias cannot be a mapping key",
                                    null);
                            return null;
                        }
                        tree.alias(((AliasEvent) event).getAnchor(), at);
                    }
                    case Scalar -> scalar((ScalarEvent) event, at, tree, problems);
                    default -> {}
                }
            }
        } catch (TreeAssembler.Fatal stop) {
            return null;
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            String context = e.getContext() != null && e.getProblem() != null ? " (" + e.getContext() + ")" : "";
            problems.placed(
                    mark == null ? SourcePosition.START : position(mark),
                    tree.nextPointer(),
                    SpecCode.SYNTAX_ERROR,
                    "YAML syntax: " + Texts.abbreviate(String.valueOf(problem) + context, 240),
                    null);
            return null;
        } catch (ReaderException e) {
            problems.placed(
                    positionOfOffset(text, e.getPosition()),
                    tree.nextPointer(),
                    SpecCode.INVALID_CHARACTER,
                    "the document holds a character YAML does not allow (code point U+"
                            + String.format("%04X", e.getCodePoint()) + ")",
                    "Remove control characters other than tab, line feed and carriage return.");
            return null;
        } catch (RuntimeException e) {
            problems.placed(
                    SourcePosition.START,
                    tree.nextPointer(),
                    SpecCode.SYNTAX_ERROR,
                    "YAML syntax: " + Texts.abbreviate(String.valueOf(e.getMessage())),
                    null);
            return null;
        }
    }

    private static void scalar(ScalarEvent event, SourcePosition at, TreeAssembler tree, Problems problems)
            throws TreeAssembler.Fatal {
        String value = event.getValue();
        String tag = event.getTag();
        boolean plain = event.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
        if (tree.expectsKey()) {
            if (tag != null && !tag.equals("!") && !tag.equals(TAG_PREFIX + "str")) {
                problems.placed(
                        at, tree.nextPointer(), SpecCode.UNSUPPORTED_YAML, "a mapping key must be a string", null);
                throw new TreeAssembler.Fatal();
            }
            tree.key(value, at);
            return;
        }
        String pointer = tree.nextPointer();
        JsonNode node;
        if (tag == null || tag.equals("!")) {
            node = plain && tag == null ? resolvePlain(value) : TextNode.valueOf(value);
        } else if (tag.startsWith(TAG_PREFIX)) {
            node = switch (tag.substring(TAG_PREFIX.length())) {
                case "str" -> TextNode.valueOf(value);
                case "int", "float", "bool", "null" -> {
                    JsonNode resolved = resolvePlain(value);
                    String kind = tag.substring(TAG_PREFIX.length());
                    boolean matches =
                            switch (kind) {
                                case "int" -> resolved != null && resolved.isIntegralNumber();
                                case "float" -> resolved != null && resolved.isNumber();
                                case "bool" -> resolved != null && resolved.isBoolean();
                                default -> resolved != null && resolved.isNull();
                            };
                    yield matches ? resolved : null;
                }
                default -> null;
            };
            if (node == null) {
                problems.placed(
                        at,
                        pointer,
                        SpecCode.UNSUPPORTED_YAML,
                        "YAML tag `" + Texts.abbreviate(tag) + "` is not supported here",
                        "Remove the tag; plain YAML scalars are typed by their text.");
                tree.poison(at);
                return;
            }
        } else {
            problems.placed(
                    at,
                    pointer,
                    SpecCode.UNSUPPORTED_YAML,
                    "custom YAML tag `" + Texts.abbreviate(tag) + "` is not supported",
                    "Remove the tag.");
            tree.poison(at);
            return;
        }
        if (node == null) {
            problems.placed(
                    at,
                    pointer,
                    SpecCode.INVALID_NUMBER,
                    "`" + Texts.abbreviate(value) + "` is not a finite number of reasonable size",
                    null);
            tree.poison(at);
            return;
        }
        tree.scalar(node, at, event.getAnchor(), plain && !node.isTextual() ? value : null);
    }

    /** The YAML 1.2 core schema; null for a number that cannot be held (infinite, NaN, huge). */
    static JsonNode resolvePlain(String value) {
        switch (value) {
            case "", "~", "null", "Null", "NULL" -> {
                return NullNode.getInstance();
            }
            case "true", "True", "TRUE" -> {
                return BooleanNode.TRUE;
            }
            case "false", "False", "FALSE" -> {
                return BooleanNode.FALSE;
            }
            default -> {}
        }
        if (INT.matcher(value).matches()) {
            return integer(new BigInteger(value.startsWith("+") ? value.substring(1) : value));
        }
        if (OCT.matcher(value).matches()) {
            return integer(new BigInteger(value.substring(2), 8));
        }
        if (HEX.matcher(value).matches()) {
            return integer(new BigInteger(value.substring(2), 16));
        }
        if (FLOAT.matcher(value).matches()) {
            return decimal(new BigDecimal(value.startsWith("+") ? value.substring(1) : value));
        }
        if (INF.matcher(value).matches() || NAN.matcher(value).matches()) {
            return null;
        }
        return TextNode.valueOf(value);
    }

    static JsonNode integer(BigInteger value) {
        if (value.bitLength() < 32) {
            return IntNode.valueOf(value.intValue());
        }
        if (value.bitLength() < 64) {
            return LongNode.valueOf(value.longValue());
        }
        return value.bitLength() > 1024 ? null : BigIntegerNode.valueOf(value);
    }

    /** A decimal of reasonable size (magnitude within double range, at most 400 fraction digits). */
    static JsonNode decimal(BigDecimal value) {
        if (value.signum() != 0) {
            long magnitude = (long) value.precision() - value.scale();
            if (magnitude > 308 || value.scale() > 400) {
                return null;
            }
        }
        return DecimalNode.valueOf(value);
    }

    static SourcePosition position(Mark mark) {
        return mark == null ? SourcePosition.START : new SourcePosition(mark.getLine() + 1, mark.getColumn() + 1);
    }

    /** The line and column of a code point offset into {@code text}. */
    static SourcePosition positionOfOffset(String text, int codePointOffset) {
        int line = 1;
        int column = 1;
        int seen = 0;
        for (int i = 0; i < text.length() && seen < codePointOffset; seen++) {
            int cp = text.codePointAt(i);
            if (cp == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
            i += Character.charCount(cp);
        }
        return new SourcePosition(line, column);
    }

    private static void checkCollectionTag(
            String tag, boolean object, SourcePosition at, String pointer, Problems problems)
            throws TreeAssembler.Fatal {
        if (tag == null || tag.equals("!") || tag.equals(TAG_PREFIX + (object ? "map" : "seq"))) {
            return;
        }
        problems.placed(
                at,
                pointer,
                SpecCode.UNSUPPORTED_YAML,
                "YAML tag `" + Texts.abbreviate(tag) + "` is not supported",
                "Remove the tag.");
        throw new TreeAssembler.Fatal();
    }
}
