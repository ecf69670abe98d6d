package dev.cairn.runner.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The runner's line to the control plane for one task: observe cancellation, and push progress and
 * log events that the node relays with its lease heartbeats.
 *
 * <p>Implementations are thread-safe: a runner may report from several threads. Progress and log
 * values are opaque JSON, so runners and the control plane need not share types.
 */
public interface ControlPlane {

    /** Whether the task has been cancelled; cheap enough to poll between units of work. */
    boolean isCancelled();

    /** Reports progress, e.g. {@code {"status":"started"}}; the latest value wins. */
    void progress(JsonNode value) throws RunnerException;

    /** Records a structured log event to attach to heartbeats (the seed's {@code log_event}). */
    void logEvent(JsonNode fields) throws RunnerException;

    /**
     * Logs a message: a {@link #logEvent(JsonNode) log event} {@code {"level":"info","message":…}}.
     * Messages must not contain secrets; they are relayed and may be stored.
     */
    default void log(LogLevel level, String message) throws RunnerException {
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        fields.put("level", Checks.required(level, "level").wireName());
        fields.put("message", Checks.required(message, "message"));
        logEvent(fields);
    }
}
