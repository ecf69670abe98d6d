package dev.cairn.cell.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Optional;

/**
 * What an {@link ExportSink} is told about an artifact besides its name and path: its media type,
 * which HTTP and S3 sinks send as {@code Content-Type}, and its provenance, the step that produced
 * the file, which a sink names when it refuses the file (for instance because it holds a secret).
 *
 * <p>Wire form: camelCase, {@code {"contentType":"application/json","producedBy":"package"}}; both
 * optional. ({@code producedBy} is a Cairn addition: the seed's metadata has the content type only.)
 *
 * @param contentType the media type, when known
 * @param producedBy the id of the step that produced the file, when known
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
public record ExportArtifactMetadata(Optional<String> contentType, Optional<String> producedBy) {

    public ExportArtifactMetadata {
        Checks.optional(contentType, "contentType");
        Checks.optional(producedBy, "producedBy");
    }

    /** Metadata with a content type only (no provenance). */
    public ExportArtifactMetadata(Optional<String> contentType) {
        this(contentType, Optional.empty());
    }

    /** No metadata. */
    public static ExportArtifactMetadata none() {
        return new ExportArtifactMetadata(Optional.empty(), Optional.empty());
    }

    /** Metadata with a content type. */
    public static ExportArtifactMetadata ofContentType(String contentType) {
        return new ExportArtifactMetadata(Optional.of(Checks.nonBlank(contentType, "contentType")), Optional.empty());
    }

    /** This metadata with {@code producedBy} set to the step {@code stepId}. */
    public ExportArtifactMetadata withProducer(String stepId) {
        return new ExportArtifactMetadata(contentType, Optional.of(Checks.nonBlank(stepId, "producedBy")));
    }
}
