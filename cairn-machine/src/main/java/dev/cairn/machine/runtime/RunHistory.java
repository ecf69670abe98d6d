package dev.cairn.machine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.ids.IdValidationException;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.runtime.io.FactIndex;
import dev.cairn.machine.stores.EventSelection;
import dev.cairn.machine.stores.EventStore;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What resume and replay need from a run's log, gathered in one streaming pass without ever holding
 * the log: O(states + facts) memory, whatever the number of events. The pass reads only the kernel
 * events and the domain events it uses ({@link #SELECTION}: facts and the replay link) up to the head
 * read first, so a store that selects before decoding ({@link EventStore#stream(RunId, long, int,
 * EventSelection)}) skips a run's other domain events entirely. Also checks the log's invariants
 * ({@code RunStarted} at seq 1, seq increasing up to the head, every terminal event closes an open
 * attempt, nothing after {@code RunCompleted}; that seq has no gaps is the store's contract); a log
 * that breaks them is {@code StorageError.Corruption} ({@code invalid_event_log}).
 */
final class RunHistory {

    /** What the log says about one state. */
    static final class StateRecord {
        /** The last attempt entered, -1 if never. */
        int lastAttempt = -1;
        /** Whether {@link #lastAttempt} is open (entered, no terminal event). */
        boolean open;

        boolean completed;
        ArtifactId completedSnapshot;
        /** Failed attempts so far. */
        int failures;
        /** The last terminal event was {@code StateFailed} (and none completed it since). */
        boolean lastTerminalFailed;

        boolean lastFailureRetryable;
        String lastFailureCode;
        /** The attempt that ended last (completed, or failed), -1 if none. */
        int finalAttempt = -1;
        /** The block of consecutive {@code StateEntered} events {@link #finalAttempt} was entered in. */
        int finalBlock = -1;

        int lastEnteredBlock = -1;
    }

    /** The events a scan reads: kernel events, {@code fact_recorded} and {@code replay_of}. */
    static final EventSelection SELECTION =
            EventSelection.kernelAnd(Set.of(DomainEvent.DOMAIN_EVENT_FACT_RECORDED, EngineEvents.REPLAY_OF));

    final RunId runId;
    final long head;
    final KernelEvent.RunStarted started;
    final Optional<KernelEvent.RunCompleted> completed;
    final ArtifactId checkpoint;
    final Map<StateId, StateRecord> states;
    final FactIndex facts;
    final Optional<RunId> replayOf;

    private RunHistory(Scan scan) {
        this.runId = scan.runId;
        this.head = scan.head;
        this.started = scan.started;
        this.completed = Optional.ofNullable(scan.completed);
        this.checkpoint = scan.checkpoint;
        this.states = scan.states;
        this.facts = scan.facts;
        this.replayOf = Optional.ofNullable(scan.replayOf);
    }

    /**
     * Scans the log of {@code runId}, {@code pageSize} events at a time.
     *
     * @throws StorageException {@code NotFound} ({@code run_not_found}) for a run without events;
     *     {@code Corruption} for a log that breaks the kernel's invariants
     */
    static RunHistory scan(EventStore store, RunId runId, int pageSize) {
        return scan(store, runId, pageSize, started -> {});
    }

    /**
     * As {@link #scan(EventStore, RunId, int)}; unless the log ends with {@code RunCompleted} (the run
     * needs no plan then), {@code onStarted} is told the run's {@code RunStarted} as soon as it is
     * read, so the caller may resolve the plan meanwhile.
     */
    static RunHistory scan(EventStore store, RunId runId, int pageSize, Consumer<KernelEvent.RunStarted> onStarted) {
        long head = store.headSeq(runId);
        if (head == 0) {
            throw StorageException.runNotFound(runId);
        }
        boolean ended = store.readRange(runId, head, Optional.of(head), 1).stream()
                .anyMatch(e -> e.event() instanceof Event.Kernel k && k.event() instanceof KernelEvent.RunCompleted);
        Scan scan = new Scan(runId, head, ended ? started -> {} : onStarted);
        try (Stream<EventEnvelope> log = store.stream(runId, 1, pageSize, SELECTION)) {
            Iterator<EventEnvelope> it = log.iterator();
            while (it.hasNext()) {
                EventEnvelope envelope = it.next();
                if (envelope.seq() > head) {
                    break; // appended after the head was read: whoever appended owns what follows
                }
                scan.accept(envelope);
            }
        }
        scan.finish();
        return new RunHistory(scan);
    }

    StateRecord state(StateId id) {
        return states.get(id);
    }

    private static final class Scan {
        final RunId runId;
        final long head;
        long expectedSeq = 1;
        long completedSeq;
        StateId lastId;
        StateRecord lastRecord;
        KernelEvent.RunStarted started;
        KernelEvent.RunCompleted completed;
        ArtifactId checkpoint;
        final LinkedHashMap<StateId, StateRecord> states = new LinkedHashMap<>();
        final FactIndex facts = new FactIndex();
        RunId replayOf;
        int block = -1;
        boolean previousWasEntered;

        final Consumer<KernelEvent.RunStarted> onStarted;

        Scan(RunId runId, long head, Consumer<KernelEvent.RunStarted> onStarted) {
            this.runId = runId;
            this.head = head;
            this.onStarted = onStarted;
        }

        void accept(EventEnvelope envelope) {
            long seq = envelope.seq();
            if (seq < expectedSeq || !envelope.runId().equals(runId)) {
                throw corrupt(seq, "expected seq " + expectedSeq + " or later of run " + runId);
            }
            if (seq > expectedSeq) {
                previousWasEntered = false; // events the selection left out: none is a StateEntered
            }
            expectedSeq = seq + 1;
            if (completed != null) {
                throw corrupt(seq, "an event follows RunCompleted");
            }
            if (started == null && seq != 1) {
                throw corrupt(seq, "the log does not start with RunStarted");
            }
            boolean entered = false;
            switch (envelope.event()) {
                case Event.Kernel k -> entered = kernel(seq, k.event());
                case Event.Domain d -> domain(seq, d.event());
            }
            previousWasEntered = entered;
        }

        private boolean kernel(long seq, KernelEvent event) {
            if (started == null && !(event instanceof KernelEvent.RunStarted)) {
                throw corrupt(seq, "the log does not start with RunStarted");
            }
            switch (event) {
                case KernelEvent.RunStarted s -> {
                    if (started != null) {
                        throw corrupt(seq, "a second RunStarted");
                    }
                    started = s;
                    checkpoint = s.initialSnapshotId();
                    onStarted.accept(s);
                }
                case KernelEvent.StateEntered e -> {
                    StateRecord r = record(e.stateId(), true);
                    if (e.attempt() <= r.lastAttempt) {
                        throw corrupt(seq, "attempt " + e.attempt() + " of " + e.stateId() + " entered again");
                    }
                    if (r.completed) {
                        throw corrupt(seq, e.stateId() + " entered after it completed");
                    }
                    if (!previousWasEntered) {
                        block++;
                    }
                    r.lastAttempt = e.attempt();
                    r.open = true;
                    r.lastEnteredBlock = block;
                    return true;
                }
                case KernelEvent.StateCompleted c -> {
                    StateRecord r = open(seq, c.stateId(), "StateCompleted");
                    r.open = false;
                    r.completed = true;
                    r.completedSnapshot = c.contextSnapshotId();
                    r.lastTerminalFailed = false;
                    r.finalAttempt = r.lastAttempt;
                    r.finalBlock = r.lastEnteredBlock;
                    checkpoint = c.contextSnapshotId();
                }
                case KernelEvent.StateFailed f -> {
                    StateRecord r = open(seq, f.stateId(), "StateFailed");
                    r.open = false;
                    r.failures++;
                    r.lastTerminalFailed = true;
                    r.lastFailureRetryable = f.error().info().retryable();
                    r.lastFailureCode = f.error().info().code().value();
                    r.finalAttempt = r.lastAttempt;
                    r.finalBlock = r.lastEnteredBlock;
                }
                case KernelEvent.RunCompleted c -> {
                    completed = c;
                    completedSeq = seq;
                }
            }
            return false;
        }

        /** The record of {@code id}; the last one used is kept at hand (a state's events come in pairs). */
        private StateRecord record(StateId id, boolean create) {
            if (lastRecord != null && (id == lastId || id.equals(lastId))) {
                return lastRecord;
            }
            StateRecord r = create ? states.computeIfAbsent(id, k -> new StateRecord()) : states.get(id);
            if (r != null) {
                lastId = id;
                lastRecord = r;
            }
            return r;
        }

        /** After the last event up to the head. */
        void finish() {
            if (started == null) {
                throw corrupt(1, "the log does not start with RunStarted");
            }
            if (completed != null && completedSeq != head) {
                throw corrupt(head, "an event follows RunCompleted");
            }
        }

        private StateRecord open(long seq, StateId id, String what) {
            StateRecord r = record(id, false);
            if (r == null || !r.open) {
                throw corrupt(seq, what + " of " + id + " without an open attempt");
            }
            return r;
        }

        private void domain(long seq, DomainEvent event) {
            if (started == null) {
                throw corrupt(seq, "the log does not start with RunStarted");
            }
            switch (event.name()) {
                case DomainEvent.DOMAIN_EVENT_FACT_RECORDED -> {
                    JsonNode p = event.payload();
                    try {
                        JsonNode key = p.get("key");
                        JsonNode payloadId = p.get("payload_id");
                        if (key == null || !key.isTextual() || payloadId == null || !payloadId.isTextual()) {
                            throw corrupt(seq, "a malformed fact_recorded payload");
                        }
                        facts.load(new FactKey(key.textValue()), new ArtifactId(payloadId.textValue()), seq);
                    } catch (IdValidationException e) {
                        throw corrupt(seq, "a malformed fact_recorded payload (" + e.getMessage() + ")");
                    }
                }
                case EngineEvents.REPLAY_OF -> {
                    JsonNode original = event.payload().get("original_run_id");
                    try {
                        replayOf = RunId.parse(original == null ? null : original.textValue());
                    } catch (IdValidationException e) {
                        throw corrupt(seq, "a malformed replay_of payload");
                    }
                }
                default -> {}
            }
        }

        private StorageException corrupt(long seq, String what) {
            return StorageException.corruption(
                    KernelCodes.INVALID_EVENT_LOG,
                    "the event log of run " + runId + " is invalid at seq " + seq + ": " + what);
        }
    }
}
