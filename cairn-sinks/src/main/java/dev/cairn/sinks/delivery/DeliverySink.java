package dev.cairn.sinks.delivery;

import dev.cairn.cell.api.CloudEventV1;
import dev.cairn.cell.api.EventSink;
import dev.cairn.sinks.SinkException;
import dev.cairn.sinks.events.EncodedEvent;
import java.util.List;

/**
 * An {@link EventSink} that takes batches of encoded events, which the {@link EventRelay} feeds it
 * from the durable log. {@link #emit} delivers one event the same way.
 *
 * <p>{@link #deliver} returns once the transport has acknowledged every event of the batch (a file
 * forced to disk, a 2xx answer, a JetStream ack), in order; the relay then moves the sink's cursor.
 * On failure it throws {@link SinkException} whose {@link SinkException#acknowledged()} says how many
 * events from the head of the batch were acknowledged; the rest are delivered again later, with the
 * same ids and the same bytes. Implementations are used by one relay worker at a time but must be
 * thread-safe, as {@link EventSink} requires. An interrupt ends a delivery as a failure with the
 * thread's interrupt flag set.
 */
public interface DeliverySink extends EventSink, AutoCloseable {

    /** Delivers {@code events} in order. */
    void deliver(List<EncodedEvent> events) throws SinkException;

    /** What this sink writes to, for status and logs (never a secret): {@code webhook https://…}. */
    String describe();

    @Override
    default void emit(CloudEventV1 event) throws SinkException {
        deliver(List.of(EncodedEvent.of(event)));
    }

    /** Releases the sink's connections and files. */
    @Override
    default void close() {}
}
