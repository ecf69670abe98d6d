package dev.cairn.cell.api;

/**
 * A no-op {@link InferenceBroker} for tests and runtimes without a model: every request gets empty
 * content from model {@code noop}, with zero input and output tokens.
 */
public final class NoopInferenceBroker implements InferenceBroker {

    /** The model name the no-op broker answers with. */
    public static final String MODEL = "noop";

    /** An empty answer; the request is not looked at beyond its validation. */
    @Override
    public InferenceResponse infer(InferenceRequest request) {
        return new InferenceResponse("", MODEL, 0, 0);
    }
}
