package dev.cairn.runner.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/** Test double: records progress and log events; cancellation is a flag the test sets. */
final class RecordingControlPlane implements ControlPlane {

    final List<JsonNode> progress = new CopyOnWriteArrayList<>();
    final List<JsonNode> logs = new CopyOnWriteArrayList<>();
    final AtomicBoolean cancelled = new AtomicBoolean();

    @Override
    public boolean isCancelled() {
        return cancelled.get();
    }

    @Override
    public void progress(JsonNode value) {
        progress.add(value.deepCopy());
    }

    @Override
    public void logEvent(JsonNode fields) {
        logs.add(fields.deepCopy());
    }
}
