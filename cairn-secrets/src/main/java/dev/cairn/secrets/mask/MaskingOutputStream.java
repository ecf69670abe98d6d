package dev.cairn.secrets.mask;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Masks the bytes written to it ({@link Masker}) and writes the result to the stream it wraps.
 *
 * <p>Bytes that may be the start of a secret are held back (at most {@link Masker#holdback()}) until
 * later writes show that they are not, so an occurrence split across writes is masked. {@link
 * #flush()} passes on what is final and flushes the wrapped stream, but keeps what is held back;
 * {@link #finish()} (or {@link #close()}) ends the input, masks a form cut off at its end, and
 * writes everything. Not thread-safe.
 */
public final class MaskingOutputStream extends OutputStream {

    private final OutputStream out;
    private final MaskingSession session;
    private final byte[] one = new byte[1];
    private boolean finished;
    private boolean closed;

    MaskingOutputStream(Masker masker, OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
        this.session = new MaskingSession(masker, out::write);
    }

    @Override
    public void write(int b) throws IOException {
        one[0] = (byte) b;
        write(one, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (finished) {
            throw new IOException("the masking stream is finished; nothing more can be written");
        }
        session.write(b, off, len);
    }

    /** How many bytes are held back now. */
    public int pending() {
        return session.pending();
    }

    /** Writes what is final to the wrapped stream and flushes it; held-back bytes stay. */
    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Ends the input: writes everything, masked, and flushes, without closing the wrapped stream. */
    public void finish() throws IOException {
        if (!finished) {
            finished = true;
            session.finish();
            out.flush();
        }
    }

    /** {@link #finish()}, then closes the wrapped stream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            finish();
        } finally {
            out.close();
        }
    }
}
