package dev.cairn.orchestrator.spec;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The spec's duration syntax: one or more whole numbers with a unit, largest unit first, each unit
 * at most once, no spaces or signs: {@code 1d}, {@code 2h}, {@code 10m}, {@code 90s}, {@code
 * 500ms}, {@code 1h30m}, {@code 2m30s500ms}. {@code 0s} is zero.
 */
final class Durations {

    private static final Pattern SYNTAX = Pattern.compile(Names.DURATION);

    private Durations() {}

    /** The duration {@code text} writes; empty when it is not one. */
    static Optional<Duration> parse(String text) {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        Duration total = Duration.ZERO;
        total = total.plusDays(group(m, 1, "d"));
        total = total.plusHours(group(m, 2, "h"));
        total = total.plusMinutes(group(m, 3, "m"));
        total = total.plusSeconds(group(m, 4, "s"));
        total = total.plusMillis(group(m, 5, "ms"));
        return Optional.of(total);
    }

    private static long group(Matcher m, int group, String unit) {
        String g = m.group(group);
        return g == null ? 0 : Long.parseLong(g.substring(0, g.length() - unit.length()));
    }

    /** Why {@code text} is not a duration, for messages. */
    static String problem(String text) {
        if (text.isEmpty()) {
            return "is empty";
        }
        if (text.chars().anyMatch(Character::isWhitespace)) {
            return "contains spaces";
        }
        if (text.matches("[0-9]+")) {
            return "has no unit";
        }
        if (text.contains(".")) {
            return "has a fraction; use a smaller unit (`1m30s`, not `1.5m`)";
        }
        return "is not <number><unit>..., largest unit first, with units d, h, m, s, ms";
    }

    /** The shortest spec text of a non-negative duration: {@code 1h30m}, {@code 0s}. */
    static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        long millis = duration.toMillis();
        StringBuilder out = new StringBuilder();
        long days = millis / 86_400_000L;
        millis %= 86_400_000L;
        long hours = millis / 3_600_000L;
        millis %= 3_600_000L;
        long minutes = millis / 60_000L;
        millis %= 60_000L;
        long seconds = millis / 1000L;
        millis %= 1000L;
        append(out, days, "d");
        append(out, hours, "h");
        append(out, minutes, "m");
        append(out, seconds, "s");
        append(out, millis, "ms");
        return out.toString();
    }

    private static void append(StringBuilder out, long value, String unit) {
        if (value > 0) {
            out.append(value).append(unit);
        }
    }
}
