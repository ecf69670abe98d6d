package dev.cairn.cell.api;

/**
 * Emits CloudEvents to a transport (NATS JetStream, a JSON-lines file, …). Implementations are
 * thread-safe; {@code emit} returns once the transport has accepted the event, and fails with code
 * {@code event_sink} otherwise.
 */
@FunctionalInterface
public interface EventSink {

    /** Emits {@code event}. */
    void emit(CloudEventV1 event) throws CellException;
}
