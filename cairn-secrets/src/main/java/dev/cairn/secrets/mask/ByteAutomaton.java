package dev.cairn.secrets.mask;

import java.util.Arrays;
import java.util.List;

/**
 * An Aho-Corasick automaton over bytes: after reading any input, its state tells the longest pattern
 * ending at the last byte, in time linear in the input whatever the number of patterns.
 *
 * <p>Written here rather than taken from a library: the Aho-Corasick libraries on Maven Central
 * ({@code org.ahocorasick:ahocorasick}, {@code com.hankcs:aho-corasick-double-array-trie}) match
 * Java {@code char}s of whole {@link String}s, while masking works on raw bytes (output that is not
 * valid UTF-8 must be masked too) and must carry its state across chunk boundaries of a stream;
 * none is listed in {@code DEPENDENCIES.md} either.
 *
 * <p>Layout, chosen for output that mostly matches nothing: bytes are mapped to classes (each byte
 * that occurs in some pattern is a class of its own, all others share class 0). States are numbered
 * breadth-first, 0 is the root. The states up to depth {@value #FULL_DEPTH} have a full row of
 * transitions per class with the failure links already followed (a deterministic automaton there:
 * one array read per byte). Deeper states, which long patterns make numerous, keep their children
 * as sorted (label, target) edges and follow failure links on a miss, which always lead to a
 * shallower state. Per state: failure link, length and index of the longest pattern that is a
 * suffix of the state ({@link #matchLength}, 0 for none), and depth. Immutable and thread-safe.
 */
final class ByteAutomaton {

    /** States up to this depth get full, failure-resolved rows. */
    private static final int FULL_DEPTH = 2;

    private final int[] byteClass; // 256 entries
    private final int[] rowBase; // per state: index of its full row in `rows`, or -1
    private final int[] rows;
    private final int[] edgeStart; // per state, edges [edgeStart[s], edgeStart[s + 1])
    private final byte[] edgeLabel;
    private final int[] edgeTarget;
    private final int[] fail;
    private final int[] matchLength;
    private final int[] matchPattern;
    private final int[] depth;
    private final int maxPatternLength;

    private ByteAutomaton(
            int[] byteClass,
            int[] rowBase,
            int[] rows,
            int[] edgeStart,
            byte[] edgeLabel,
            int[] edgeTarget,
            int[] fail,
            int[] matchLength,
            int[] matchPattern,
            int[] depth,
            int maxPatternLength) {
        this.byteClass = byteClass;
        this.rowBase = rowBase;
        this.rows = rows;
        this.edgeStart = edgeStart;
        this.edgeLabel = edgeLabel;
        this.edgeTarget = edgeTarget;
        this.fail = fail;
        this.matchLength = matchLength;
        this.matchPattern = matchPattern;
        this.depth = depth;
        this.maxPatternLength = maxPatternLength;
    }

    /** The automaton of {@code patterns} (non-empty byte strings; duplicates allowed, the first wins). */
    static ByteAutomaton of(List<byte[]> patterns) {
        return new Builder(patterns).build();
    }

    /** The state after reading byte {@code b} (0-255) in state {@code s}. */
    int next(int s, int b) {
        while (true) {
            int base = rowBase[s];
            if (base >= 0) {
                return rows[base + byteClass[b]];
            }
            int from = edgeStart[s];
            int to = edgeStart[s + 1];
            for (int i = from; i < to; i++) {
                int label = edgeLabel[i] & 0xff;
                if (label == b) {
                    return edgeTarget[i];
                }
                if (label > b) {
                    break;
                }
            }
            s = fail[s];
        }
    }

    /** Length of the longest pattern ending in state {@code s}; 0 when none does. */
    int matchLength(int s) {
        return matchLength[s];
    }

    /** Index of the longest pattern ending in state {@code s}; meaningful when {@link #matchLength} is positive. */
    int matchPattern(int s) {
        return matchPattern[s];
    }

    /** Length of the longest suffix of the input read so far that is a prefix of a pattern. */
    int depth(int s) {
        return depth[s];
    }

    int maxPatternLength() {
        return maxPatternLength;
    }

    int stateCount() {
        return fail.length;
    }

    /** Builds the trie with first-child/next-sibling links, then failure links breadth-first, then the frozen layout. */
    private static final class Builder {
        private int size = 1;
        private int[] firstChild = new int[64];
        private int[] nextSibling = new int[64];
        private byte[] label = new byte[64];
        private int[] nodeDepth = new int[64];
        private int[] terminal = new int[64];
        private int[] parentOf = new int[64];
        private final int[] rootChild = new int[256];
        private final boolean[] used = new boolean[256];
        private int maxLength;

        Builder(List<byte[]> patterns) {
            Arrays.fill(firstChild, -1);
            Arrays.fill(nextSibling, -1);
            Arrays.fill(terminal, -1);
            Arrays.fill(parentOf, -1);
            Arrays.fill(rootChild, -1);
            for (int p = 0; p < patterns.size(); p++) {
                insert(patterns.get(p), p);
            }
        }

        private void insert(byte[] pattern, int index) {
            if (pattern.length == 0) {
                throw new IllegalArgumentException("empty pattern");
            }
            maxLength = Math.max(maxLength, pattern.length);
            int s = 0;
            for (byte b : pattern) {
                used[b & 0xff] = true;
                int child = child(s, b);
                if (child < 0) {
                    child = newNode(s, b);
                }
                s = child;
            }
            if (terminal[s] < 0) {
                terminal[s] = index;
            }
        }

        private int child(int s, byte b) {
            if (s == 0) {
                return rootChild[b & 0xff];
            }
            for (int c = firstChild[s]; c >= 0; c = nextSibling[c]) {
                if (label[c] == b) {
                    return c;
                }
            }
            return -1;
        }

        private int newNode(int parent, byte b) {
            if (size == firstChild.length) {
                int n = size * 2;
                firstChild = grow(firstChild, n);
                nextSibling = grow(nextSibling, n);
                terminal = grow(terminal, n);
                parentOf = grow(parentOf, n);
                nodeDepth = Arrays.copyOf(nodeDepth, n);
                label = Arrays.copyOf(label, n);
            }
            int node = size++;
            label[node] = b;
            parentOf[node] = parent;
            nodeDepth[node] = nodeDepth[parent] + 1;
            nextSibling[node] = firstChild[parent];
            firstChild[parent] = node;
            if (parent == 0) {
                rootChild[b & 0xff] = node;
            }
            return node;
        }

        private static int[] grow(int[] a, int n) {
            int old = a.length;
            int[] g = Arrays.copyOf(a, n);
            Arrays.fill(g, old, n, -1);
            return g;
        }

        ByteAutomaton build() {
            int n = size;
            // Byte classes: each byte used by a pattern is its own class; the rest share class 0.
            int[] byteClass = new int[256];
            int[] classByte = new int[257];
            int classes = 1;
            for (int b = 0; b < 256; b++) {
                if (used[b]) {
                    byteClass[b] = classes;
                    classByte[classes] = b;
                    classes++;
                }
            }
            // Breadth-first order, children sorted by label: the frozen numbering.
            int[] order = new int[n];
            int[] number = new int[n];
            int head = 0;
            int tail = 0;
            order[tail++] = 0;
            int[] scratch = new int[256];
            while (head < tail) {
                int s = order[head++];
                int count = children(s, scratch);
                for (int i = 0; i < count; i++) {
                    order[tail++] = scratch[i];
                }
            }
            for (int i = 0; i < n; i++) {
                number[order[i]] = i;
            }
            // Failure links and matches, breadth-first (old node ids).
            int[] failOld = new int[n];
            int[] matchLen = new int[n];
            int[] matchPat = new int[n];
            Arrays.fill(matchPat, -1);
            for (int i = 0; i < n; i++) {
                int s = order[i];
                if (s != 0) {
                    int parent = parentOf[s];
                    if (parent == 0) {
                        failOld[s] = 0;
                    } else {
                        int f = failOld[parent];
                        int t;
                        while ((t = child(f, label[s])) < 0 && f != 0) {
                            f = failOld[f];
                        }
                        failOld[s] = t >= 0 ? t : 0;
                    }
                }
                if (terminal[s] >= 0) {
                    matchLen[s] = nodeDepth[s];
                    matchPat[s] = terminal[s];
                } else if (s != 0) {
                    matchLen[s] = matchLen[failOld[s]];
                    matchPat[s] = matchPat[failOld[s]];
                }
            }
            // Frozen layout in the new numbering.
            int fullStates = 0;
            int edgeCount = 0;
            for (int s = 0; s < n; s++) {
                if (nodeDepth[s] <= FULL_DEPTH) {
                    fullStates++;
                } else {
                    for (int c = firstChild[s]; c >= 0; c = nextSibling[c]) {
                        edgeCount++;
                    }
                }
            }
            int[] rowBase = new int[n];
            int[] rows = new int[fullStates * classes];
            int[] edgeStart = new int[n + 1];
            byte[] edgeLabel = new byte[edgeCount];
            int[] edgeTarget = new int[edgeCount];
            int[] fail = new int[n];
            int[] matchLength = new int[n];
            int[] matchPattern = new int[n];
            int[] depth = new int[n];
            int nextRow = 0;
            int nextEdge = 0;
            for (int i = 0; i < n; i++) {
                int s = order[i];
                fail[i] = number[failOld[s]];
                matchLength[i] = matchLen[s];
                matchPattern[i] = matchPat[s];
                depth[i] = nodeDepth[s];
                edgeStart[i] = nextEdge;
                if (nodeDepth[s] <= FULL_DEPTH) {
                    // Breadth-first: the failure target is shallower, so its row is complete already.
                    rowBase[i] = nextRow;
                    int failRow = s == 0 ? -1 : rowBase[number[failOld[s]]];
                    for (int c = 0; c < classes; c++) {
                        int t = c == 0 ? -1 : child(s, (byte) classByte[c]);
                        rows[nextRow + c] = t >= 0 ? number[t] : s == 0 ? 0 : rows[failRow + c];
                    }
                    nextRow += classes;
                } else {
                    rowBase[i] = -1;
                    int count = children(s, scratch);
                    for (int k = 0; k < count; k++) {
                        edgeLabel[nextEdge] = label[scratch[k]];
                        edgeTarget[nextEdge] = number[scratch[k]];
                        nextEdge++;
                    }
                }
            }
            edgeStart[n] = nextEdge;
            return new ByteAutomaton(
                    byteClass,
                    rowBase,
                    rows,
                    edgeStart,
                    edgeLabel,
                    edgeTarget,
                    fail,
                    matchLength,
                    matchPattern,
                    depth,
                    maxLength);
        }

        /** The children of {@code s} sorted by label, into {@code out}; returns how many. */
        private int children(int s, int[] out) {
            int count = 0;
            for (int c = firstChild[s]; c >= 0; c = nextSibling[c]) {
                out[count++] = c;
            }
            for (int i = 1; i < count; i++) {
                int x = out[i];
                int key = label[x] & 0xff;
                int j = i - 1;
                while (j >= 0 && (label[out[j]] & 0xff) > key) {
                    out[j + 1] = out[j];
                    j--;
                }
                out[j + 1] = x;
            }
            return count;
        }
    }
}
