package dev.cairn.runner.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Validation shared by the wire records of this package; failures are {@link RunnerException}s. */
final class Checks {

    private Checks() {}

    static <T> T required(T value, String field) {
        if (value == null) {
            throw RunnerException.invalidLease(field, "must be present and not null");
        }
        return value;
    }

    static <T> Optional<T> optional(Optional<T> value, String field) {
        return required(value, field);
    }

    /** {@code u64} fields: absent, or a non-negative integer. */
    static Optional<Long> unsigned(Optional<Long> value, String field) {
        required(value, field);
        value.ifPresent(v -> {
            if (v < 0) {
                throw RunnerException.invalidLease(field, "must be a non-negative integer, got " + v);
            }
        });
        return value;
    }

    /** {@code serde_json::Value} with {@code #[serde(default)]}: absent is {@code null}. Copied. */
    static JsonNode valueOrNull(JsonNode value) {
        return value == null ? NullNode.getInstance() : value.deepCopy();
    }

    static List<String> strings(List<String> values, String field) {
        if (values == null) {
            return List.of();
        }
        List<String> copy = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (v == null) {
                throw RunnerException.invalidLease(field + "[" + i + "]", "must be a string, not null");
            }
            copy.add(v);
        }
        return List.copyOf(copy);
    }
}
