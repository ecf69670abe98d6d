package dev.cairn.machine.runtime;

import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.MachineException;
import dev.cairn.machine.errors.RunError;
import dev.cairn.machine.errors.RunException;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.stores.AppendCarriesBlobs;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.machine.stores.EventStore;
import dev.cairn.machine.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The only writer of a run's log in this engine: numbers events, buffers them between durability
 * barriers ({@link Durability}) and appends them with the expected head. Every append is preceded by
 * {@link ArtifactStore#sync()}: the engine stores snapshots and fact payloads with {@link
 * ArtifactStore#putDeferred}, and an event must never become durable before the blobs it references
 * (P1). A store that is {@link AppendCarriesBlobs} for this event store instead makes the append
 * itself carry them (one flush instead of two). After any failed sync or append it is <em>fenced</em>: it appends nothing more (another
 * engine may own the log now, or the append may have happened without an answer), and every later
 * call fails. Thread-safe.
 */
final class RunWriter {

    private final EventStore store;
    private final ArtifactStore artifacts;
    private final RunId runId;
    private final Clock clock;
    private final int maxEvents;
    private final long maxAgeMillis;
    private final ArrayList<EventEnvelope> pending = new ArrayList<>();
    private long head;
    private long oldestPendingMillis;
    private volatile RuntimeException fenced;

    /**
     * {@code pending.size()}, readable without the lock: pending events stay in {@code pending} until
     * their append has returned, so 0 means every event added so far is in the log (or was refused,
     * which fences the writer). A barrier that finds nothing pending returns without taking the lock:
     * the attempts of a wave reach their barriers together, nearly always with nothing to append, and
     * queueing on the monitor for nothing was a third of the barrier's CPU.
     */
    private volatile int pendingCount;

    /**
     * Guards everything but the two volatile fields. A lock rather than the object's monitor: the
     * attempts of a wave that meet an append in flight at their barrier wait for it (the commit's
     * fsync); on a monitor, virtual threads spin before they park, which cost as much CPU as the
     * append itself.
     */
    private final ReentrantLock lock = new ReentrantLock();

    RunWriter(Stores stores, RunId runId, long head, Clock clock, Durability durability) {
        this.store = stores.events();
        this.artifacts = stores.artifacts();
        this.runId = runId;
        this.head = head;
        this.clock = clock;
        switch (durability) {
            case Durability.EveryEvent e -> {
                this.maxEvents = 1;
                this.maxAgeMillis = 0;
            }
            case Durability.Batched b -> {
                this.maxEvents = b.maxEvents();
                this.maxAgeMillis = b.maxAge().toMillis();
            }
        }
    }

    /** Adds one event; appends when the policy says so. */
    void add(Event event) {
        addAll(List.of(event));
    }

    /** Adds events as one group: an automatic flush never splits them. */
    void addAll(List<Event> events) {
        lock.lock();
        try {
            checkFenced();
            if (events.isEmpty()) {
                return;
            }
            long now = clock.nowMillis();
            if (pending.isEmpty()) {
                oldestPendingMillis = now;
            }
            for (Event event : events) {
                long seq = head + pending.size() + 1;
                pending.add(new EventEnvelope(runId, seq, Optional.of(Math.max(0, now)), event));
            }
            pendingCount = pending.size();
            if (pending.size() >= maxEvents || now - oldestPendingMillis >= maxAgeMillis) {
                flushLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A durability barrier: makes the deferred artifacts durable, then appends everything buffered.
     * Every blob a buffered event references was put before the event was added, so it is covered by
     * this sync (or, when the store says the append carries its blobs, by the append itself).
     */
    void flush() {
        if (pendingCount == 0 && fenced == null) {
            return; // nothing added is waiting for an append (see pendingCount)
        }
        flushLocked();
    }

    private void flushLocked() {
        lock.lock();
        try {
            checkFenced();
            if (pending.isEmpty()) {
                return;
            }
            List<EventEnvelope> batch = List.copyOf(pending);
            try {
                if (!(artifacts instanceof AppendCarriesBlobs carried && carried.syncForAppend(store))) {
                    artifacts.sync();
                }
                head = store.append(runId, head, batch);
            } catch (RuntimeException e) {
                fenced = e;
                throw e;
            }
            pending.clear();
            pendingCount = 0;
        } finally {
            lock.unlock();
        }
    }

    /** The sequence number the next event will get, minus one. */
    long lastSeq() {
        lock.lock();
        try {
            return head + pending.size();
        } finally {
            lock.unlock();
        }
    }

    boolean isFenced() {
        return fenced != null;
    }

    /** The failure that fenced this writer, as a run-level error. */
    RunException fencedFailure() {
        return failure(fenced);
    }

    private void checkFenced() {
        if (fenced != null) {
            throw failure(fenced);
        }
    }

    private RunException failure(RuntimeException cause) {
        if (cause instanceof MachineException m) {
            return RunException.of(m);
        }
        return new RunException(
                new RunError.Other(ErrorInfo.of(
                        KernelCodes.RUN_WRITER_FENCED,
                        ErrorCategory.STORAGE,
                        false,
                        "appending to run " + runId + " failed ("
                                + cause.getClass().getSimpleName() + "); this engine stopped writing it")),
                "Resume the run to continue from its log.",
                cause);
    }
}
