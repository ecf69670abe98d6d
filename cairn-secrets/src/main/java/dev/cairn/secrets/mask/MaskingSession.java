package dev.cairn.secrets.mask;

import java.io.IOException;
import java.util.Arrays;

/**
 * The state of masking one stream: the automaton's state, the bytes held back (a form may still be
 * completed by the next chunk), and the covered regions not yet written. Not thread-safe.
 *
 * <p>Positions are offsets in the input stream. Each match found, {@code [end - length, end)},
 * joins the regions it overlaps (regions that merely touch stay apart, so that the output does not
 * depend on how the input was split into chunks). A byte at position {@code p} is final once the
 * input has reached {@code p + holdback + 1}: no later match can cover it. Final bytes are written
 * as they are, except that each region is written as one marker.
 */
final class MaskingSession {

    /** Where masked bytes go. */
    interface Sink {
        void write(byte[] b, int off, int len) throws IOException;
    }

    private final ByteAutomaton automaton;
    private final byte[] marker;
    private final int holdback;
    private final Sink sink;

    private int state;
    private long pos; // bytes read
    private long emitted; // bytes final and written (as themselves or under a marker)
    private byte[] tail; // input bytes [emitted, pos) between calls
    private long tailBase; // position of tail[0]
    private long[] regionStart = new long[8];
    private long[] regionEnd = new long[8];
    private int regionHead;
    private int regionCount;
    private boolean finished;

    MaskingSession(Masker masker, Sink sink) {
        this.automaton = masker.automaton();
        this.marker = masker.markerBytes();
        this.holdback = Math.max(0, automaton.maxPatternLength() - 1);
        this.sink = sink;
        this.tail = new byte[Math.max(16, holdback)];
    }

    /** Bytes read but not yet final: at most the longest pattern's length minus one. */
    int pending() {
        return (int) (pos - emitted);
    }

    void write(byte[] b, int off, int len) throws IOException {
        if (finished) {
            throw new IllegalStateException("masking session already finished");
        }
        if (len == 0) {
            return;
        }
        long chunkPos = pos;
        int s = state;
        ByteAutomaton a = automaton;
        for (int i = 0; i < len; i++) {
            s = a.next(s, b[off + i] & 0xff);
            int m = a.matchLength(s);
            if (m > 0) {
                long end = chunkPos + i + 1;
                addRegion(end - m, end);
            }
        }
        state = s;
        pos = chunkPos + len;
        long limit = pos - holdback;
        if (limit > emitted) {
            emit(limit, b, off, chunkPos);
        }
        keepTail(b, off, chunkPos);
    }

    /**
     * Ends the stream: a form cut off by the end that has at least {@link Masker#PARTIAL_MIN_BYTES}
     * bytes is masked too, then everything is written.
     */
    void finish() throws IOException {
        if (finished) {
            return;
        }
        int d = automaton.depth(state);
        if (d >= Masker.PARTIAL_MIN_BYTES) {
            addRegion(pos - d, pos);
        }
        emit(pos, tail, 0, pos);
        finished = true;
    }

    /** Starts a new, independent stream (after {@link #finish()}). */
    void reset() {
        state = 0;
        pos = 0;
        emitted = 0;
        tailBase = 0;
        regionHead = 0;
        regionCount = 0;
        finished = false;
    }

    private void addRegion(long start, long end) {
        // Every region ends at or before `end`: merge those that overlap [start, end).
        while (regionCount > 0) {
            int last = (regionHead + regionCount - 1) % regionStart.length;
            if (regionEnd[last] <= start) {
                break;
            }
            start = Math.min(start, regionStart[last]);
            regionCount--;
        }
        if (regionCount == regionStart.length) {
            growRegions();
        }
        int slot = (regionHead + regionCount) % regionStart.length;
        regionStart[slot] = start;
        regionEnd[slot] = end;
        regionCount++;
    }

    private void growRegions() {
        int n = regionStart.length;
        long[] s = new long[n * 2];
        long[] e = new long[n * 2];
        for (int i = 0; i < regionCount; i++) {
            s[i] = regionStart[(regionHead + i) % n];
            e[i] = regionEnd[(regionHead + i) % n];
        }
        regionStart = s;
        regionEnd = e;
        regionHead = 0;
    }

    /**
     * Writes the input in {@code [emitted, limit)}: held-back bytes come from {@link #tail}, the
     * others from the chunk {@code b}, whose first byte is at position {@code chunkPos}.
     */
    private void emit(long limit, byte[] b, int off, long chunkPos) throws IOException {
        while (emitted < limit) {
            if (regionCount > 0 && regionStart[regionHead] <= emitted) {
                if (regionStart[regionHead] == emitted) {
                    sink.write(marker, 0, marker.length);
                }
                long stop = Math.min(regionEnd[regionHead], limit);
                emitted = stop;
                if (stop == regionEnd[regionHead]) {
                    regionHead = (regionHead + 1) % regionStart.length;
                    regionCount--;
                }
            } else {
                long stop = regionCount > 0 ? Math.min(regionStart[regionHead], limit) : limit;
                copyOut(emitted, stop, b, off, chunkPos);
                emitted = stop;
            }
        }
    }

    private void copyOut(long from, long to, byte[] b, int off, long chunkPos) throws IOException {
        long tailPos = chunkPos - tailLength(chunkPos);
        if (from < chunkPos) {
            long stop = Math.min(to, chunkPos);
            sink.write(tail, (int) (from - tailPos), (int) (stop - from));
            from = stop;
        }
        if (from < to) {
            sink.write(b, off + (int) (from - chunkPos), (int) (to - from));
        }
    }

    /** How many held-back bytes preceded the chunk at {@code chunkPos}: they sit at the start of {@link #tail}. */
    private long tailLength(long chunkPos) {
        return chunkPos - tailBase;
    }

    /** After a write: keep the input bytes [emitted, pos) in {@link #tail}. */
    private void keepTail(byte[] b, int off, long chunkPos) {
        int keep = (int) (pos - emitted);
        if (keep > tail.length) {
            tail = Arrays.copyOf(tail, Math.max(keep, tail.length * 2));
        }
        if (emitted < chunkPos) {
            // part of the old tail stays: move it to the front, then append the chunk's part
            int fromOld = (int) (chunkPos - emitted);
            System.arraycopy(tail, (int) (emitted - tailBase), tail, 0, fromOld);
            System.arraycopy(b, off, tail, fromOld, keep - fromOld);
        } else {
            System.arraycopy(b, off + (int) (emitted - chunkPos), tail, 0, keep);
        }
        tailBase = emitted;
    }
}
