package dev.cairn.sinks.config;

import dev.cairn.sinks.SinkException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations in configurations: {@code 250ms}, {@code 10s}, {@code 2m}, {@code 1h}. */
final class ConfigDurations {

    private static final Pattern SYNTAX = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

    private ConfigDurations() {}

    static Duration parse(String text, String pointer) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw SinkException.invalidConfig(
                    pointer, "\"" + text + "\" is not a duration; write a whole number with ms, s, m or h, e.g. 10s");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** The shortest text {@link #parse} reads back as {@code d}. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0 && ms > 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
