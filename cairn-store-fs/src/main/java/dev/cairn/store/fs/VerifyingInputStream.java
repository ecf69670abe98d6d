package dev.cairn.store.fs;

import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The bytes of a stored blob, hashed as they are read. At the end of the stream the digest is
 * compared with the id: on a mismatch the read that would return end-of-stream throws {@link
 * ArtifactCorruptException} instead, so a caller that reads to the end never takes damaged bytes for
 * good ones. A caller that stops early has read bytes that were not verified.
 */
final class VerifyingInputStream extends InputStream {

    private final ArtifactId id;
    private final InputStream in;
    private final MessageDigest digest;
    private boolean verified;

    VerifyingInputStream(ArtifactId id, InputStream in, MessageDigest digest) {
        this.id = id;
        this.in = in;
        this.digest = digest;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        int n = in.read(b, off, len);
        if (n < 0) {
            verifyAtEnd();
            return -1;
        }
        digest.update(b, off, n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skipped bytes are still hashed, or the end could not be verified
        byte[] sink = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(sink, 0, (int) Math.min(sink.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void verifyAtEnd() throws ArtifactCorruptException {
        if (verified) {
            return;
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(id.value())) {
            throw new ArtifactCorruptException(StorageException.artifactCorrupt(id, new ArtifactId(actual)));
        }
        verified = true;
    }

    /**
     * A stored blob's bytes did not hash to its id; thrown from {@code read} at the end of the stream.
     * Its cause is the {@link StorageException} ({@code StorageError.Corruption}).
     */
    static final class ArtifactCorruptException extends IOException {
        private static final long serialVersionUID = 1L;

        ArtifactCorruptException(StorageException corruption) {
            super(corruption.getMessage(), corruption);
        }
    }
}
