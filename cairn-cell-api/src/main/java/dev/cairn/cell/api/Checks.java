package dev.cairn.cell.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Validation shared by the records of this package; failures are {@link CellException}s. */
final class Checks {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private Checks() {}

    static <T> T required(T value, String field) {
        if (value == null) {
            throw CellException.invalidSpec("`" + field + "` must be present and not null");
        }
        return value;
    }

    static String nonBlank(String value, String field) {
        if (required(value, field).isBlank()) {
            throw CellException.invalidSpec("`" + field + "` must not be empty");
        }
        return value;
    }

    static <T> Optional<T> optional(Optional<T> value, String field) {
        return required(value, field);
    }

    static long unsigned(long value, String field) {
        if (value < 0) {
            throw CellException.invalidSpec("`" + field + "` must be a non-negative integer, got " + value);
        }
        return value;
    }

    static Optional<Long> unsigned(Optional<Long> value, String field) {
        required(value, field).ifPresent(v -> unsigned(v, field));
        return value;
    }

    static Optional<String> sha256(Optional<String> value, String field) {
        required(value, field).ifPresent(v -> {
            if (!SHA256_HEX.matcher(v).matches()) {
                throw CellException.invalidSpec("`" + field + "` must be 64 lowercase hex digits, got " + v);
            }
        });
        return value;
    }

    static Optional<JsonNode> json(Optional<JsonNode> value, String field) {
        return required(value, field).map(JsonNode::deepCopy);
    }

    /** A copy without null elements; {@code null} (absent with {@code serde(default)}) is empty. */
    static <T> List<T> list(List<T> values, String field) {
        if (values == null) {
            return List.of();
        }
        List<T> copy = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            copy.add(required(values.get(i), field + "[" + i + "]"));
        }
        return List.copyOf(copy);
    }

    /** A sorted, unmodifiable copy; {@code null} (absent) is empty. */
    static Map<String, String> sortedMap(Map<String, String> values, String field) {
        if (values == null) {
            return Map.of();
        }
        TreeMap<String, String> copy = new TreeMap<>();
        values.forEach((k, v) -> copy.put(required(k, field + " key"), required(v, field + "." + k)));
        return Collections.unmodifiableMap(copy);
    }
}
