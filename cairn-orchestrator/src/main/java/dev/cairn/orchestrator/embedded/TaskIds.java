package dev.cairn.orchestrator.embedded;

import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.time.Entropy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Deterministic ids: a task's id is derived (SHA-256, as a version-8 UUID) from its run, its state
 * and the state's failure count, so the same dispatch made again after a crash finds the same task,
 * and a retry after a failure gets a new one. Seed-003 run ids that are not UUIDs map to a UUID the
 * same way.
 *
 * <p>A task id leads with its run's creation time ({@link #task(RunId, StateId, int, long)}, like a
 * UUID v7's first 48 bits, the rest still the hash): the task queue's tables are keyed by task id
 * ({@code tasks.task_id}, {@code leases}), and ids that follow time put the tasks of the runs in
 * flight in the last few pages of those B-trees, where random ids touched a page of their own for
 * each task (each one a WAL frame per commit).
 *
 * <p>A new run's id ({@link #run}) is a UUID v7 for the same reason: the tables keyed by run id
 * (the events' {@code (run_id, seq)} index, {@code runs}, {@code steps}, {@code tasks_by_state},
 * {@code logs}) then take the runs in flight in their last pages.
 */
final class TaskIds {

    private TaskIds() {}

    /**
     * The id of a task of a run created at {@code runCreatedMillis} (the runs index's {@code
     * created_at}, which never changes): the millisecond in the first 48 bits, then the hash of
     * {@link #legacyTask} in the other 74 (the version and variant bits stay those of v8).
     */
    static UUID task(RunId runId, StateId stateId, int failures, long runCreatedMillis) {
        UUID hashed = legacyTask(runId, stateId, failures);
        long high = ((runCreatedMillis & 0xFFFF_FFFF_FFFFL) << 16) | (hashed.getMostSignificantBits() & 0xFFFFL);
        return new UUID(high, hashed.getLeastSignificantBits());
    }

    /**
     * The id before it led with the run's creation time (Cairn up to this change), and the id of a
     * task whose run the runs index does not hold: a dispatch looks for both, so a task dispatched by
     * an older Cairn is found again after an upgrade.
     */
    static UUID legacyTask(RunId runId, StateId stateId, int failures) {
        return uuid("cairn-task|" + runId + "|" + stateId + "|" + failures);
    }

    /**
     * A new run's id: a UUID v7 (RFC 9562) of {@code createdMillis} (the run's {@code created_at}) in
     * the first 48 bits, then 74 bits from {@code entropy} (the engine's random port, never {@code
     * UUID.randomUUID()}). Ids of runs created in different milliseconds sort by creation time, as
     * text and as UUIDs; two runs of one millisecond differ in their random bits (2^74 of them).
     */
    static UUID run(long createdMillis, Entropy entropy) {
        if (createdMillis < 0 || createdMillis > 0xFFFF_FFFF_FFFFL) {
            throw new IllegalArgumentException("created_millis out of the 48 bits of a UUID v7: " + createdMillis);
        }
        ByteBuffer random = ByteBuffer.wrap(entropy.randomBytes(10));
        long randA = random.getShort() & 0x0FFFL;
        long randB = random.getLong() & 0x3FFF_FFFF_FFFF_FFFFL;
        long high = (createdMillis << 16) | 0x7000L | randA;
        return new UUID(high, randB | 0x8000_0000_0000_0000L);
    }

    /** The run id of a seed-003 {@code runId} that is not a UUID. */
    static UUID alias(String clientRunId) {
        return uuid("cairn-run-alias|" + clientRunId);
    }

    private static UUID uuid(String name) {
        byte[] hash = ArtifactIds.sha256().digest(name.getBytes(StandardCharsets.UTF_8));
        ByteBuffer bytes = ByteBuffer.wrap(hash);
        long high = (bytes.getLong() & ~0xF000L) | 0x8000L;
        long low = (bytes.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }
}
