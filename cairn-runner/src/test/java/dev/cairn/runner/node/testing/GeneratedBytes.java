package dev.cairn.runner.node.testing;

import dev.cairn.json.ArtifactIds;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/**
 * {@code size} pseudo-random bytes from {@code seed}, produced as they are read (never held whole),
 * optionally calling a hook once {@code pauseAt} bytes have been produced (to prove streaming).
 */
public final class GeneratedBytes extends InputStream {

    private final Random random;
    private final long size;
    private final long pauseAt;
    private final Runnable atPause;
    private long produced;
    private boolean paused;

    public GeneratedBytes(long seed, long size) {
        this(seed, size, Long.MAX_VALUE, () -> {});
    }

    public GeneratedBytes(long seed, long size, long pauseAt, Runnable atPause) {
        this.random = new Random(seed);
        this.size = size;
        this.pauseAt = pauseAt;
        this.atPause = atPause;
    }

    /** The SHA-256 of the bytes such a stream produces. */
    public static String sha256(long seed, long size) throws IOException {
        MessageDigest digest = ArtifactIds.sha256();
        try (InputStream in = new GeneratedBytes(seed, size)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (produced >= size) {
            return -1;
        }
        if (!paused && produced >= pauseAt) {
            paused = true;
            atPause.run();
        }
        int n = (int) Math.min(Math.min(len, 8192), size - produced);
        byte[] chunk = new byte[n];
        random.nextBytes(chunk);
        System.arraycopy(chunk, 0, b, off, n);
        produced += n;
        return n;
    }
}
