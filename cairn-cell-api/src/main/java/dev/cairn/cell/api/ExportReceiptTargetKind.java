package dev.cairn.cell.api;

import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireEnum;

/**
 * The kind of destination an {@link ExportSink} writes to. Wire form: lowercase, {@code "local"},
 * {@code "s3"}, {@code "http"}.
 *
 * <p>The reference's variants are not in the seed; these are the targets its export sinks name
 * (a local directory, S3 via presigned URLs, plain HTTP PUT).
 */
@WireEnum(variants = VariantCase.LOWERCASE)
public enum ExportReceiptTargetKind {
    LOCAL,
    S3,
    HTTP
}
