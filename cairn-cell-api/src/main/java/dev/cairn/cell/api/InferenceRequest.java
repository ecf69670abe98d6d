package dev.cairn.cell.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Optional;

/**
 * A brokered inference call from a cell: which cell asks (for attribution and audit), the prompt,
 * the token budget the runtime enforces ({@code maxTokens}), and an advisory model hint.
 *
 * <p>Wire form: camelCase ({@code cellId}, {@code prompt}, {@code maxTokens}, {@code modelHint}).
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
public record InferenceRequest(String cellId, String prompt, long maxTokens, Optional<String> modelHint) {

    public InferenceRequest {
        Checks.nonBlank(cellId, "cellId");
        Checks.required(prompt, "prompt");
        Checks.unsigned(maxTokens, "maxTokens");
        Checks.optional(modelHint, "modelHint");
    }
}
