package dev.cairn.contracts.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One artifact of a pipeline's {@code export:} section, as the run recorded it: where it went (the
 * export sink's receipt) or why it did not (a file holding a known secret names the step that
 * produced it).
 *
 * @param name the exported name
 * @param step the step that produced the file
 * @param target the target's name under {@code export.targets}; empty for the default sink
 * @param status {@code pushed} or {@code failed}
 * @param targetKind the receipt's kind of target ({@code local}, {@code http}), when pushed
 * @param destination where it went (a path or URL), when pushed
 * @param sizeBytes the bytes written, when pushed
 * @param sha256 the SHA-256 of the bytes written, when pushed
 * @param exportedAt when the push completed
 * @param errorCode why it failed (e.g. {@code export_contains_secret})
 * @param error the failure's message (names secrets and steps, never values)
 */
public record ExportView(
        String name,
        String step,
        Optional<String> target,
        String status,
        Optional<String> targetKind,
        Optional<String> destination,
        Optional<Long> sizeBytes,
        Optional<String> sha256,
        Optional<Instant> exportedAt,
        Optional<String> errorCode,
        Optional<String> error) {

    public ExportView {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(targetKind, "target_kind");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(sizeBytes, "size_bytes");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(exportedAt, "exported_at");
        Objects.requireNonNull(errorCode, "error_code");
        Objects.requireNonNull(error, "error");
    }
}
