package dev.cairn.orchestrator.spec;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The {@code export:} section: named targets, and the artifacts sent to them once the run
 * succeeds.
 *
 * @param targets targets by name (names are ids)
 * @param artifacts what to export, names unique
 */
public record ExportSpec(SortedMap<String, ExportTarget> targets, List<ExportArtifact> artifacts) {

    /** Nothing to export. */
    public static final ExportSpec NONE = new ExportSpec(new TreeMap<>(), List.of());

    public ExportSpec {
        targets = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(targets, "targets")));
        artifacts = List.copyOf(Objects.requireNonNull(artifacts, "artifacts"));
    }

    /** Whether there is nothing to export. */
    public boolean isEmpty() {
        return targets.isEmpty() && artifacts.isEmpty();
    }
}
