package dev.cairn.sinks.export;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Finds known secrets in bytes before they are exported. The composition root backs it with the
 * secret masker's matcher (every secret the run can see, in each form the masker knows: plain,
 * base64, URL-encoded, JSON-escaped, hex, each line of a multi-line secret); export sinks take it as
 * a port so that they do not depend on how secrets are stored.
 *
 * <p>{@link #scan} reads {@code in} to its end, or stops at the first secret it finds; the export
 * sink writes exactly the bytes the scanner read (it tees them), so what is scanned is what is
 * exported. Implementations must find a secret that spans the boundary between two reads.
 */
@FunctionalInterface
public interface SecretScanner {

    /** The first known secret in the bytes of {@code in}, or empty. */
    Optional<SecretMatch> scan(InputStream in) throws IOException;
}
