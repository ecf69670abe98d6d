package dev.cairn.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

/** Artifact downloads that never leave wrong or partial bytes at their target. */
final class Downloads {

    private Downloads() {}

    /**
     * Copies the stream {@code open} gives into a temporary file beside {@code target}, hashing it;
     * renames it into place when its SHA-256 is {@code artifactId}, else deletes it and fails with
     * {@code digest_mismatch}. Returns the size.
     */
    static long verified(String artifactId, Path target, Supplier<InputStream> open) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".part");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long size;
            try (InputStream in = open.get();
                    OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), sha)) {
                size = in.transferTo(out);
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (!actual.equals(artifactId)) {
                throw new CliException(
                        "digest_mismatch",
                        "the bytes of artifact " + artifactId + " have SHA-256 " + actual,
                        "The store holds damaged bytes; nothing was written to " + target + ".",
                        ExitCodes.DATA,
                        null);
            }
            Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
            return size;
        } catch (IOException e) {
            throw CliException.io(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: a stray .part file is harmless
                }
            }
        }
    }
}
