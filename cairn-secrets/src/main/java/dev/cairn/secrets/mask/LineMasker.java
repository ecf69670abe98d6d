package dev.cairn.secrets.mask;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Splits the bytes written to it into lines and hands each one, masked, to a consumer: for log lines
 * that are stored or shown one at a time.
 *
 * <p>Each line (without its {@code \n} and a {@code \r} before it) is masked on its own, as soon as
 * its {@code \n} arrives: a secret cannot span lines, except a multi-line secret, whose lines are
 * masked one by one ({@link SecretForms}). A line longer than {@value #MAX_LINE_BYTES} bytes is
 * handed over in pieces, masked as one stream, so an occurrence across pieces is still masked.
 * Lines are decoded as UTF-8 (malformed bytes become U+FFFD). {@link #close()} hands over a last
 * line that has no {@code \n}. Not thread-safe.
 */
public final class LineMasker extends OutputStream {

    /** Lines longer than this are handed over in pieces. */
    public static final int MAX_LINE_BYTES = 64 * 1024;

    private final Consumer<String> sink;
    private final Masker.Buffer line = new Masker.Buffer(256);
    private final MaskingSession session;
    private final byte[] one = new byte[1];
    private boolean open; // bytes of the current line were written
    private boolean closed;

    LineMasker(Masker masker, Consumer<String> sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.session = new MaskingSession(masker, line);
    }

    @Override
    public void write(int b) {
        one[0] = (byte) b;
        write(one, 0, 1);
    }

    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IllegalStateException("the line masker is closed");
        }
        int start = off;
        int end = off + len;
        try {
            for (int i = off; i < end; i++) {
                if (b[i] == '\n') {
                    int stop = i > start && b[i - 1] == '\r' ? i - 1 : i;
                    feed(b, start, stop);
                    endLine();
                    start = i + 1;
                }
            }
            if (start < end) {
                open = true;
                feed(b, start, end);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the sink is a buffer: it does not fail
        }
    }

    /** Masks b[from, to) of the current line, handing over a piece whenever the line grows too long. */
    private void feed(byte[] b, int from, int to) throws IOException {
        while (from < to) {
            int n = Math.min(to - from, MAX_LINE_BYTES);
            session.write(b, from, n);
            from += n;
            if (line.size() >= MAX_LINE_BYTES) {
                sink.accept(line.toUtf8());
                line.clear();
            }
        }
    }

    private void endLine() throws IOException {
        session.finish();
        sink.accept(stripCr(line.toUtf8()));
        line.clear();
        session.reset();
        open = false;
    }

    /** A {@code \r} ending a line that was split from its {@code \n} by a write boundary. */
    private static String stripCr(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** Hands over the last line if it has no {@code \n}. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            if (open) {
                session.finish();
                if (line.size() > 0) {
                    sink.accept(stripCr(line.toUtf8()));
                }
                line.clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        closed = true;
    }
}
