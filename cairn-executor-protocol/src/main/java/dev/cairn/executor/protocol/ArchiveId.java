package dev.cairn.executor.protocol;

import dev.cairn.json.wire.Transparent;
import java.util.Objects;
import java.util.UUID;

/**
 * Opaque handle of a workspace archive held by the host. An executor reads the archive's bytes
 * through {@link ArchiveReadRequest}s; it never learns where the archive lives. On the wire it is
 * the bare UUID string.
 */
@Transparent
public record ArchiveId(UUID value) {

    public ArchiveId {
        Objects.requireNonNull(value, "archive_id");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
