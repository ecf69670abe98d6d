package dev.cairn.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * A source that hands out its head, then has nothing more to give yet, as a pipe whose writer is
 * slow: its next read runs {@code onStall} (in the reading thread) and blocks until {@code
 * release} is counted down, then ends the stream, or until the reading thread is interrupted,
 * which ends the read as a pipe or socket does (flag cleared, {@link InterruptedIOException}).
 */
public final class StallingStream extends InputStream {

    private final byte[] head;
    private final Runnable onStall;
    private final CountDownLatch release;
    private int offset;

    private StallingStream(byte[] head, Runnable onStall, CountDownLatch release) {
        this.head = head.clone();
        this.onStall = Objects.requireNonNull(onStall, "onStall");
        this.release = Objects.requireNonNull(release, "release");
    }

    /** Stalls after {@code head} until the reading thread is interrupted. */
    public static InputStream untilInterrupted(byte[] head, Runnable onStall) {
        return new StallingStream(head, onStall, new CountDownLatch(1));
    }

    /** Stalls after {@code head} until {@code release} is counted down, then ends. */
    public static InputStream until(byte[] head, Runnable onStall, CountDownLatch release) {
        return new StallingStream(head, onStall, release);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (offset < head.length) {
            int n = Math.min(len, head.length - offset);
            System.arraycopy(head, offset, b, off, n);
            offset += n;
            return n;
        }
        onStall.run();
        try {
            release.await();
            return -1;
        } catch (InterruptedException e) {
            throw new InterruptedIOException("interrupted while waiting for data");
        }
    }
}
