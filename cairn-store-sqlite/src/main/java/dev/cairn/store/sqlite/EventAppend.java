package dev.cairn.store.sqlite;

import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.RunId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An append to one run's log, checked and encoded before it reaches the writer thread, so the
 * single writer only executes SQL. Build it with {@link #of} on the calling thread, then hand it to
 * {@link SqlTransaction#append} inside a write callback.
 */
public final class EventAppend {

    /** One envelope as its columns. */
    record Row(long seq, String kind, String name, Long tsMillis, String body) {}

    private final RunId runId;
    private final long expectedSeq;
    private final List<Row> rows;

    private EventAppend(RunId runId, long expectedSeq, List<Row> rows) {
        this.runId = runId;
        this.expectedSeq = expectedSeq;
        this.rows = rows;
    }

    /**
     * Checks that {@code events} continue {@code expectedSeq} one by one and all belong to {@code
     * runId}, and encodes them.
     *
     * @throws StorageException {@code invalid_append} when they do not
     */
    public static EventAppend of(RunId runId, long expectedSeq, List<EventEnvelope> events) {
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(events, "events");
        if (expectedSeq < 0) {
            throw StorageException.invalidAppend(runId, "expected_seq must be >= 0, got " + expectedSeq);
        }
        List<Row> rows = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            EventEnvelope e = Objects.requireNonNull(events.get(i), "events[" + i + "]");
            if (!e.runId().equals(runId)) {
                throw StorageException.invalidAppend(runId, "envelope " + i + " belongs to run " + e.runId());
            }
            if (e.seq() != expectedSeq + 1 + i) {
                throw StorageException.invalidAppend(
                        runId, "envelope " + i + " has seq " + e.seq() + ", expected " + (expectedSeq + 1 + i));
            }
            rows.add(new Row(
                    e.seq(),
                    EventCodec.kind(e.event()),
                    EventCodec.name(e.event()),
                    e.tsMillis().orElse(null),
                    EventCodec.encode(e.event())));
        }
        return new EventAppend(runId, expectedSeq, List.copyOf(rows));
    }

    /** The run appended to. */
    public RunId runId() {
        return runId;
    }

    /** The head the append expects. */
    public long expectedSeq() {
        return expectedSeq;
    }

    /** How many events it appends. */
    public int size() {
        return rows.size();
    }

    List<Row> rows() {
        return rows;
    }
}
