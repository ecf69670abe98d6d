package dev.cairn.cell.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Optional;

/**
 * Proof that an artifact was exported: where it went ({@code destination}, e.g. {@code
 * s3://bucket/key} or a file path), the kind of target, and how many bytes were written if known.
 *
 * <p>Wire form: camelCase ({@code targetKind}, {@code destination}, {@code bytesWritten}), as the
 * reference's export receipts. {@code bytesWritten} is optional: the seed does not show the
 * reference's field list, so only what its sinks document ({@code targetKind}, {@code
 * destination}) is required.
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
public record ExportReceipt(ExportReceiptTargetKind targetKind, String destination, Optional<Long> bytesWritten) {

    public ExportReceipt {
        Checks.required(targetKind, "targetKind");
        Checks.nonBlank(destination, "destination");
        Checks.unsigned(bytesWritten, "bytesWritten");
    }
}
