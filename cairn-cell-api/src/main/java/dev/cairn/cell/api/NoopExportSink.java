package dev.cairn.cell.api;

/**
 * A no-op {@link ExportSink} for tests and specs without {@code export.artifacts}: it exports
 * nothing and refuses every push with code {@code export_sink} and the message {@code export
 * requested for artifact "NAME" but no export sink is configured}.
 */
public final class NoopExportSink implements ExportSink {

    /** Refuses: no export sink is configured. */
    @Override
    public ExportReceipt push(String name, String path, ExportArtifactMetadata metadata) {
        throw CellException.exportSink(
                "export requested for artifact " + RustDebug.quote(name) + " but no export sink is configured");
    }
}
