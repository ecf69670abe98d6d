package dev.cairn.cell.api;

import java.util.Optional;

/**
 * Pushes a cell's artifacts somewhere durable (a directory, S3, an HTTP endpoint) and returns a
 * receipt. Implementations are thread-safe.
 */
@FunctionalInterface
public interface ExportSink {

    /** Best-effort kind of target, for failure events raised before a receipt exists; empty by default. */
    default Optional<ExportReceiptTargetKind> targetKind() {
        return Optional.empty();
    }

    /** Best-effort destination of the artifact {@code name}, for observability; empty by default. */
    default Optional<String> destinationHint(String name) {
        return Optional.empty();
    }

    /** Pushes the file at {@code path} as the artifact {@code name}; code {@code export_sink} on failure. */
    ExportReceipt push(String name, String path, ExportArtifactMetadata metadata) throws CellException;
}
