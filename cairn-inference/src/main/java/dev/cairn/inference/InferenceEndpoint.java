package dev.cairn.inference;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * A loopback chat-completions endpoint for one cell of one run, started by {@link
 * InferenceEndpoints#start}: {@code POST {baseUri}/chat/completions} with {@code Authorization: Bearer
 * {apiKey}}. Every request is attributed to {@link #cellId()} and charged to {@link #runId()}'s
 * budget. {@link #close()} stops it: afterwards nothing listens on its port.
 *
 * <p>Give the cell {@link #grant()} as a network grant ({@code NetworkPolicy.granted(endpoint.grant())}
 * in {@code cairn-cells}) and {@link #environment()} as environment variables; OpenAI client
 * libraries read both variables. The key is a capability for this endpoint only (it spends the run's
 * budget, and is useless once closed); it is not the upstream API key, which never leaves the broker.
 */
public final class InferenceEndpoint implements AutoCloseable {

    private final String cellId;
    private final String runId;
    private final URI baseUri;
    private final String apiKey;
    private final Runnable stop;

    InferenceEndpoint(String cellId, String runId, URI baseUri, String apiKey, Runnable stop) {
        this.cellId = Objects.requireNonNull(cellId, "cell_id");
        this.runId = Objects.requireNonNull(runId, "run_id");
        this.baseUri = Objects.requireNonNull(baseUri, "base_uri");
        this.apiKey = Objects.requireNonNull(apiKey, "api_key");
        this.stop = Objects.requireNonNull(stop, "stop");
    }

    /** The cell the endpoint's requests are attributed to. */
    public String cellId() {
        return cellId;
    }

    /** The run whose budget the endpoint's requests are charged to. */
    public String runId() {
        return runId;
    }

    /** The API base, {@code http://127.0.0.1:<port>/v1}. */
    public URI baseUri() {
        return baseUri;
    }

    /** The bearer token the endpoint accepts (random, 256 bits). */
    public String apiKey() {
        return apiKey;
    }

    /** The TCP endpoint to grant the cell, {@code 127.0.0.1:<port>}. */
    public String grant() {
        return baseUri.getHost() + ":" + baseUri.getPort();
    }

    /** {@code OPENAI_BASE_URL} and {@code OPENAI_API_KEY} for the cell. */
    public Map<String, String> environment() {
        return Map.of("OPENAI_BASE_URL", baseUri.toString(), "OPENAI_API_KEY", apiKey);
    }

    /** Stops the endpoint; idempotent. Requests in progress finish (up to a second). */
    @Override
    public void close() {
        stop.run();
    }

    /** Names cell, run and URI; never the key. */
    @Override
    public String toString() {
        return "InferenceEndpoint[cell=" + cellId + ", run=" + runId + ", " + baseUri + "]";
    }
}
