package dev.cairn.server;

import dev.cairn.orchestrator.api.Orchestrator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Objects;
import java.util.Optional;

/**
 * How to start a {@link Server}. Build with {@link #builder(Orchestrator)}.
 *
 * @param bindAddress the host name or address to listen on; {@value #DEFAULT_BIND_ADDRESS} by
 *     default. Anything but a loopback address makes tokens mandatory.
 * @param port the TCP port; 0 picks a free one ({@link Server#port()} tells which)
 * @param orchestrator the service the routes call; the server does not close it
 * @param tokenStore where the bearer tokens are; without one, the server accepts no token (and
 *     can only run on loopback without {@code requireAuth})
 * @param requireAuth require a token on loopback too ({@code --require-auth})
 * @param limits body sizes, stream heartbeats, shutdown grace
 * @param meterRegistry the registry {@code GET /metrics} shows; give the one the orchestrator
 *     records into, so its meters show too. Without one, the server makes its own and binds JVM and
 *     process metrics to it.
 */
public record ServerOptions(
        String bindAddress,
        int port,
        Orchestrator orchestrator,
        Optional<TokenStore> tokenStore,
        boolean requireAuth,
        ServerLimits limits,
        Optional<PrometheusMeterRegistry> meterRegistry) {

    /** The default address: loopback only. */
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";

    /** The default port of {@code cairn server}. */
    public static final int DEFAULT_PORT = 8420;

    public ServerOptions {
        Objects.requireNonNull(bindAddress, "bind_address");
        if (bindAddress.isBlank()) {
            throw new IllegalArgumentException("bind_address must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        Objects.requireNonNull(orchestrator, "orchestrator");
        Objects.requireNonNull(tokenStore, "token_store");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(meterRegistry, "meter_registry");
    }

    /** Options for a server of {@code orchestrator} on loopback, default port, no tokens. */
    public static Builder builder(Orchestrator orchestrator) {
        return new Builder(orchestrator);
    }

    /** Builds {@link ServerOptions}; validation happens in {@link #build()}. */
    public static final class Builder {
        private final Orchestrator orchestrator;
        private String bindAddress = DEFAULT_BIND_ADDRESS;
        private int port = DEFAULT_PORT;
        private TokenStore tokenStore;
        private boolean requireAuth;
        private ServerLimits limits = ServerLimits.DEFAULTS;
        private PrometheusMeterRegistry meterRegistry;

        private Builder(Orchestrator orchestrator) {
            this.orchestrator = orchestrator;
        }

        public Builder bindAddress(String bindAddress) {
            this.bindAddress = bindAddress;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder tokenStore(TokenStore tokenStore) {
            this.tokenStore = tokenStore;
            return this;
        }

        public Builder requireAuth(boolean requireAuth) {
            this.requireAuth = requireAuth;
            return this;
        }

        public Builder limits(ServerLimits limits) {
            this.limits = limits;
            return this;
        }

        public Builder meterRegistry(PrometheusMeterRegistry meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }

        public ServerOptions build() {
            return new ServerOptions(
                    bindAddress,
                    port,
                    orchestrator,
                    Optional.ofNullable(tokenStore),
                    requireAuth,
                    limits,
                    Optional.ofNullable(meterRegistry));
        }
    }
}
