package dev.cairn.sinks.export;

import dev.cairn.json.ArtifactIds;
import dev.cairn.sinks.SinkException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One read of a file to export: its bytes go to the secret scanner, to a SHA-256 digest and to an
 * output (a temp file, or nowhere), in a single pass, so that what was scanned is what is written.
 *
 * @param sha256 the digest of the bytes read (lowercase hex)
 * @param size how many bytes
 * @param secret the secret found, if any (the copy is then incomplete and must be discarded)
 */
record ScannedCopy(String sha256, long size, Optional<SecretMatch> secret) {

    /** Checks that {@code path} is a regular file (not a link) and returns it. */
    static Path source(String name, String path) {
        Path source;
        try {
            source = Path.of(path);
        } catch (RuntimeException e) {
            throw SinkException.exportSourceUnreadable(name, path, "not a path", e);
        }
        if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
            throw SinkException.exportSourceUnreadable(
                    name,
                    path,
                    Files.isSymbolicLink(source)
                            ? "it is a symbolic link; only regular files are exported"
                            : Files.exists(source) ? "not a regular file" : "no such file",
                    null);
        }
        return source;
    }

    /** Reads {@code source} once through {@code scanner} into {@code out}. */
    static ScannedCopy of(String name, Path source, OutputStream out, SecretScanner scanner) {
        MessageDigest digest = ArtifactIds.sha256();
        try (Tee tee = new Tee(Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS), digest, out)) {
            Optional<SecretMatch> found = scanner.scan(tee);
            if (found == null) {
                found = Optional.empty();
            }
            if (found.isEmpty()) {
                tee.transferTo(OutputStream.nullOutputStream()); // what the scanner left unread
            }
            return new ScannedCopy(HexFormat.of().formatHex(digest.digest()), tee.count, found);
        } catch (NoSuchFileException e) {
            throw SinkException.exportSourceUnreadable(name, source.toString(), "no such file", e);
        } catch (IOException e) {
            throw SinkException.exportSourceUnreadable(name, source.toString(), "reading failed: " + e, e);
        }
    }

    /** An input that copies every byte read to a digest and an output. */
    private static final class Tee extends FilterInputStream {
        private final MessageDigest digest;
        private final OutputStream out;
        private long count;

        Tee(InputStream in, MessageDigest digest, OutputStream out) {
            super(in);
            this.digest = digest;
            this.out = out;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                digest.update((byte) b);
                out.write(b);
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                digest.update(buffer, offset, n);
                out.write(buffer, offset, n);
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[8192];
            long skipped = 0;
            while (skipped < n) {
                int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public synchronized void mark(int readlimit) {
            // unsupported: every byte is copied once, in order
        }

        @Override
        public synchronized void reset() throws IOException {
            throw new IOException("mark/reset is not supported while exporting");
        }
    }
}
