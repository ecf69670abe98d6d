package dev.cairn.inference;

/**
 * Why an inference call failed: the sub-reason under the port's code {@code inference_broker}. Each
 * says whether retrying the same call may help, whether the endpoint may have spent tokens on it
 * (which decides whether its budget reservation is released or charged in full), and what to do.
 */
public enum InferenceFailure {
    /** The request itself is invalid (empty cell id, negative or zero {@code max_tokens}, …). */
    REQUEST_INVALID("request_invalid", false, false, "Fix the request; it was not sent."),
    /** The API key could not be resolved from the secret broker. */
    SECRET_UNAVAILABLE(
            "secret_unavailable",
            false,
            false,
            "Check that the secret named in the broker's configuration exists in its secret broker."),
    /** The run's token budget cannot cover the request's {@code max_tokens}. */
    BUDGET_EXHAUSTED(
            "budget_exhausted",
            false,
            false,
            "Ask for fewer max_tokens, or raise the run's token budget; the details hold its state."),
    /** The endpoint refused the API key (401, 403). */
    UNAUTHORIZED("unauthorized", false, false, "Check the API key stored in the secret broker."),
    /** The endpoint refused the request (another 4xx). */
    REJECTED("rejected", false, false, "Check the model name and the request against the endpoint's documentation."),
    /** The endpoint kept answering 429 after every retry. */
    RATE_LIMITED("rate_limited", true, false, "Slow down, or raise the endpoint's rate limit; retry later."),
    /** The endpoint kept failing (5xx) or could not be reached after every retry. */
    UNAVAILABLE("unavailable", true, false, "Check that the endpoint is up and reachable from this host."),
    /** The endpoint did not answer within the request timeout. */
    TIMEOUT("timeout", true, true, "Raise the request timeout or ask for fewer max_tokens."),
    /** The endpoint answered 2xx with a body that is not a chat completion. */
    MALFORMED_RESPONSE(
            "malformed_response",
            false,
            true,
            "Check that the base URL points at an OpenAI-compatible /chat/completions endpoint."),
    /** The endpoint's answer exceeded the broker's response size limit. */
    RESPONSE_TOO_LARGE(
            "response_too_large", false, true, "Ask for fewer max_tokens, or raise the broker's response size limit."),
    /** The calling thread was interrupted (cancellation); the interrupt flag stays set. */
    INTERRUPTED("interrupted", true, true, "The call was cancelled; whether the endpoint spent tokens is unknown.");

    private final String reason;
    private final boolean retryable;
    private final boolean mayHaveSpent;
    private final String hint;

    InferenceFailure(String reason, boolean retryable, boolean mayHaveSpent, String hint) {
        this.reason = reason;
        this.retryable = retryable;
        this.mayHaveSpent = mayHaveSpent;
        this.hint = hint;
    }

    /** Stable snake_case sub-reason, e.g. {@code budget_exhausted}. */
    public String reason() {
        return reason;
    }

    /** Whether the same call, unchanged, may succeed later. */
    public boolean retryable() {
        return retryable;
    }

    /**
     * Whether the endpoint may have processed the request (and so spent tokens): the budget then
     * charges the whole reservation, since the real usage is unknown.
     */
    public boolean mayHaveSpent() {
        return mayHaveSpent;
    }

    /** What to do about it. */
    public String hint() {
        return hint;
    }
}
