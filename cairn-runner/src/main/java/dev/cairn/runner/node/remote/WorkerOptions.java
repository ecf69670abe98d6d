package dev.cairn.runner.node.remote;

import dev.cairn.runner.node.RunnerNodeException;
import dev.cairn.runner.node.RunnerNodeOptions;
import dev.cairn.runner.node.command.ProcessCommandOptions;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a remote worker ({@code cairn worker}) is: the server it works for, its token, what it
 * runs, its labels, how much at once, and where it serves seed 003's runner contract. Build with
 * {@link #builder(URI)}.
 *
 * @param serverUrl the Cairn server, e.g. {@code http://cairn.internal:8080/}
 * @param token the bearer runner token; empty only for a loopback server without auth. Never printed.
 * @param capabilities the capabilities to serve ({@code --capability}); empty means every runner
 *     the worker has (built-ins and those on its classpath)
 * @param labels the worker's labels ({@code --label region=eu})
 * @param concurrency how many tasks run at once; default the number of processors
 * @param listen where to serve {@code POST /execute} and {@code GET /info}; default {@code
 *     127.0.0.1:0} (loopback, a free port); empty to serve nothing
 * @param serviceToken the bearer token callers of {@code /execute} and {@code /info} must send;
 *     required when {@code listen} is not a loopback address. Never printed.
 * @param node the node's other options (worker id, heartbeats, backoff, grace); its labels,
 *     capabilities and concurrency are replaced by the ones above
 * @param command how the {@code command} capability runs its subprocesses
 */
public record WorkerOptions(
        URI serverUrl,
        Optional<String> token,
        List<String> capabilities,
        SortedMap<String, String> labels,
        int concurrency,
        Optional<InetSocketAddress> listen,
        Optional<String> serviceToken,
        RunnerNodeOptions node,
        ProcessCommandOptions command) {

    public WorkerOptions {
        Objects.requireNonNull(serverUrl, "server_url");
        Objects.requireNonNull(token, "token");
        capabilities = List.copyOf(Objects.requireNonNull(capabilities, "capabilities"));
        labels = new TreeMap<>(Objects.requireNonNull(labels, "labels"));
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(serviceToken, "service_token");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(command, "command");
        node = node.toBuilder()
                .labels(labels)
                .capabilities(capabilities)
                .concurrency(concurrency)
                .build(); // validates labels and concurrency
        labels = node.labels();
        if (listen.isPresent() && serviceToken.isEmpty()) {
            InetSocketAddress address = listen.get();
            if (address.isUnresolved() || !address.getAddress().isLoopbackAddress()) {
                throw RunnerNodeException.invalidOption(
                        "listen",
                        "serving /execute on " + address.getHostString() + " (beyond loopback) needs a service token:"
                                + " anyone who reaches it could run commands on this machine");
            }
        }
        serviceToken.ifPresent(t -> {
            if (t.length() < 16 || !t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw RunnerNodeException.invalidOption(
                        "service_token", "must be at least 16 printable ASCII characters without spaces");
            }
        });
    }

    public static Builder builder(URI serverUrl) {
        return new Builder(serverUrl);
    }

    /** The client options for the server (token included, default timeouts and retries). */
    public RemoteClientOptions client() {
        return RemoteClientOptions.builder(serverUrl).token(token.orElse(null)).build();
    }

    /** The options without tokens. */
    @Override
    public String toString() {
        return "WorkerOptions[serverUrl=" + serverUrl + ", token="
                + token.map(t -> "<redacted>").orElse("none")
                + ", capabilities=" + capabilities + ", labels=" + labels + ", concurrency=" + concurrency
                + ", listen=" + listen + ", serviceToken="
                + serviceToken.map(t -> "<redacted>").orElse("none")
                + ", workerId=" + node.workerId() + "]";
    }

    /** Builds {@link WorkerOptions}. */
    public static final class Builder {
        private final URI serverUrl;
        private Optional<String> token = Optional.empty();
        private List<String> capabilities = List.of();
        private final SortedMap<String, String> labels = new TreeMap<>();
        private int concurrency = Runtime.getRuntime().availableProcessors();
        private Optional<InetSocketAddress> listen = Optional.of(new InetSocketAddress("127.0.0.1", 0));
        private Optional<String> serviceToken = Optional.empty();
        private RunnerNodeOptions node;
        private ProcessCommandOptions command = ProcessCommandOptions.defaults();

        private Builder(URI serverUrl) {
            this.serverUrl = serverUrl;
        }

        public Builder token(String value) {
            this.token = Optional.ofNullable(value);
            return this;
        }

        public Builder capabilities(List<String> value) {
            this.capabilities = value;
            return this;
        }

        public Builder label(String name, String value) {
            labels.put(name, value);
            return this;
        }

        public Builder labels(Map<String, String> value) {
            labels.putAll(value);
            return this;
        }

        public Builder concurrency(int value) {
            this.concurrency = value;
            return this;
        }

        /** Serves {@code /execute} and {@code /info} on {@code value}; {@code null} serves nothing. */
        public Builder listen(InetSocketAddress value) {
            this.listen = Optional.ofNullable(value);
            return this;
        }

        public Builder serviceToken(String value) {
            this.serviceToken = Optional.ofNullable(value);
            return this;
        }

        public Builder node(RunnerNodeOptions value) {
            this.node = value;
            return this;
        }

        public Builder command(ProcessCommandOptions value) {
            this.command = value;
            return this;
        }

        public WorkerOptions build() {
            return new WorkerOptions(
                    serverUrl,
                    token,
                    capabilities,
                    labels,
                    concurrency,
                    listen,
                    serviceToken,
                    node == null ? RunnerNodeOptions.defaults() : node,
                    command);
        }
    }
}
