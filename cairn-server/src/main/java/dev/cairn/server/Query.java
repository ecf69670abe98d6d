package dev.cairn.server;

import io.helidon.common.uri.UriQuery;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A request's query parameters, checked against what its route takes: an unknown parameter is 400
 * {@code unknown_parameter} (a typo such as {@code ?status=} instead of {@code ?state=} would
 * otherwise be silently ignored), a repeated one 400 {@code invalid_parameter}.
 */
final class Query {

    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,19}");

    private final UriQuery query;

    private Query(UriQuery query) {
        this.query = query;
    }

    static Query of(UriQuery query, Set<String> known) {
        for (String name : query.names()) {
            if (!known.contains(name)) {
                throw ServerException.unknownParameter(name, new TreeSet<>(known));
            }
            if (query.all(name).size() > 1) {
                throw ServerException.repeatedParameter(name);
            }
        }
        return new Query(query);
    }

    Optional<String> string(String name) {
        if (!query.contains(name)) {
            return Optional.empty();
        }
        List<String> values = query.all(name);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** A non-empty string of at most {@code maxLength} characters, if given. */
    Optional<String> text(String name, int maxLength) {
        Optional<String> value = string(name);
        value.ifPresent(v -> {
            if (v.isEmpty()) {
                throw ServerException.invalidParameter(name, "must not be empty");
            }
            if (v.length() > maxLength) {
                throw ServerException.invalidParameter(name, "is longer than " + maxLength + " characters");
            }
        });
        return value;
    }

    /** A decimal integer in {@code [min, max]}, or {@code fallback} when absent. */
    long integer(String name, long min, long max, long fallback) {
        Optional<String> value = string(name);
        return value.isEmpty() ? fallback : parseInteger(name, value.get(), min, max);
    }

    /** {@code true} or {@code false}, or {@code fallback} when absent. */
    boolean bool(String name, boolean fallback) {
        Optional<String> value = string(name);
        if (value.isEmpty()) {
            return fallback;
        }
        return switch (value.get()) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw ServerException.invalidParameter(
                        name, "must be true or false, got `" + ServerException.shorten(value.get()) + "`");
        };
    }

    /** A decimal integer in {@code [min, max]} from a parameter or header named {@code name}. */
    static long parseInteger(String name, String text, long min, long max) {
        if (!INTEGER.matcher(text).matches()) {
            throw ServerException.invalidParameter(
                    name, "must be a decimal integer, got `" + ServerException.shorten(text) + "`");
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw ServerException.invalidParameter(name, "is out of range: `" + text + "`");
        }
        if (value < min || value > max) {
            throw ServerException.invalidParameter(name, "must be " + min + ".." + max + ", got " + value);
        }
        return value;
    }
}
