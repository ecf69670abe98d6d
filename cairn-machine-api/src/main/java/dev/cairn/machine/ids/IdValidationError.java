package dev.cairn.machine.ids;

import java.util.Objects;

/**
 * Seed {@code ids::IdValidationError}: an identifier failed the naming contract.
 *
 * <p>Not a wire type in the seed (it has no serde derives); Cairn carries it in {@link
 * IdValidationException} and in the {@code details} of that exception's {@link
 * dev.cairn.machine.errors.ErrorInfo}.
 *
 * @param kind which identifier, e.g. {@code op_id}, {@code state_id}, {@code op_path}, {@code
 *     artifact_id}
 * @param value the refused value, truncated to {@value IdValidationException#MAX_VALUE_CHARS}
 *     characters (plus a marker) when it is longer; {@code <null>} for a missing value
 */
public record IdValidationError(String kind, String value) {
    public IdValidationError {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
    }
}
