package dev.cairn.orchestrator.spec;

import dev.cairn.json.CodedException;
import java.util.List;
import java.util.Objects;

/**
 * A pipeline spec (or the params given for it) is invalid. Carries every error found, sorted by
 * position; {@link #code()} is always {@value #CODE}, each error has its own {@link SpecCode}.
 */
public class SpecException extends CodedException {

    private static final long serialVersionUID = 1L;

    /** The code of every {@link SpecException}. */
    public static final String CODE = "invalid_spec";

    private static final String HINT =
            "Fix the errors listed (each names its line:column and path) and submit the spec again.";

    private final transient List<SpecError> errors;
    private final String source;

    /**
     * An exception for {@code errors} (at least one) found in {@code source}.
     *
     * @param source the document's name as shown to users (a file path), or empty
     */
    public SpecException(String source, List<SpecError> errors) {
        super(CODE, summary(source, errors), false, HINT, null);
        this.errors = List.copyOf(errors);
        this.source = source == null ? "" : source;
    }

    /** An error in a spec built in code (no source position). */
    static SpecException unplaced(String path, SpecCode code, String message) {
        return new SpecException("", List.of(SpecError.unplaced(path, code, message)));
    }

    private static String summary(String source, List<SpecError> errors) {
        Objects.requireNonNull(errors, "errors");
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a SpecException needs at least one error");
        }
        String where = source == null || source.isEmpty() ? "pipeline spec" : source;
        SpecError first = errors.getFirst();
        String at = first.line() > 0 ? ":" + first.line() + ":" + first.column() : "";
        return where + " has " + errors.size() + (errors.size() == 1 ? " error" : " errors") + "; first: " + where + at
                + ": " + first.code().code() + ": " + first.message();
    }

    /** Every error, sorted by position. */
    public List<SpecError> errors() {
        return errors;
    }

    /** The document's name as given to the reader, or empty. */
    public String source() {
        return source;
    }

    /** Every error rendered as by {@link SpecError#render(String)}, one after the other. */
    public String report() {
        StringBuilder out = new StringBuilder();
        for (SpecError error : errors) {
            out.append(error.render(source)).append('\n');
        }
        return out.toString();
    }
}
