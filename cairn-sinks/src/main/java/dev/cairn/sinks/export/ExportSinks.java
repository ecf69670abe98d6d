package dev.cairn.sinks.export;

import dev.cairn.cell.api.ExportSink;
import dev.cairn.sinks.SecretLookup;
import java.time.InstantSource;
import java.util.Objects;
import java.util.SplittableRandom;

/** Builds the export sink of a target configuration. */
public final class ExportSinks {

    private final SecretLookup secrets;
    private final SecretScanner scanner;
    private final InstantSource clock;

    /**
     * @param secrets resolves the secrets targets name ({@code bearer})
     * @param scanner finds known secrets in exported bytes
     * @param clock the clock of receipts
     */
    public ExportSinks(SecretLookup secrets, SecretScanner scanner, InstantSource clock) {
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.scanner = Objects.requireNonNull(scanner, "scanner");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The sink of {@code target}. */
    public ExportSink create(ExportTargetConfig target) {
        return switch (Objects.requireNonNull(target, "target")) {
            case ExportTargetConfig.Directory d -> new DirectoryExportSink(d, scanner, clock);
            case ExportTargetConfig.HttpPut h ->
                new HttpPutExportSink(h, secrets, scanner, clock, new SplittableRandom());
        };
    }
}
