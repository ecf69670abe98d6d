package dev.cairn.inference;

import dev.cairn.cell.api.InferenceRequest;
import dev.cairn.cell.api.InferenceResponse;
import java.util.Objects;

/**
 * What the {@code inference} IO namespace answers, and so what a run records as the fact of an
 * inference call: the request (cell, prompt, {@code maxTokens}, model hint) and the response
 * (content, model, tokens). Keeping the request lets a replay check that the recorded answer is the
 * answer to the same question ({@link InferenceIo}).
 *
 * <p>Wire form: {@code {"request":{"cellId",…},"response":{"content",…}}}.
 */
public record InferenceExchange(InferenceRequest request, InferenceResponse response) {

    public InferenceExchange {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(response, "response");
    }
}
