package dev.cairn.inference;

import dev.cairn.cell.api.SecretBroker;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How an {@link OpenAiCompatibleBroker} reaches its endpoint. Built with {@link #builder}; the
 * defaults are named constants.
 *
 * @param baseUri the API's base, e.g. {@code https://api.openai.com/v1} or {@code
 *     http://127.0.0.1:8080/v1}; requests go to {@code {base}/chat/completions}
 * @param defaultModel the model asked for when a request has no (allowed) model hint
 * @param allowedModels model hints honored; empty: every hint is honored
 * @param secrets where the API key comes from, if the endpoint needs one
 * @param apiKeySecret the name of the API key's secret in {@code secrets}
 * @param secretTtlSeconds how long a resolved key is held (it is wiped after each request anyway)
 * @param connectTimeout how long connecting may take
 * @param requestTimeout how long one attempt may wait for the endpoint's answer
 * @param maxAttempts attempts per call (429, 5xx and connection failures are retried)
 * @param initialBackoff the first retry's delay, doubled per retry up to {@code maxBackoff}
 * @param maxBackoff the longest delay between attempts; a {@code Retry-After} longer than this ends
 *     the retries
 * @param maxResponseBytes the largest response body read
 */
public record OpenAiOptions(
        URI baseUri,
        String defaultModel,
        Set<String> allowedModels,
        Optional<SecretBroker> secrets,
        Optional<String> apiKeySecret,
        long secretTtlSeconds,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        int maxResponseBytes) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(2);
    public static final int DEFAULT_MAX_ATTEMPTS = 4;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 4 << 20;
    public static final long DEFAULT_SECRET_TTL_SECONDS = 60;

    public OpenAiOptions {
        Objects.requireNonNull(baseUri, "base_uri");
        String scheme = baseUri.getScheme();
        if (!("http".equals(scheme) || "https".equals(scheme)) || baseUri.getHost() == null) {
            throw new IllegalArgumentException("base_uri must be an absolute http or https URI, got " + baseUri);
        }
        if (baseUri.getRawQuery() != null || baseUri.getRawFragment() != null) {
            throw new IllegalArgumentException("base_uri must have no query or fragment");
        }
        if (defaultModel == null || defaultModel.isBlank()) {
            throw new IllegalArgumentException("default_model must not be blank");
        }
        allowedModels = Set.copyOf(Objects.requireNonNull(allowedModels, "allowed_models"));
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(apiKeySecret, "api_key_secret");
        if (apiKeySecret.isPresent() != secrets.isPresent()) {
            throw new IllegalArgumentException("api_key_secret and secrets go together");
        }
        if (secretTtlSeconds < 1) {
            throw new IllegalArgumentException("secret_ttl_seconds must be >= 1");
        }
        positive(connectTimeout, "connect_timeout");
        positive(requestTimeout, "request_timeout");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max_attempts must be >= 1, got " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initial_backoff");
        Objects.requireNonNull(maxBackoff, "max_backoff");
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= initial_backoff <= max_backoff");
        }
        if (maxResponseBytes < 1024) {
            throw new IllegalArgumentException("max_response_bytes must be >= 1024, got " + maxResponseBytes);
        }
    }

    private static void positive(Duration d, String field) {
        Objects.requireNonNull(d, field);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + " must be positive");
        }
    }

    /** The chat-completions URI: {@code {base}/chat/completions}. */
    public URI chatCompletionsUri() {
        String base = baseUri.toString();
        return URI.create((base.endsWith("/") ? base : base + "/") + "chat/completions");
    }

    /** Options for {@code baseUri} asking for {@code defaultModel}, no API key, and the defaults. */
    public static Builder builder(URI baseUri, String defaultModel) {
        return new Builder(baseUri, defaultModel);
    }

    /** Builds {@link OpenAiOptions}; not thread-safe. */
    public static final class Builder {
        private final URI baseUri;
        private final String defaultModel;
        private Set<String> allowedModels = Set.of();
        private SecretBroker secrets;
        private String apiKeySecret;
        private long secretTtlSeconds = DEFAULT_SECRET_TTL_SECONDS;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;

        private Builder(URI baseUri, String defaultModel) {
            this.baseUri = baseUri;
            this.defaultModel = defaultModel;
        }

        /** The API key is the secret {@code name} of {@code broker}, resolved for the requesting cell. */
        public Builder apiKey(SecretBroker broker, String name) {
            this.secrets = Objects.requireNonNull(broker, "broker");
            this.apiKeySecret = Objects.requireNonNull(name, "name");
            return this;
        }

        public Builder allowedModels(Set<String> value) {
            this.allowedModels = value;
            return this;
        }

        public Builder secretTtlSeconds(long value) {
            this.secretTtlSeconds = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = value;
            return this;
        }

        public Builder requestTimeout(Duration value) {
            this.requestTimeout = value;
            return this;
        }

        public Builder maxAttempts(int value) {
            this.maxAttempts = value;
            return this;
        }

        /** Backoff between attempts: {@code initial}, doubled each retry, at most {@code max}. */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        public Builder maxResponseBytes(int value) {
            this.maxResponseBytes = value;
            return this;
        }

        public OpenAiOptions build() {
            return new OpenAiOptions(
                    baseUri,
                    defaultModel,
                    allowedModels,
                    Optional.ofNullable(secrets),
                    Optional.ofNullable(apiKeySecret),
                    secretTtlSeconds,
                    connectTimeout,
                    requestTimeout,
                    maxAttempts,
                    initialBackoff,
                    maxBackoff,
                    maxResponseBytes);
        }
    }
}
