package dev.cairn.machine.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.machine.ids.ContextKey;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Test fixture: the smallest faithful {@link DynContext}, a sorted map of JSON values. */
final class MapContext implements DynContext {

    private final Map<String, JsonNode> entries = new TreeMap<>();

    @Override
    public Optional<JsonNode> read(ContextKey key) {
        return Optional.ofNullable(entries.get(key.value())).map(JsonNode::deepCopy);
    }

    @Override
    public void write(ContextKey key, JsonNode value) {
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
}
