package dev.cairn.orchestrator.embedded;

import dev.cairn.secrets.mask.Masker;
import dev.cairn.sinks.export.SecretMatch;
import dev.cairn.sinks.export.SecretScanner;
import java.util.Objects;

/** Export scanning backed by the secret masker, for {@link OrchestratorOptions#exportSinks()}. */
public final class ExportScanning {

    private ExportScanning() {}

    /**
     * A scanner that finds any secret {@code masker} knows, in every form it knows (plain, base64 in
     * three alignments, URL-encoded, JSON-escaped, hex, each line of a multi-line secret): export
     * refuses the file, naming the secret and the form, never the value.
     */
    public static SecretScanner of(Masker masker) {
        Objects.requireNonNull(masker, "masker");
        return in -> masker.find(in, 1).stream()
                .findFirst()
                .map(f -> new SecretMatch(f.secret(), f.form().name().toLowerCase(java.util.Locale.ROOT)));
    }
}
