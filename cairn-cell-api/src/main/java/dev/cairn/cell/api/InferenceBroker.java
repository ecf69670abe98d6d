package dev.cairn.cell.api;

/**
 * Brokered model inference for cells: every request names its cell for attribution, and the
 * runtime enforces {@code maxTokens} as a budget. Implementations are thread-safe; use {@link
 * NoopInferenceBroker} where no model is available.
 */
@FunctionalInterface
public interface InferenceBroker {

    /** Answers {@code request}; code {@code inference_broker} on failure. */
    InferenceResponse infer(InferenceRequest request) throws CellException;
}
