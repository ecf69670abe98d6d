package dev.cairn.sinks.export;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One artifact of a pipeline's {@code export:} section, resolved for pushing: the exported name,
 * the step that produced it, the file holding its bytes (e.g. the artifact store's copy of the
 * captured output), the named target (empty: the default sink) and the content type.
 */
public record ExportItem(String name, String step, Path file, Optional<String> target, Optional<String> contentType) {

    public ExportItem {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(contentType, "content_type");
    }
}
