package dev.cairn.node;

import dev.cairn.orchestrator.embedded.OrchestratorOptions;
import dev.cairn.runner.node.RunnerNodeOptions;
import dev.cairn.runner.node.RunnerRegistry;
import dev.cairn.sinks.config.EventsConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How to open a {@link CairnNode}. Build with {@link #builder()}.
 *
 * @param home the home directory: {@code cairn.db}, {@code artifacts/} and the optional {@code
 *     cairn.yaml}; default {@link #defaultHome()}
 * @param runner whether the node runs an in-process runner node taking the orchestrator's leases;
 *     default {@code true} (off for a {@code cairn server} whose work goes to remote workers only)
 * @param runnerOptions the in-process runner node's options (labels, concurrency, ...)
 * @param registry the runners of the in-process node; default {@link RunnerRegistry#standard()}
 *     (built-ins plus ServiceLoader)
 * @param server where to serve HTTP, if at all; default not
 * @param events the server-level event sinks; when empty, the {@code events} section of {@code
 *     <home>/cairn.yaml} (none when the file does not exist)
 * @param exportBase the directory relative export {@code dir}s resolve against ({@code cairn run
 *     FILE}: the pipeline file's directory); default the process's working directory
 * @param orchestrator adjusts the orchestrator's options (lease TTL, sweeper, clock...) after the
 *     node has set its home; default leaves them as they are
 */
public record NodeOptions(
        Path home,
        boolean runner,
        RunnerNodeOptions runnerOptions,
        Optional<RunnerRegistry> registry,
        Optional<ServerSettings> server,
        Optional<EventsConfig> events,
        Optional<Path> exportBase,
        Consumer<OrchestratorOptions.Builder> orchestrator) {

    /** The environment variable naming the home when no {@code --home} is given. */
    public static final String HOME_ENV = "CAIRN_HOME";

    /** The configuration file in the home. */
    public static final String CONFIG_FILE = "cairn.yaml";

    public NodeOptions {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(runnerOptions, "runner_options");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(exportBase, "export_base");
        Objects.requireNonNull(orchestrator, "orchestrator");
    }

    /** {@code $CAIRN_HOME} when set and not blank, else {@code ~/.cairn}. */
    public static Path defaultHome() {
        return homeFrom(Optional.empty(), System.getenv());
    }

    /**
     * The home a command uses: {@code flag} ({@code --home DIR}) when given, else {@code
     * CAIRN_HOME} from {@code env}, else {@code ~/.cairn}.
     */
    public static Path homeFrom(Optional<Path> flag, Map<String, String> env) {
        if (flag.isPresent()) {
            return flag.get();
        }
        String fromEnv = env.get(HOME_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        return OrchestratorOptions.defaultHome();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link NodeOptions}; validation happens in {@link #build()}. */
    public static final class Builder {
        private Path home;
        private boolean runner = true;
        private RunnerNodeOptions runnerOptions;
        private RunnerRegistry registry;
        private ServerSettings server;
        private EventsConfig events;
        private Path exportBase;
        private Consumer<OrchestratorOptions.Builder> orchestrator = b -> {};

        private Builder() {}

        public Builder home(Path value) {
            this.home = value;
            return this;
        }

        public Builder runner(boolean value) {
            this.runner = value;
            return this;
        }

        public Builder runnerOptions(RunnerNodeOptions value) {
            this.runnerOptions = value;
            return this;
        }

        public Builder registry(RunnerRegistry value) {
            this.registry = value;
            return this;
        }

        public Builder server(ServerSettings value) {
            this.server = value;
            return this;
        }

        public Builder events(EventsConfig value) {
            this.events = value;
            return this;
        }

        public Builder exportBase(Path value) {
            this.exportBase = value;
            return this;
        }

        public Builder orchestrator(Consumer<OrchestratorOptions.Builder> value) {
            this.orchestrator = value;
            return this;
        }

        public NodeOptions build() {
            return new NodeOptions(
                    home == null ? defaultHome() : home,
                    runner,
                    runnerOptions == null ? RunnerNodeOptions.defaults() : runnerOptions,
                    Optional.ofNullable(registry),
                    Optional.ofNullable(server),
                    Optional.ofNullable(events),
                    Optional.ofNullable(exportBase).map(p -> p.toAbsolutePath().normalize()),
                    orchestrator);
        }
    }
}
