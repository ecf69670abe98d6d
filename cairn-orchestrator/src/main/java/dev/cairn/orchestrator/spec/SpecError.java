package dev.cairn.orchestrator.spec;

import java.util.Comparator;
import java.util.Objects;

/**
 * One problem in a pipeline spec, located in its source.
 *
 * <p>{@code line} and {@code column} are 1-based (columns count characters) for every error found
 * in a document; both are {@code 0} only for a spec built in code, which has no source. An error
 * about the document as a whole (too large, empty, bad encoding) is at 1:1 with the empty path.
 *
 * @param line 1-based line of the offending value (or key, for unknown and duplicate keys)
 * @param column 1-based column
 * @param path JSON Pointer (RFC 6901) of the offending field; for a missing field, where it belongs
 * @param code what is wrong
 * @param message what is wrong, naming the offending value unless it may be a secret
 * @param hint what to do about it
 */
public record SpecError(int line, int column, String path, SpecCode code, String message, String hint) {

    /** By position, then path, then code: the order in which errors are reported. */
    public static final Comparator<SpecError> BY_POSITION = Comparator.comparingInt(SpecError::line)
            .thenComparingInt(SpecError::column)
            .thenComparing(SpecError::path)
            .thenComparing(SpecError::code);

    public SpecError {
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must not be negative");
        }
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        hint = hint == null || hint.isEmpty() ? code.defaultHint() : hint;
    }

    /** An error about a spec built in code (no source position). */
    static SpecError unplaced(String path, SpecCode code, String message) {
        return new SpecError(0, 0, path, code, message, null);
    }

    /**
     * The error as a compiler would print it: {@code source:line:column: code: message [at path]},
     * then the hint on a second line.
     */
    public String render(String source) {
        StringBuilder out = new StringBuilder();
        out.append(source == null || source.isEmpty() ? "<spec>" : source);
        if (line > 0) {
            out.append(':').append(line).append(':').append(column);
        }
        out.append(": ").append(code.code()).append(": ").append(message);
        if (!path.isEmpty()) {
            out.append(" (at ").append(path).append(')');
        }
        out.append("\n  hint: ").append(hint);
        return out.toString();
    }
}
