package dev.cairn.executor.protocol;

import dev.cairn.json.wire.Transparent;
import dev.cairn.json.wire.WirePattern;
import dev.cairn.json.wire.WireSize;

/**
 * Opaque reference to a workspace snapshot, chosen by the executor that commits it (Cairn's
 * runner uses the snapshot's content id; other executors may encode their own format). The host
 * never inspects it; it only hands it back in {@link CacheDecision}s and as a {@link
 * ExecutorInput#parentSnapshot() parent snapshot}. On the wire it is the bare string.
 *
 * <p>Rule: 1 to {@value #MAX_LENGTH} characters, no control characters.
 */
@Transparent
public record SnapshotRef(@WireSize(min = 1, max = MAX_LENGTH) @WirePattern(Checks.PRINTABLE) String value) {

    /** Longest accepted reference. */
    public static final int MAX_LENGTH = 1024;

    public SnapshotRef {
        Checks.printable("snapshot reference", value, MAX_LENGTH);
    }

    @Override
    public String toString() {
        return value;
    }
}
