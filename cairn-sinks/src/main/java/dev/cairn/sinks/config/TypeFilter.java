package dev.cairn.sinks.config;

import dev.cairn.sinks.SinkException;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which CloudEvent types a sink receives: every type when {@code patterns} is empty, else the types
 * that match one pattern, either exactly ({@code dev.cairn.run.completed.v1}) or by prefix ending in
 * {@code *} ({@code dev.cairn.state.*}).
 *
 * @param patterns the patterns, in configuration order
 */
public record TypeFilter(List<String> patterns) {

    /** Every type. */
    public static final TypeFilter ALL = new TypeFilter(List.of());

    private static final Pattern PATTERN = Pattern.compile("[a-z0-9_.]+\\*?|\\*");

    public TypeFilter {
        patterns = List.copyOf(Objects.requireNonNull(patterns, "patterns"));
        for (int i = 0; i < patterns.size(); i++) {
            if (!PATTERN.matcher(patterns.get(i)).matches()) {
                throw SinkException.invalidConfig(
                        "/types/" + i,
                        "\"" + patterns.get(i) + "\" is not a type pattern; write a type such as"
                                + " dev.cairn.run.completed.v1 or a prefix ending in *, such as dev.cairn.state.*");
            }
        }
    }

    /** Whether events of {@code type} pass. */
    public boolean accepts(String type) {
        if (patterns.isEmpty()) {
            return true;
        }
        for (String p : patterns) {
            if (p.endsWith("*") ? type.startsWith(p.substring(0, p.length() - 1)) : type.equals(p)) {
                return true;
            }
        }
        return false;
    }
}
