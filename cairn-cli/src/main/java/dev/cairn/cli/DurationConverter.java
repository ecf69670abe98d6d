package dev.cairn.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads every duration option of the CLI ({@code --duration}, {@code --lease-ttl}, {@code
 * --older-than}, ...): {@code 300ms}, {@code 90s}, {@code 30m}, {@code 12h}, {@code 7d}, {@code 2w},
 * or ISO-8601 ({@code PT0.5S}). Negative durations are refused; each option checks its own range.
 */
final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h|d|w)");

    @Override
    public Duration convert(String value) {
        Matcher m = SHORT.matcher(value.strip().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
        }
        try {
            Duration parsed = Duration.parse(value.strip());
            if (!parsed.isNegative()) {
                return parsed;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw new TypeConversionException(
                "`" + value + "` is not a duration; use e.g. 300ms, 2s, 30m, 12h, 7d, 2w or ISO-8601 (PT1H)");
    }
}
