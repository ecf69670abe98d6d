package dev.cairn.orchestrator.spec;

/**
 * A place in a spec's source text.
 *
 * @param line 1-based line
 * @param column 1-based column, counting characters
 */
public record SourcePosition(int line, int column) implements Comparable<SourcePosition> {

    /** The start of the document. */
    public static final SourcePosition START = new SourcePosition(1, 1);

    public SourcePosition {
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column are 1-based, got " + line + ":" + column);
        }
    }

    @Override
    public int compareTo(SourcePosition other) {
        return line != other.line ? Integer.compare(line, other.line) : Integer.compare(column, other.column);
    }

    @Override
    public String toString() {
        return line + ":" + column;
    }
}
