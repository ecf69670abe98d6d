package dev.cairn.machine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.machine.context.DynContext;
import dev.cairn.machine.errors.ContextException;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.ids.ContextKey;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A plain {@link DynContext}: a JSON object held in memory, for initial contexts and tests. Values
 * are copied in and out, so callers cannot change it behind its back. {@link #dump()} lists keys in
 * sorted order. Not thread-safe.
 *
 * <pre>{@code
 * DynContext initial = JsonContext.empty().with("region", "eu-west-1").with("limit", 10);
 * }</pre>
 */
public final class JsonContext implements DynContext {

    private final TreeMap<String, JsonNode> entries = new TreeMap<>();

    /** An empty context. */
    public static JsonContext empty() {
        return new JsonContext();
    }

    /**
     * A context holding the members of {@code object}.
     *
     * @throws ContextException {@code context_not_object} when {@code object} is not a JSON object
     */
    public static JsonContext of(JsonNode object) {
        Objects.requireNonNull(object, "object");
        if (!object.isObject()) {
            throw new ContextException(
                    new dev.cairn.machine.errors.ContextError.Other(ErrorInfo.of(
                            KernelCodes.CONTEXT_NOT_OBJECT,
                            ErrorCategory.CONTEXT,
                            false,
                            "a context is a JSON object, got " + object.getNodeType())),
                    "Wrap the values in an object: {\"key\": value}.",
                    null);
        }
        JsonContext ctx = new JsonContext();
        for (Map.Entry<String, JsonNode> member : object.properties()) {
            ctx.entries.put(member.getKey(), member.getValue().deepCopy());
        }
        return ctx;
    }

    /** Writes the wire form of {@code value} under {@code key} and returns this context. */
    public JsonContext with(String key, Object value) {
        writeTyped(new ContextKey(key), value);
        return this;
    }

    @Override
    public Optional<JsonNode> read(ContextKey key) {
        JsonNode value = entries.get(key.value());
        return value == null ? Optional.empty() : Optional.of(value.deepCopy());
    }

    @Override
    public void write(ContextKey key, JsonNode value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        entries.put(key.value(), value.deepCopy());
    }

    @Override
    public void delete(ContextKey key) {
        entries.remove(key.value());
    }

    @Override
    public JsonNode dump() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        entries.forEach((k, v) -> out.set(k, v.deepCopy()));
        return out;
    }

    @Override
    public String toString() {
        return dump().toString();
    }
}
