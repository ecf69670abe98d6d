package dev.cairn.cell.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The answer to an {@link InferenceRequest}: generated content, the model that produced it, and
 * the tokens spent. Callers must handle empty content (the {@link NoopInferenceBroker} returns it).
 *
 * <p>Wire form: camelCase ({@code content}, {@code model}, {@code inputTokens}, {@code
 * outputTokens}).
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
public record InferenceResponse(String content, String model, long inputTokens, long outputTokens) {

    public InferenceResponse {
        Checks.required(content, "content");
        Checks.required(model, "model");
        Checks.unsigned(inputTokens, "inputTokens");
        Checks.unsigned(outputTokens, "outputTokens");
    }
}
