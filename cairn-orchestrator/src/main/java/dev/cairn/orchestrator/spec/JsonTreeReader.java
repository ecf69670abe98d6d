package dev.cairn.orchestrator.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;

/** Reads a JSON document into a {@link SourceTree}; duplicate keys are reported, not fatal. */
final class JsonTreeReader {

    private JsonTreeReader() {}

    /** The tree, or null when the document cannot be read (the problems say why). */
    static SourceTree read(String text, SpecLimits limits, Problems problems) {
        JsonFactory factory = JsonFactory.builder()
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxDepth() + 1)
                        .maxNumberLength(1000)
                        .build())
                .build();
        TreeAssembler tree = new TreeAssembler(limits, problems, false);
        try (JsonParser parser = factory.createParser(text)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                problems.placed(SourcePosition.START, "", SpecCode.EMPTY_DOCUMENT, "the document is empty", null);
                return null;
            }
            while (token != null) {
                SourcePosition at = position(parser.currentTokenLocation());
                switch (token) {
                    case START_OBJECT -> tree.start(true, at, null);
                    case START_ARRAY -> tree.start(false, at, null);
                    case END_OBJECT, END_ARRAY -> tree.end();
                    case FIELD_NAME -> tree.key(parser.currentName(), at);
                    case VALUE_STRING -> tree.scalar(TextNode.valueOf(parser.getText()), at, null, null);
                    case VALUE_TRUE -> tree.scalar(BooleanNode.TRUE, at, null, null);
                    case VALUE_FALSE -> tree.scalar(BooleanNode.FALSE, at, null, null);
                    case VALUE_NULL -> tree.scalar(NullNode.getInstance(), at, null, null);
                    case VALUE_NUMBER_INT ->
                        number(YamlTreeReader.integer(parser.getBigIntegerValue()), parser, at, tree, problems);
                    case VALUE_NUMBER_FLOAT ->
                        number(YamlTreeReader.decimal(parser.getDecimalValue()), parser, at, tree, problems);
                    default -> {
                        problems.placed(
                                at,
                                tree.nextPointer(),
                                SpecCode.SYNTAX_ERROR,
                                "JSON syntax: unexpected " + token,
                                null);
                        return null;
                    }
                }
                if (tree.done()) {
                    JsonToken trailing = parser.nextToken();
                    if (trailing != null) {
                        problems.placed(
                                position(parser.currentTokenLocation()),
                                "",
                                SpecCode.SYNTAX_ERROR,
                                "JSON syntax: content after the end of the document",
                                "A spec is one JSON object; remove what follows it.");
                        return null;
                    }
                    return tree.tree();
                }
                token = parser.nextToken();
            }
            problems.placed(
                    position(parser.currentLocation()),
                    tree.nextPointer(),
                    SpecCode.SYNTAX_ERROR,
                    "JSON syntax: the document ends early",
                    null);
            return null;
        } catch (TreeAssembler.Fatal stop) {
            return null;
        } catch (StreamConstraintsException e) {
            JsonLocation at = e.getLocation();
            problems.placed(
                    at == null ? SourcePosition.START : position(at),
                    tree.nextPointer(),
                    e.getMessage() != null && e.getMessage().contains("nesting")
                            ? SpecCode.TOO_DEEP
                            : SpecCode.INVALID_NUMBER,
                    "JSON: " + Texts.abbreviate(String.valueOf(e.getOriginalMessage())),
                    null);
            return null;
        } catch (StreamReadException e) {
            JsonLocation at = e.getLocation();
            problems.placed(
                    at == null ? SourcePosition.START : position(at),
                    tree.nextPointer(),
                    SpecCode.SYNTAX_ERROR,
                    "JSON syntax: " + Texts.abbreviate(firstLine(e.getOriginalMessage())),
                    null);
            return null;
        } catch (IOException | RuntimeException e) {
            problems.placed(
                    SourcePosition.START,
                    tree.nextPointer(),
                    SpecCode.SYNTAX_ERROR,
                    "JSON syntax: " + Texts.abbreviate(firstLine(e.getMessage())),
                    null);
            return null;
        }
    }

    private static void number(
            JsonNode node, JsonParser parser, SourcePosition at, TreeAssembler tree, Problems problems)
            throws TreeAssembler.Fatal, IOException {
        if (node == null) {
            problems.placed(
                    at,
                    tree.nextPointer(),
                    SpecCode.INVALID_NUMBER,
                    "`" + Texts.abbreviate(parser.getText()) + "` is not a finite number of reasonable size",
                    null);
            tree.poison(at);
            return;
        }
        tree.scalar(node, at, null, null);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid JSON";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static SourcePosition position(JsonLocation location) {
        int line = Math.max(1, location.getLineNr());
        int column = Math.max(1, location.getColumnNr());
        return new SourcePosition(line, column);
    }
}
