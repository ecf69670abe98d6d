package dev.cairn.cells;

/**
 * Receives a cell's output as it is read, for callers that stream it (to mask it and relay it as log
 * lines) rather than wait for the captured result. See {@link Cell#start(CellOutputListener)}.
 */
@FunctionalInterface
public interface CellOutputListener {

    /** Which of the command's streams a chunk comes from. */
    enum Stream {
        STDOUT,
        STDERR
    }

    /**
     * {@code len} bytes of {@code stream} from {@code bytes[off]}. The array is reused after the call returns:
     * copy what you keep. Exceptions are ignored.
     */
    void output(Stream stream, byte[] bytes, int off, int len);
}
