package dev.cairn.cells;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Reads a stream to its end on a virtual thread, keeping at most {@code limit} bytes. */
final class OutputCapture {

    private final int limit;
    private final CountDownLatch done = new CountDownLatch(1);
    private byte[] buf;
    private int size;
    private boolean truncated;

    private final CellOutputListener listener;
    private final CellOutputListener.Stream stream;

    OutputCapture(InputStream in, int limit, String name) {
        this(in, limit, name, null, CellOutputListener.Stream.STDOUT);
    }

    OutputCapture(
            InputStream in, int limit, String name, CellOutputListener listener, CellOutputListener.Stream stream) {
        this.limit = limit;
        this.listener = listener;
        this.stream = stream;
        this.buf = new byte[Math.min(limit, 8192)];
        Thread.ofVirtual().name(name).start(() -> drain(in));
    }

    private void drain(InputStream in) {
        byte[] chunk = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                append(chunk, n);
                if (listener != null) {
                    try {
                        listener.output(stream, chunk, 0, n);
                    } catch (RuntimeException e) {
                        // a listener must not stop the capture (nor block the command on a full pipe)
                    }
                }
            }
        } catch (IOException e) {
            // the pipe was closed under us: keep what we have
        } finally {
            done.countDown();
        }
    }

    private synchronized void append(byte[] chunk, int n) {
        int keep = Math.min(n, limit - size);
        if (keep < n) {
            truncated = true;
        }
        if (keep > 0) {
            if (size + keep > buf.length) {
                buf = Arrays.copyOf(buf, Math.min(limit, Math.max(buf.length * 2, size + keep)));
            }
            System.arraycopy(chunk, 0, buf, size, keep);
            size += keep;
        }
    }

    /** Waits until the stream ended; returns whether it did within the timeout. */
    boolean await(long timeoutNanos) {
        try {
            return done.await(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    synchronized byte[] bytes() {
        return Arrays.copyOf(buf, size);
    }

    synchronized boolean truncated() {
        return truncated;
    }
}
