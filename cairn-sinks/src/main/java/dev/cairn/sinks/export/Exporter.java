package dev.cairn.sinks.export;

import dev.cairn.cell.api.CellException;
import dev.cairn.cell.api.ExportArtifactMetadata;
import dev.cairn.cell.api.ExportReceipt;
import dev.cairn.cell.api.ExportSink;
import dev.cairn.cell.api.NoopExportSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Runs a pipeline's {@code export:} section: pushes each artifact to its target's sink, in order,
 * and reports every outcome; one artifact's failure does not stop the others. The caller records the
 * outcomes in the run ({@link ExportOutcome#toDomainEvent()}).
 */
public final class Exporter {

    private final Map<String, ExportSink> targets;
    private final ExportSink defaultSink;

    /**
     * @param targets the sinks of {@code export.targets}, by name
     * @param defaultSink the sink of artifacts without a target (the server's default; {@link
     *     NoopExportSink} refuses them)
     */
    public Exporter(Map<String, ExportSink> targets, ExportSink defaultSink) {
        this.targets = new TreeMap<>(Objects.requireNonNull(targets, "targets"));
        this.defaultSink = Objects.requireNonNull(defaultSink, "default_sink");
    }

    /** Pushes every item and returns their outcomes, in the same order. */
    public List<ExportOutcome> exportAll(List<ExportItem> items) {
        List<ExportOutcome> out = new ArrayList<>(items.size());
        for (ExportItem item : items) {
            out.add(export(item));
        }
        return out;
    }

    /** Pushes one item. */
    public ExportOutcome export(ExportItem item) {
        Objects.requireNonNull(item, "item");
        Optional<ExportSink> sink = item.target().isEmpty()
                ? Optional.of(defaultSink)
                : Optional.ofNullable(targets.get(item.target().get()));
        if (sink.isEmpty()) {
            return new ExportOutcome.Failed(
                    item.name(),
                    item.step(),
                    item.target(),
                    "unknown_export_target",
                    "no export target named \"" + item.target().get() + "\"; known: " + targets.keySet(),
                    false);
        }
        ExportArtifactMetadata metadata = new ExportArtifactMetadata(item.contentType(), Optional.of(item.step()));
        try {
            ExportReceipt receipt = sink.get().push(item.name(), item.file().toString(), metadata);
            return new ExportOutcome.Pushed(item.name(), item.step(), item.target(), receipt);
        } catch (CellException e) {
            return new ExportOutcome.Failed(
                    item.name(), item.step(), item.target(), e.code(), e.getMessage(), e.retryable());
        }
    }
}
