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
 * <p>Layout: states are numbered breadth-first, 0 is the root. The root and states with many
 * children have a dense row of 256 transitions; the others keep their children as sorted
 * (label, target) edges. Missing transitions follow failure links. Per state: failure link, length
 * of the longest pattern that is a suffix of the state ({@link #matchLength}, 0 for none) and its
 * index, and depth (the length of the longest input suffix that is a prefix of some pattern).
 * Immutable and thread-safe once built.
 */
final class ByteAutomaton {

    /** States with at least this many children get a dense row. */
    private static final int DENSE_CHILDREN = 8;

    private final int[] rootNext;
    private final int[] denseRow; // per state: index into dense (multiple of 256), or -1
    private final int[] dense;
    private final int[] edgeStart; // per state, edges [edgeStart[s], edgeStart[s + 1])
    private final byte[] edgeLabel;
    private final int[] edgeTarget;
    private final int[] fail;
    private final int[] matchLength;
    private final int[] matchPattern;
    private final int[] depth;
    private final int maxPatternLength;

    private ByteAutomaton(
            int[] rootNext,
            int[] denseRow,
            int[] dense,
            int[] edgeStart,
            byte[] edgeLabel,
            int[] edgeTarget,
            int[] fail,
            int[] matchLength,
            int[] matchPattern,
            int[] depth,
            int maxPatternLength) {
        this.rootNext = rootNext;
        this.denseRow = denseRow;
        this.dense = dense;
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
            if (s == 0) {
                return rootNext[b];
            }
            int row = denseRow[s];
            if (row >= 0) {
                int t = dense[row + b];
                if (t >= 0) {
                    return t;
                }
            } else {
                for (int i = edgeStart[s], end = edgeStart[s + 1]; i < end; i++) {
                    int label = edgeLabel[i] & 0xff;
                    if (label == b) {
                        return edgeTarget[i];
                    }
                    if (label > b) {
                        break;
                    }
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
        private int maxLength;

        Builder(List<byte[]> patterns) {
            Arrays.fill(firstChild, -1);
            Arrays.fill(nextSibling, -1);
            Arrays.fill(terminal, -1);
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
            // Breadth-first order, children sorted by label: the frozen numbering.
            int[] order = new int[n];
            int[] number = new int[n];
            int head = 0;
            int tail = 0;
            order[tail++] = 0;
            int[] scratch = new int[256];
            while (head < tail) {
                int s = order[head++];
                int count = 0;
                for (int c = firstChild[s]; c >= 0; c = nextSibling[c]) {
                    scratch[count++] = c;
                }
                sortByLabel(scratch, count);
                for (int i = 0; i < count; i++) {
                    order[tail++] = scratch[i];
                }
            }
            for (int i = 0; i < n; i++) {
                number[order[i]] = i;
            }
            // Failure links, match lengths, in breadth-first order (old node ids).
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
            int[] rootNext = new int[256];
            int[] denseRow = new int[n];
            int[] edgeStart = new int[n + 1];
            int[] fail = new int[n];
            int[] matchLength = new int[n];
            int[] matchPattern = new int[n];
            int[] depth = new int[n];
            int denseCount = 0;
            int edgeCount = 0;
            int[] childCount = new int[n];
            for (int s = 0; s < n; s++) {
                int count = 0;
                for (int c = firstChild[s]; c >= 0; c = nextSibling[c]) {
                    count++;
                }
                childCount[s] = count;
                if (s != 0 && count >= DENSE_CHILDREN) {
                    denseCount++;
                } else if (s != 0) {
                    edgeCount += count;
                }
            }
            int[] dense = new int[denseCount * 256];
            Arrays.fill(dense, -1);
            byte[] edgeLabel = new byte[edgeCount];
            int[] edgeTarget = new int[edgeCount];
            int nextRow = 0;
            int nextEdge = 0;
            for (int i = 0; i < n; i++) {
                int s = order[i];
                fail[i] = number[failOld[s]];
                matchLength[i] = matchLen[s];
                matchPattern[i] = matchPat[s];
                depth[i] = nodeDepth[s];
                edgeStart[i] = nextEdge;
                if (s == 0) {
                    denseRow[i] = -1;
                    for (int c = firstChild[s]; c >= 0; c = nextSibling[c]) {
                        rootNext[label[c] & 0xff] = number[c];
                    }
                } else if (childCount[s] >= DENSE_CHILDREN) {
                    denseRow[i] = nextRow;
                    for (int c = firstChild[s]; c >= 0; c = nextSibling[c]) {
                        dense[nextRow + (label[c] & 0xff)] = number[c];
                    }
                    nextRow += 256;
                } else {
                    denseRow[i] = -1;
                    int count = 0;
                    for (int c = firstChild[s]; c >= 0; c = nextSibling[c]) {
                        scratch[count++] = c;
                    }
                    sortByLabel(scratch, count);
                    for (int k = 0; k < count; k++) {
                        edgeLabel[nextEdge] = label[scratch[k]];
                        edgeTarget[nextEdge] = number[scratch[k]];
                        nextEdge++;
                    }
                }
            }
            edgeStart[n] = nextEdge;
            return new ByteAutomaton(
                    rootNext,
                    denseRow,
                    dense,
                    edgeStart,
                    edgeLabel,
                    edgeTarget,
                    fail,
                    matchLength,
                    matchPattern,
                    depth,
                    maxLength);
        }

        private void sortByLabel(int[] nodes, int count) {
            // insertion sort: at most 256 children, usually one or two
            for (int i = 1; i < count; i++) {
                int x = nodes[i];
                int key = label[x] & 0xff;
                int j = i - 1;
                while (j >= 0 && (label[nodes[j]] & 0xff) > key) {
                    nodes[j + 1] = nodes[j];
                    j--;
                }
                nodes[j + 1] = x;
            }
        }
    }
}
