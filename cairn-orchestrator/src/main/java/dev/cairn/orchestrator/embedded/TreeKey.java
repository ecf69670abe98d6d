package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ShortNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON tree as a map key that tells apart everything its JSON text would: the order of an
 * object's members (Jackson's own {@code equals} ignores it), and each number's node type and exact
 * value (a {@code 1.0} is not a {@code 1.00} nor a {@code 1}). Two trees with equal keys print the
 * same JSON text, so whatever is read from one's text is what the other's would give.
 *
 * <p>A key made by {@link #of} wraps the caller's tree, for a lookup; {@link #detached} is the key
 * to keep, on a copy of its own that later changes to the caller's tree cannot reach.
 */
final class TreeKey {

    private final JsonNode tree;
    private final int hash;

    private TreeKey(JsonNode tree, int hash) {
        this.tree = tree;
        this.hash = hash;
    }

    /**
     * The key of {@code tree}, or empty when it holds a node that JSON text does not (a POJO, binary,
     * a missing node) or more than {@code maxNodes} nodes.
     */
    static Optional<TreeKey> of(JsonNode tree, int maxNodes) {
        int[] budget = {maxNodes};
        Integer hash = hash(tree, budget);
        return hash == null ? Optional.empty() : Optional.of(new TreeKey(tree, hash));
    }

    /** This key on a copy of its tree, to keep in a map. */
    TreeKey detached() {
        return new TreeKey(tree.deepCopy(), hash);
    }

    private static Integer hash(JsonNode node, int[] budget) {
        if (--budget[0] < 0) {
            return null;
        }
        int h = node.getClass().getName().hashCode();
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> member : object.properties()) {
                Integer value = hash(member.getValue(), budget);
                if (value == null) {
                    return null;
                }
                h = 31 * (31 * h + member.getKey().hashCode()) + value;
            }
            return h;
        }
        if (node instanceof ArrayNode array) {
            for (JsonNode element : array) {
                Integer value = hash(element, budget);
                if (value == null) {
                    return null;
                }
                h = 31 * h + value;
            }
            return h;
        }
        return switch (node) {
            case TextNode t -> 31 * h + t.textValue().hashCode();
            case BooleanNode b -> 31 * h + Boolean.hashCode(b.booleanValue());
            case NullNode n -> h;
            case IntNode i -> 31 * h + Long.hashCode(i.longValue());
            case ShortNode s -> 31 * h + Long.hashCode(s.longValue());
            case LongNode l -> 31 * h + Long.hashCode(l.longValue());
            case BigIntegerNode b -> 31 * h + b.bigIntegerValue().hashCode();
            case DoubleNode d -> 31 * h + Double.hashCode(d.doubleValue());
            case FloatNode f -> 31 * h + Float.hashCode(f.floatValue());
            case DecimalNode d -> 31 * h + d.decimalValue().hashCode();
            default -> null;
        };
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a == b) {
            return true;
        }
        if (a.getClass() != b.getClass()) {
            return false;
        }
        if (a instanceof ObjectNode x) {
            if (x.size() != b.size()) {
                return false;
            }
            Iterator<Map.Entry<String, JsonNode>> other = b.properties().iterator();
            for (Map.Entry<String, JsonNode> member : x.properties()) {
                Map.Entry<String, JsonNode> theirs = other.next();
                if (!member.getKey().equals(theirs.getKey()) || !same(member.getValue(), theirs.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof ArrayNode x) {
            if (x.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!same(x.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return switch (a) {
            case TextNode t -> t.textValue().equals(b.textValue());
            case BooleanNode t -> t.booleanValue() == b.booleanValue();
            case NullNode n -> true;
            case IntNode i -> i.longValue() == b.longValue();
            case ShortNode s -> s.longValue() == b.longValue();
            case LongNode l -> l.longValue() == b.longValue();
            case BigIntegerNode i -> i.bigIntegerValue().equals(b.bigIntegerValue());
            case DoubleNode d -> Double.compare(d.doubleValue(), b.doubleValue()) == 0;
            case FloatNode f -> Float.compare(f.floatValue(), b.floatValue()) == 0;
            case DecimalNode d -> d.decimalValue().equals(b.decimalValue());
            default -> false;
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TreeKey other && hash == other.hash && same(tree, other.tree);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
