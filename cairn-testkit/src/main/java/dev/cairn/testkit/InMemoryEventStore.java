package dev.cairn.testkit;

import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.stores.EventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link EventStore} in memory: the reference behaviour the store contract suite pins, and a
 * fast store for unit tests. Not durable, by definition.
 */
public final class InMemoryEventStore implements EventStore {

    private final Map<RunId, List<EventEnvelope>> logs = new ConcurrentHashMap<>();

    @Override
    public long headSeq(RunId runId) {
        List<EventEnvelope> log = logs.get(runId);
        if (log == null) {
            return 0;
        }
        synchronized (log) {
            return log.size();
        }
    }

    @Override
    public long append(RunId runId, long expectedSeq, List<EventEnvelope> events) {
        if (expectedSeq < 0) {
            throw StorageException.invalidAppend(runId, "expected_seq must be >= 0, got " + expectedSeq);
        }
        for (int i = 0; i < events.size(); i++) {
            EventEnvelope e = events.get(i);
            if (!e.runId().equals(runId)) {
                throw StorageException.invalidAppend(runId, "envelope " + i + " belongs to run " + e.runId());
            }
            if (e.seq() != expectedSeq + 1 + i) {
                throw StorageException.invalidAppend(
                        runId, "envelope " + i + " has seq " + e.seq() + ", expected " + (expectedSeq + 1 + i));
            }
        }
        List<EventEnvelope> log = logs.computeIfAbsent(runId, id -> new ArrayList<>());
        synchronized (log) {
            if (log.size() != expectedSeq) {
                throw StorageException.concurrency(runId, expectedSeq, log.size());
            }
            log.addAll(events);
            return log.size();
        }
    }

    @Override
    public List<EventEnvelope> readRange(RunId runId, long fromSeq, Optional<Long> toSeq) {
        List<EventEnvelope> log = logs.get(runId);
        if (log == null) {
            return List.of();
        }
        synchronized (log) {
            long from = Math.max(fromSeq, 1);
            long to = Math.min(toSeq.orElse((long) log.size()), log.size());
            if (from > to) {
                return List.of();
            }
            return List.copyOf(log.subList((int) from - 1, (int) to));
        }
    }
}
