package dev.cairn.cell.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cairn.json.wire.WireDefault;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The artifacts a cell exports after its command ({@code spec.export.artifacts}); names are unique.
 * Wire form: {@code {"artifacts":[…]}}, default empty.
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
public record ExportSpec(@WireDefault List<ExportArtifactSpec> artifacts) {

    public ExportSpec {
        artifacts = Checks.list(artifacts, "spec.export.artifacts");
        Set<String> names = new HashSet<>();
        for (ExportArtifactSpec artifact : artifacts) {
            if (!names.add(artifact.name())) {
                throw CellException.invalidSpec("spec.export.artifacts names must be unique: " + artifact.name());
            }
        }
    }
}
