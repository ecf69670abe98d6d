package dev.cairn.cell.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Optional;

/**
 * One artifact to export: its name, its path inside the cell's workspace, the named export target
 * to send it to (the default sink when absent), and its content type. Wire form: camelCase.
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
public record ExportArtifactSpec(String name, String path, Optional<String> target, Optional<String> contentType) {

    public ExportArtifactSpec {
        Checks.nonBlank(name, "spec.export.artifacts[].name");
        Checks.nonBlank(path, "spec.export.artifacts[].path");
        Checks.optional(target, "spec.export.artifacts[].target");
        Checks.optional(contentType, "spec.export.artifacts[].contentType");
    }

    /** The metadata an {@link ExportSink} is given for this artifact. */
    public ExportArtifactMetadata metadata() {
        return new ExportArtifactMetadata(contentType);
    }
}
