package dev.cairn.contracts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The Zod rules the contracts use, as constructor checks that throw {@link ContractException}. */
final class Fields {

    /** JavaScript's {@code Number.MAX_SAFE_INTEGER}, the largest value Zod's {@code int()} accepts. */
    static final long MAX_SAFE_INTEGER = 9_007_199_254_740_991L;

    private Fields() {}

    /** {@code z.string().min(1)}. */
    static String nonEmpty(String field, String value) {
        Objects.requireNonNull(value, field);
        if (value.isEmpty()) {
            throw ContractException.invalidField(field, "must not be empty");
        }
        return value;
    }

    /** {@code z.number().int().nonnegative()}. */
    static int nonNegative(String field, int value) {
        if (value < 0) {
            throw ContractException.invalidField(field, "must not be negative, got " + value);
        }
        return value;
    }

    /** {@code z.number().int().positive().optional()}. */
    static <N extends Number> Optional<N> positive(String field, Optional<N> value) {
        Objects.requireNonNull(value, field);
        value.ifPresent(n -> {
            if (n.longValue() < 1 || n.longValue() > MAX_SAFE_INTEGER) {
                throw ContractException.invalidField(field, "must be a positive integer, got " + n);
            }
        });
        return value;
    }

    /** {@code z.number().optional()}: any finite number. */
    static Optional<Double> finite(String field, Optional<Double> value) {
        Objects.requireNonNull(value, field);
        value.ifPresent(n -> {
            if (!Double.isFinite(n)) {
                throw ContractException.invalidField(field, "must be a finite number, got " + n);
            }
        });
        return value;
    }

    /** {@code z.array(...)}: an immutable copy, refusing null elements. */
    static <T> List<T> list(String field, List<T> value) {
        Objects.requireNonNull(value, field);
        for (int i = 0; i < value.size(); i++) {
            if (value.get(i) == null) {
                throw ContractException.invalidField(field + "[" + i + "]", "must not be null");
            }
        }
        return List.copyOf(value);
    }

    /** {@code z.array(...).min(1)}. */
    static <T> List<T> nonEmptyList(String field, List<T> value, String message) {
        List<T> copy = list(field, value);
        if (copy.isEmpty()) {
            throw ContractException.invalidField(field, message);
        }
        return copy;
    }

    /** {@code z.record(z.string(), z.unknown()).optional()}: a copy, so the record is not shared. */
    static Optional<ObjectNode> copy(String field, Optional<ObjectNode> value) {
        return Objects.requireNonNull(value, field).map(ObjectNode::deepCopy);
    }

    /** {@code z.string().url()}: an absolute URL, as JavaScript's {@code new URL(...)} requires. */
    static Optional<String> url(String field, Optional<String> value) {
        Objects.requireNonNull(value, field);
        value.ifPresent(url -> {
            try {
                URI uri = new URI(url);
                if (!uri.isAbsolute()) {
                    throw ContractException.invalidField(field, "must be an absolute URL, got `" + url + "`");
                }
            } catch (URISyntaxException e) {
                throw ContractException.invalidField(field, "must be a URL, got `" + url + "`: " + e.getReason());
            }
        });
        return value;
    }

    /** A date as JavaScript holds it: millisecond precision. */
    static Instant millis(String field, Instant value) {
        return Objects.requireNonNull(value, field).truncatedTo(ChronoUnit.MILLIS);
    }

    static Optional<Instant> millis(String field, Optional<Instant> value) {
        return Objects.requireNonNull(value, field).map(i -> i.truncatedTo(ChronoUnit.MILLIS));
    }
}
