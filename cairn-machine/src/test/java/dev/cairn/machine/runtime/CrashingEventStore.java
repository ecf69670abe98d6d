package dev.cairn.machine.runtime;

import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.stores.EventStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An event store that "crashes the process" at its {@code n+1}-th append to a matching run: the
 * append is lost ({@link Mode#BEFORE}) or durable but unacknowledged ({@link Mode#AFTER}), and a
 * {@link SimulatedCrash} unwinds the engine.
 */
final class CrashingEventStore implements EventStore {

    enum Mode {
        BEFORE,
        AFTER
    }

    private final EventStore delegate;
    private final int appendsBeforeCrash;
    private final Mode mode;
    private final Predicate<RunId> runs;
    private final AtomicInteger appends = new AtomicInteger();

    CrashingEventStore(EventStore delegate, int appendsBeforeCrash, Mode mode) {
        this(delegate, appendsBeforeCrash, mode, run -> true);
    }

    CrashingEventStore(EventStore delegate, int appendsBeforeCrash, Mode mode, Predicate<RunId> runs) {
        this.delegate = delegate;
        this.appendsBeforeCrash = appendsBeforeCrash;
        this.mode = mode;
        this.runs = runs;
    }

    @Override
    public long headSeq(RunId runId) {
        return delegate.headSeq(runId);
    }

    @Override
    public long append(RunId runId, long expectedSeq, List<EventEnvelope> events) {
        if (!runs.test(runId) || appends.getAndIncrement() < appendsBeforeCrash) {
            return delegate.append(runId, expectedSeq, events);
        }
        if (mode == Mode.AFTER) {
            delegate.append(runId, expectedSeq, events);
        }
        throw new SimulatedCrash("crash at append " + appends.get() + " (" + mode + ")");
    }

    @Override
    public List<EventEnvelope> readRange(RunId runId, long fromSeq, Optional<Long> toSeq) {
        return delegate.readRange(runId, fromSeq, toSeq);
    }

    /** How many appends were attempted. */
    int appends() {
        return appends.get();
    }
}
