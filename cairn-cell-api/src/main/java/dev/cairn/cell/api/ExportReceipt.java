package dev.cairn.cell.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.Optional;

/**
 * Proof that an artifact was exported: where it went ({@code destination}, e.g. {@code
 * s3://bucket/key} or a file path), the kind of target, how many bytes were written, the SHA-256 of
 * those bytes and when the export finished.
 *
 * <p>Wire form: camelCase ({@code targetKind}, {@code destination}, {@code bytesWritten}, {@code
 * sha256}, {@code exportedAt}), as the reference's export receipts. Only {@code targetKind} and
 * {@code destination} are required: the seed does not show the reference's field list, so only
 * what its sinks document is mandatory. Cairn's sinks fill every field: {@code sha256} is the
 * lowercase hex digest of the exported bytes (the same form as an {@code ArtifactId}, so a receipt
 * can be matched against the artifact store), {@code exportedAt} is RFC 3339 in UTC.
 *
 * @param targetKind the kind of target written to
 * @param destination where the artifact went
 * @param bytesWritten its size in bytes, when known
 * @param sha256 the SHA-256 of the exported bytes (64 lowercase hex digits), when known
 * @param exportedAt when the export completed, when known
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
public record ExportReceipt(
        ExportReceiptTargetKind targetKind,
        String destination,
        Optional<Long> bytesWritten,
        Optional<String> sha256,
        Optional<Instant> exportedAt) {

    public ExportReceipt {
        Checks.required(targetKind, "targetKind");
        Checks.nonBlank(destination, "destination");
        Checks.unsigned(bytesWritten, "bytesWritten");
        Checks.sha256(sha256, "sha256");
        Checks.optional(exportedAt, "exportedAt");
    }

    /** A receipt without digest or time (sinks that cannot know them). */
    public ExportReceipt(ExportReceiptTargetKind targetKind, String destination, Optional<Long> bytesWritten) {
        this(targetKind, destination, bytesWritten, Optional.empty(), Optional.empty());
    }
}
