package dev.cairn.orchestrator.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Param substitution: <code>${{ params.NAME }}</code> (spaces or tabs around {@code params.NAME}
 * are optional) is replaced with the param's {@link ParamValue#text()}; <code>$${{</code> is a
 * literal <code>${{</code>. Nothing else is special: {@code $HOME} and <code>${HOME}</code> pass
 * through to the shell.
 */
final class Templates {

    /** A piece of a template: literal text, or a reference to a param. */
    sealed interface Part {
        record Literal(String text) implements Part {}

        /** A reference to {@code param}, starting at character {@code offset} of the template. */
        record Ref(String param, int offset) implements Part {}
    }

    /** A malformed reference at character {@code offset}. */
    record Malformed(int offset, String problem) {}

    /** A parsed template: its parts, or what is malformed. */
    record Parsed(List<Part> parts, Optional<Malformed> malformed) {
        List<Part.Ref> refs() {
            List<Part.Ref> refs = new ArrayList<>();
            for (Part part : parts) {
                if (part instanceof Part.Ref ref) {
                    refs.add(ref);
                }
            }
            return refs;
        }
    }

    private static final String OPEN = "${{";
    private static final String CLOSE = "}}";
    private static final Pattern REF = Pattern.compile("[ \\t]*params\\.([A-Za-z0-9_]+)[ \\t]*");

    private Templates() {}

    /** Whether {@code text} holds anything a template treats specially. */
    static boolean isTemplate(String text) {
        return text.contains(OPEN);
    }

    static Parsed parse(String text) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$" + OPEN, i)) {
                literal.append(OPEN);
                i += 1 + OPEN.length();
                continue;
            }
            if (!text.startsWith(OPEN, i)) {
                literal.append(text.charAt(i));
                i++;
                continue;
            }
            int close = text.indexOf(CLOSE, i + OPEN.length());
            if (close < 0) {
                return new Parsed(List.of(), Optional.of(new Malformed(i, "`${{` is not closed by `}}`")));
            }
            String inner = text.substring(i + OPEN.length(), close);
            Matcher m = REF.matcher(inner);
            if (!m.matches()) {
                return new Parsed(
                        List.of(),
                        Optional.of(new Malformed(
                                i,
                                "`${{" + Texts.abbreviate(inner)
                                        + "}}` is not a param reference; only `${{ params.NAME }}`"
                                        + " is supported")));
            }
            if (!literal.isEmpty()) {
                parts.add(new Part.Literal(literal.toString()));
                literal.setLength(0);
            }
            parts.add(new Part.Ref(m.group(1), i));
            i = close + CLOSE.length();
        }
        if (!literal.isEmpty()) {
            parts.add(new Part.Literal(literal.toString()));
        }
        return new Parsed(List.copyOf(parts), Optional.empty());
    }

    /**
     * {@code text} with every reference replaced by its value; references to params missing from
     * {@code values} are replaced by {@code fallback} when it is not null.
     *
     * @throws IllegalArgumentException if {@code text} is malformed or names a missing param and
     *     there is no fallback
     */
    static String render(String text, Map<String, ParamValue> values, String fallback) {
        if (!isTemplate(text)) {
            return text;
        }
        Parsed parsed = parse(text);
        if (parsed.malformed().isPresent()) {
            throw new IllegalArgumentException(parsed.malformed().get().problem());
        }
        StringBuilder out = new StringBuilder();
        for (Part part : parsed.parts()) {
            switch (part) {
                case Part.Literal l -> out.append(l.text());
                case Part.Ref r -> {
                    ParamValue value = values.get(r.param());
                    if (value == null && fallback == null) {
                        throw new IllegalArgumentException("param `" + r.param() + "` has no value");
                    }
                    out.append(value == null ? fallback : value.text());
                }
            }
        }
        return out.toString();
    }

    /** {@code text} with each reference replaced by {@code sample}: for checking the literal parts' syntax. */
    static String sample(String text, String sample) {
        return render(text, Map.of(), sample);
    }
}
