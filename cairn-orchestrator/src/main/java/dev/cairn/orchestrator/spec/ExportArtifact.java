package dev.cairn.orchestrator.spec;

import java.util.Objects;
import java.util.Optional;

/**
 * One artifact to export after the run: a file a step captured, sent to a target under a name.
 * Seed 004's {@code ExportArtifactSpec} ({@code name}, {@code path}, {@code target}, {@code
 * contentType}), plus the step that produces it.
 *
 * @param name the exported name (a file name: {@code [A-Za-z0-9._-]}, starting with a letter or digit)
 * @param step the step that captures the file
 * @param path the file's path in that step's workspace; one of its {@code outputs} globs must match it
 * @param target a target named under {@code export.targets}; when absent, the default sink the
 *     runner of the pipeline configured
 * @param contentType the media type, e.g. {@code application/gzip}
 */
public record ExportArtifact(
        String name, String step, String path, Optional<String> target, Optional<String> contentType) {

    public ExportArtifact {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(contentType, "content_type");
    }
}
