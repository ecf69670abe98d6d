package dev.cairn.machine.events;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.internal.Unsigned;
import java.util.Objects;
import java.util.Optional;

/**
 * Seed {@code events::EventEnvelope}: an event as stored in the event store.
 *
 * <p>Sequence numbers are per run, start at 1 and increase by exactly 1 (the head of an empty run is
 * 0, which is never an event's {@code seq}). {@code ts_millis} is informational only: replay follows
 * event order and content, never wall-clock time.
 *
 * @param runId the run the event belongs to
 * @param seq the event's position in the run's log ({@code u64}, at least 1)
 * @param tsMillis informational timestamp, milliseconds since the Unix epoch ({@code u64})
 * @param event the event
 */
public record EventEnvelope(
        RunId runId,
        @JsonDeserialize(using = Unsigned.U64.class) long seq,
        @JsonDeserialize(contentUsing = Unsigned.OptionalU64.class) Optional<Long> tsMillis,
        Event event) {

    public EventEnvelope {
        Objects.requireNonNull(runId, "run_id");
        if (seq < 1) {
            throw new IllegalArgumentException("seq starts at 1 (0 is the head of an empty run), got " + seq);
        }
        Objects.requireNonNull(tsMillis, "ts_millis");
        tsMillis.ifPresent(ts -> Unsigned.requireU64(ts, "ts_millis"));
        Objects.requireNonNull(event, "event");
    }

    /** A kernel event at {@code seq}, without a timestamp. */
    public static EventEnvelope kernel(RunId runId, long seq, KernelEvent event) {
        return new EventEnvelope(runId, seq, Optional.empty(), new Event.Kernel(event));
    }

    /** A domain event at {@code seq}, without a timestamp. */
    public static EventEnvelope domain(RunId runId, long seq, DomainEvent event) {
        return new EventEnvelope(runId, seq, Optional.empty(), new Event.Domain(event));
    }
}
