package dev.cairn.machine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.machine.ids.ContextKey;
import dev.cairn.machine.io.IoProvider;
import dev.cairn.machine.recorder.EventRecorder;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The context of one attempt: the wave's checkpoint (shared, never mutated) plus this attempt's
 * own overlay of writes and deletes, which is its diff when it completes. Values are copied in and
 * out.
 */
final class AttemptContext implements StateContext {

    private final ContextState base;
    /** Written values; a {@code null} value is a delete. */
    private final HashMap<String, JsonNode> overlay = new HashMap<>();

    private final AttemptInfo info;
    private final IoProvider io;
    private final EventRecorder events;
    private final ChildRuns children;
    private final RunControl control;

    AttemptContext(
            ContextState base,
            AttemptInfo info,
            IoProvider io,
            EventRecorder events,
            ChildRuns children,
            RunControl control) {
        this.base = base;
        this.info = info;
        this.io = io;
        this.events = events;
        this.children = children;
        this.control = control;
    }

    @Override
    public Optional<JsonNode> read(ContextKey key) {
        String k = key.value();
        JsonNode value =
                overlay.containsKey(k) ? overlay.get(k) : base.entries().get(k);
        return value == null ? Optional.empty() : Optional.of(value.deepCopy());
    }

    @Override
    public void write(ContextKey key, JsonNode value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        overlay.put(key.value(), value.deepCopy());
    }

    @Override
    public void delete(ContextKey key) {
        String k = key.value();
        if (base.entries().containsKey(k) || overlay.get(k) != null) {
            overlay.put(k, null);
        } else {
            overlay.remove(k);
        }
    }

    @Override
    public JsonNode dump() {
        return ContextState.toObject(base.apply(overlay));
    }

    @Override
    public AttemptInfo attempt() {
        return info;
    }

    @Override
    public IoProvider io() {
        return io;
    }

    @Override
    public EventRecorder events() {
        return events;
    }

    @Override
    public ChildRuns children() {
        return children;
    }

    @Override
    public boolean cancelled() {
        return control.cancelled();
    }

    /** The attempt's writes and deletes ({@code null} value), sorted by key. */
    Map<String, JsonNode> diff() {
        return Collections.unmodifiableMap(new TreeMap<>(overlay));
    }
}
