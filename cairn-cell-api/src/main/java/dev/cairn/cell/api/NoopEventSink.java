package dev.cairn.cell.api;

/**
 * A no-op {@link EventSink}: accepts every event and drops it. For tests and minimal runs without
 * an event transport; nothing emitted to it is kept anywhere.
 */
public final class NoopEventSink implements EventSink {

    /** Drops {@code event}. */
    @Override
    public void emit(CloudEventV1 event) {
        // Deliberately nothing: this sink keeps no events.
    }
}
