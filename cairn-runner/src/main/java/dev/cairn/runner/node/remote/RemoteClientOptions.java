package dev.cairn.runner.node.remote;

import dev.cairn.runner.node.Backoff;
import dev.cairn.runner.node.RunnerNodeException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a remote node reaches the Cairn server: its base URL, the runner token, timeouts and retries.
 * Build with {@link #builder(URI)}.
 *
 * @param serverUrl the server's base URL, {@code http} or {@code https}, e.g. {@code
 *     http://cairn.internal:8080/}
 * @param token the bearer runner token ({@code cairn token create --kind runner}); empty for a
 *     loopback server that requires none. Never printed.
 * @param connectTimeout how long to wait for a connection; default 5 s
 * @param requestTimeout how long to wait for an answer (an acquire waits its long poll on top);
 *     default 60 s
 * @param maxAttempts how many times an idempotent call is tried when it fails with a retryable
 *     error, 1..20; default 4
 * @param backoff delays between those attempts; default 100 ms doubling up to 5 s
 */
public record RemoteClientOptions(
        URI serverUrl,
        Optional<String> token,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxAttempts,
        Backoff backoff) {

    public RemoteClientOptions {
        Objects.requireNonNull(serverUrl, "server_url");
        if (!serverUrl.isAbsolute()
                || serverUrl.getHost() == null
                || !("http".equals(serverUrl.getScheme()) || "https".equals(serverUrl.getScheme()))) {
            throw RunnerNodeException.invalidOption(
                    "server_url", "must be an http(s) URL with a host, e.g. http://127.0.0.1:8080/, got " + serverUrl);
        }
        String path = serverUrl.getPath() == null ? "" : serverUrl.getPath();
        if (!path.endsWith("/")) {
            serverUrl = URI.create(serverUrl.getScheme() + "://" + serverUrl.getRawAuthority() + path + "/");
        }
        Objects.requireNonNull(token, "token");
        token.ifPresent(t -> {
            if (t.isBlank() || !t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw RunnerNodeException.invalidOption("token", "must be printable ASCII without spaces");
            }
        });
        positive("connect_timeout", connectTimeout);
        positive("request_timeout", requestTimeout);
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw RunnerNodeException.invalidOption("max_attempts", "must be 1..20, got " + maxAttempts);
        }
        Objects.requireNonNull(backoff, "backoff");
    }

    public static Builder builder(URI serverUrl) {
        return new Builder(serverUrl);
    }

    /** The options without the token. */
    @Override
    public String toString() {
        return "RemoteClientOptions[serverUrl=" + serverUrl + ", token="
                + token.map(t -> "<redacted>").orElse("none")
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + ", maxAttempts="
                + maxAttempts + ", backoff=" + backoff + "]";
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw RunnerNodeException.invalidOption(name, "must be a positive duration, got " + value);
        }
    }

    /** Builds {@link RemoteClientOptions}. */
    public static final class Builder {
        private final URI serverUrl;
        private Optional<String> token = Optional.empty();
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private int maxAttempts = 4;
        private Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

        private Builder(URI serverUrl) {
            this.serverUrl = serverUrl;
        }

        public Builder token(String value) {
            this.token = Optional.ofNullable(value);
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

        public Builder backoff(Backoff value) {
            this.backoff = value;
            return this;
        }

        public RemoteClientOptions build() {
            return new RemoteClientOptions(serverUrl, token, connectTimeout, requestTimeout, maxAttempts, backoff);
        }
    }
}
