package dev.cairn.cell.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Optional;

/**
 * What an {@link ExportSink} is told about an artifact besides its name and path: its media type,
 * which HTTP and S3 sinks send as {@code Content-Type}.
 *
 * <p>Wire form: camelCase, {@code {"contentType":"application/json"}}.
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
public record ExportArtifactMetadata(Optional<String> contentType) {

    public ExportArtifactMetadata {
        Checks.optional(contentType, "contentType");
    }

    /** No metadata. */
    public static ExportArtifactMetadata none() {
        return new ExportArtifactMetadata(Optional.empty());
    }

    /** Metadata with a content type. */
    public static ExportArtifactMetadata ofContentType(String contentType) {
        return new ExportArtifactMetadata(Optional.of(Checks.nonBlank(contentType, "contentType")));
    }
}
