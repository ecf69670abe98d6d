package dev.cairn.orchestrator.spec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Problems found in a spec, by JSON Pointer; positioned against a {@link SourceMap} at the end.
 * Not thread-safe.
 */
final class Problems {

    /** A problem before it is placed: where (pointer, and whether at the key), what, and why. */
    record Problem(String pointer, boolean atKey, SpecCode code, String message, String hint) {}

    /** A problem at an already known position (syntax errors found while the tree is built). */
    record Placed(SourcePosition position, String pointer, SpecCode code, String message, String hint) {}

    private final List<Problem> problems = new ArrayList<>();
    private final List<Placed> placed = new ArrayList<>();

    void at(String pointer, SpecCode code, String message) {
        problems.add(new Problem(pointer, false, code, message, null));
    }

    void at(String pointer, SpecCode code, String message, String hint) {
        problems.add(new Problem(pointer, false, code, message, hint));
    }

    void atKey(String pointer, SpecCode code, String message, String hint) {
        problems.add(new Problem(pointer, true, code, message, hint));
    }

    void placed(SourcePosition position, String pointer, SpecCode code, String message, String hint) {
        placed.add(new Placed(position, pointer, code, message, hint));
    }

    boolean isEmpty() {
        return problems.isEmpty() && placed.isEmpty();
    }

    int size() {
        return problems.size() + placed.size();
    }

    /** Whether a problem was recorded at {@code pointer} or under it. */
    boolean hasAtOrUnder(String pointer) {
        for (Problem p : problems) {
            if (Pointers.within(p.pointer(), pointer)) {
                return true;
            }
        }
        return false;
    }

    List<Problem> problems() {
        return problems;
    }

    /**
     * Every problem, positioned, without exact repeats, sorted by position; with a null map (a spec
     * built in code) every position is 0:0.
     */
    List<SpecError> toErrors(SourceMap map) {
        Set<SpecError> out = new LinkedHashSet<>();
        for (Placed p : placed) {
            out.add(new SpecError(
                    p.position().line(), p.position().column(), p.pointer(), p.code(), p.message(), p.hint()));
        }
        for (Problem p : problems) {
            if (map == null) {
                out.add(new SpecError(0, 0, p.pointer(), p.code(), p.message(), p.hint()));
                continue;
            }
            SourcePosition at = p.atKey() ? map.key(p.pointer()) : map.value(p.pointer());
            out.add(new SpecError(at.line(), at.column(), p.pointer(), p.code(), p.message(), p.hint()));
        }
        List<SpecError> sorted = new ArrayList<>(out);
        sorted.sort(SpecError.BY_POSITION);
        return List.copyOf(sorted);
    }
}
