package dev.cairn.orchestrator.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Reads a JSON tree already parsed (a request's body) into a {@link SourceTree}, as {@link
 * JsonTreeReader} reads its text: the same nodes and limits, every position at the document's start.
 * For valid specs only: anything it does not read exactly as the text reader would (a problem, a
 * number that is not finite, a node JSON text cannot hold) answers null, and the caller reads the
 * text instead, for errors with their lines and columns.
 */
final class JsonNodeTreeReader {

    private JsonNodeTreeReader() {}

    /** The tree, or null when the caller must read the text. */
    static SourceTree read(JsonNode root, SpecLimits limits) {
        Problems problems = new Problems();
        TreeAssembler tree = new TreeAssembler(limits, problems, false);
        try {
            if (!walk(root, tree, 1, limits.maxDepth()) || !tree.done() || !problems.isEmpty()) {
                return null;
            }
            return tree.tree();
        } catch (TreeAssembler.Fatal | RuntimeException e) {
            return null;
        }
    }

    /**
     * An upper bound of the UTF-8 length of {@code root}'s JSON text as Jackson's default pretty
     * printer writes it: per value a line of its own (indentation, separators, brackets), at most 6
     * bytes per character of a key or string ({@code \\uXXXX}), a number's text and some. Counting
     * stops once past {@link SpecLimits#maxBytes()}, and a tree nested deeper than {@link
     * SpecLimits#maxDepth()} is past it (the text says why).
     */
    static long printedBound(JsonNode root, SpecLimits limits) {
        long[] total = {0};
        bound(root, 0, total, limits);
        return total[0];
    }

    private static void bound(JsonNode node, int depth, long[] total, SpecLimits limits) {
        if (total[0] > limits.maxBytes()) {
            return;
        }
        if (node.isContainerNode() && depth >= limits.maxDepth()) {
            total[0] = limits.maxBytes() + 1L;
            return;
        }
        total[0] += 2L * depth + 16;
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                total[0] += 6L * member.getKey().length() + 8;
                bound(member.getValue(), depth + 1, total, limits);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                bound(element, depth + 1, total, limits);
            }
        } else if (node.isTextual()) {
            total[0] += 6L * node.textValue().length() + 2;
        } else {
            total[0] += node.asText().length() + 32L;
        }
    }

    private static boolean walk(JsonNode node, TreeAssembler tree, int depth, int maxDepth) throws TreeAssembler.Fatal {
        SourcePosition at = SourcePosition.START;
        if (node.isObject() || node.isArray()) {
            if (depth > maxDepth) {
                return false;
            }
            tree.start(node.isObject(), at, null);
            if (node.isObject()) {
                for (Map.Entry<String, JsonNode> member : node.properties()) {
                    tree.key(member.getKey(), at);
                    if (!walk(member.getValue(), tree, depth + 1, maxDepth)) {
                        return false;
                    }
                }
            } else {
                for (JsonNode element : node) {
                    if (!walk(element, tree, depth + 1, maxDepth)) {
                        return false;
                    }
                }
            }
            tree.end();
            return true;
        }
        JsonNode value;
        if (node.isTextual() || node.isBoolean() || node.isNull()) {
            value = node;
        } else if (node.isIntegralNumber()) {
            value = YamlTreeReader.integer(node.bigIntegerValue());
        } else if (node.isNumber()) {
            if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
                return false;
            }
            value = YamlTreeReader.decimal(node.decimalValue());
        } else {
            return false;
        }
        if (value == null) {
            return false;
        }
        tree.scalar(value, at, null, null);
        return true;
    }
}
