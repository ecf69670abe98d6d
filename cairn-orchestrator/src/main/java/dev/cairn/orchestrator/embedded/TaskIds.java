package dev.cairn.orchestrator.embedded;

import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Deterministic ids: a task's id is derived (SHA-256, as a version-8 UUID) from its run, its state
 * and the state's failure count, so the same dispatch made again after a crash finds the same task,
 * and a retry after a failure gets a new one. Seed-003 run ids that are not UUIDs map to a UUID the
 * same way.
 */
final class TaskIds {

    private TaskIds() {}

    static UUID task(RunId runId, StateId stateId, int failures) {
        return uuid("cairn-task|" + runId + "|" + stateId + "|" + failures);
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
