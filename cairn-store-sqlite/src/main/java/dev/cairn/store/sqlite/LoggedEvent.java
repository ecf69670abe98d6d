package dev.cairn.store.sqlite;

import dev.cairn.machine.events.EventEnvelope;
import java.util.Objects;

/**
 * An event with its position in the log of every run: {@code position} orders all events of all
 * runs by commit, so a reader that remembers the last position it handled (a sink's cursor) reads
 * on from there and misses nothing.
 *
 * @param position the event's global position ({@code events.pos}, at least 1)
 * @param envelope the event
 */
public record LoggedEvent(long position, EventEnvelope envelope) {

    public LoggedEvent {
        if (position < 1) {
            throw new IllegalArgumentException("position starts at 1, got " + position);
        }
        Objects.requireNonNull(envelope, "envelope");
    }
}
