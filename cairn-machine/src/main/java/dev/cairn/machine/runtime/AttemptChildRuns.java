package dev.cairn.machine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.config.IoMode;
import dev.cairn.machine.engine.RunPhase;
import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.engine.StartRun;
import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.IoError;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.errors.RunError;
import dev.cairn.machine.errors.RunException;
import dev.cairn.machine.errors.StorageError;
import dev.cairn.machine.events.ChildRunCompleted;
import dev.cairn.machine.events.ChildRunSpawned;
import dev.cairn.machine.events.RunStatus;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.runtime.io.AttemptFactKeys;
import dev.cairn.machine.runtime.io.FactLedger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/** {@link ChildRuns} of one attempt: see that interface for the rules. */
final class AttemptChildRuns implements ChildRuns {

    private final Engine engine;
    private final Stores stores;
    private final RunId parentRunId;
    private final StateId stateId;
    private final int generation;
    private final IoMode ioMode;
    private final boolean missingFactRetryable;
    private final AttemptSink sink;
    private final RunWriter writer;
    private final FactLedger ledger;
    private final AttemptFactKeys keys;
    private int ordinal;

    AttemptChildRuns(
            Engine engine,
            Stores stores,
            RunId parentRunId,
            StateId stateId,
            int generation,
            IoMode ioMode,
            boolean missingFactRetryable,
            AttemptSink sink,
            RunWriter writer,
            FactLedger ledger,
            AttemptFactKeys keys) {
        this.engine = engine;
        this.stores = stores;
        this.parentRunId = parentRunId;
        this.stateId = stateId;
        this.generation = generation;
        this.ioMode = ioMode;
        this.missingFactRetryable = missingFactRetryable;
        this.sink = sink;
        this.writer = writer;
        this.ledger = ledger;
        this.keys = keys;
    }

    @Override
    public ChildRunResult run(StartRun child) {
        if (child.runId().isPresent()) {
            throw RunException.invalidPlan(
                    KernelCodes.CHILD_RUN_ID_ASSIGNED,
                    "a child StartRun must not carry a run id: the engine derives it so that a resumed parent"
                            + " finds its child");
        }
        FactKey key = keys.next(AttemptFactKeys.CHILD_RUN);
        int position = ordinal++;
        if (ioMode == IoMode.REPLAY) {
            ArtifactId recorded =
                    ledger.lookup(key).orElseThrow(() -> IoException.missingFact(key, missingFactRetryable));
            return result(read(recorded));
        }
        Optional<ArtifactId> recorded = ledger.lookup(key);
        if (recorded.isPresent()) {
            return result(read(recorded.get()));
        }
        RunId childId = childRunId(parentRunId, stateId, generation, position);
        sink.add(new ChildRunSpawned(parentRunId, childId, child.manifestId()).toDomainEvent());
        writer.flush();
        RunResult outcome = startOrResume(child, childId);
        ChildRunCompleted done = new ChildRunCompleted(childId, status(outcome.phase()), outcome.finalSnapshotId());
        sink.add(done.toDomainEvent());
        ledger.record(
                key, Wire.toTree(done), JsonNodeFactory.instance.objectNode().put("kind", "child_run"));
        return result(done);
    }

    private RunResult startOrResume(StartRun child, RunId childId) {
        if (stores.events().headSeq(childId) > 0) {
            return engine.resume(stores, childId);
        }
        try {
            return engine.start(stores, child.withRunId(childId));
        } catch (RunException e) {
            if (e.error() instanceof RunError.Storage s
                    && s.error() instanceof StorageError.Concurrency
                    && stores.events().headSeq(childId) > 0) {
                return engine.resume(stores, childId);
            }
            throw e;
        }
    }

    private ChildRunCompleted read(ArtifactId payloadId) {
        JsonNode payload = ledger.payload(payloadId);
        try {
            return Wire.fromTree(payload, ChildRunCompleted.class);
        } catch (JsonException e) {
            throw new IoException(
                    new IoError.Other(ErrorInfo.of(
                            "fact_payload_invalid",
                            ErrorCategory.STORAGE,
                            false,
                            "child-run fact " + payloadId + " is not a ChildRunCompleted (" + e.code() + ")")),
                    "The artifact store holds a payload Cairn did not write.",
                    e);
        }
    }

    private ChildRunResult result(ChildRunCompleted done) {
        JsonNode context = done.finalSnapshotId()
                .map(id -> (JsonNode) ContextState.toObject(
                        new Snapshots(stores.artifacts()).load(id).entries()))
                .orElseGet(JsonNodeFactory.instance::objectNode);
        return new ChildRunResult(done.childRunId(), done.status(), done.finalSnapshotId(), context);
    }

    private static RunStatus status(RunPhase phase) {
        return switch (phase) {
            case COMPLETED -> RunStatus.COMPLETED;
            case CANCELLED -> RunStatus.CANCELLED;
            case FAILED, RUNNING -> RunStatus.FAILED;
        };
    }

    /**
     * The child's run id: a name-based UUID (version 8) from the SHA-256 of parent run, state, the
     * state's failed attempts so far and the call's position in the attempt. A re-run after a crash
     * (same failures) derives the same id; a retry after a failure derives new ones.
     */
    static RunId childRunId(RunId parent, StateId state, int generation, int position) {
        byte[] digest = HexFormat.of()
                .parseHex(ArtifactIds.ofBytes(
                        ("cairn:child_run|" + parent + "|" + state + "|" + generation + "|" + position)
                                .getBytes(StandardCharsets.UTF_8)));
        ByteBuffer bytes = ByteBuffer.wrap(digest);
        long high = (bytes.getLong() & ~0xF000L) | 0x8000L;
        long low = (bytes.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new RunId(new UUID(high, low));
    }
}
