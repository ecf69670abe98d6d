package dev.cairn.runner.node;

import dev.cairn.executor.plugin.PluginOptions;
import dev.cairn.runner.api.Runner;
import dev.cairn.runner.api.examples.HelloRunner;
import dev.cairn.runner.node.command.CellCommandExecutor;
import dev.cairn.runner.node.command.CommandExecutor;
import dev.cairn.runner.node.command.CommandRunner;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The runners of a node, by capability: the built-ins ({@value CommandRunner#CAPABILITY} and
 * {@value HelloRunner#CAPABILITY}), the runners found by {@link ServiceLoader} ({@code
 * META-INF/services/dev.cairn.runner.api.Runner}), and runners added by hand. Immutable; one
 * runner per capability (a second one for the same capability is an error, {@code
 * duplicate_capability}, rather than a silent choice).
 */
public final class RunnerRegistry {

    private final SortedMap<String, Runner> runners;

    private RunnerRegistry(SortedMap<String, Runner> runners) {
        this.runners = runners;
    }

    /** The built-ins (command as a plain subprocess) plus every runner on the context class loader. */
    public static RunnerRegistry standard() {
        return builder().builtIns().discover().build();
    }

    /** An empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The runner of {@code capability}, if this registry has one. */
    public Optional<Runner> find(String capability) {
        return Optional.ofNullable(runners.get(capability));
    }

    /** The capabilities, sorted. */
    public List<String> capabilities() {
        return List.copyOf(runners.keySet());
    }

    /**
     * The registry reduced to {@code capabilities}.
     *
     * @throws RunnerNodeException {@code unknown_capability} if one of them has no runner here
     */
    public RunnerRegistry restrictTo(Collection<String> capabilities) {
        SortedMap<String, Runner> kept = new TreeMap<>();
        for (String capability : capabilities) {
            Runner runner = runners.get(capability);
            if (runner == null) {
                throw RunnerNodeException.unknownCapability(capability, capabilities());
            }
            kept.put(capability, runner);
        }
        return new RunnerRegistry(kept);
    }

    @Override
    public String toString() {
        return "RunnerRegistry" + runners.keySet();
    }

    /** Builds a {@link RunnerRegistry}. */
    public static final class Builder {
        private final Map<String, Runner> runners = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Adds the built-ins; {@code command} runs each step in a cell ({@link CellCommandExecutor}:
         * a bubblewrap sandbox where it works, else a host process, as the step's log says).
         */
        public Builder builtIns() {
            return builtIns(CellCommandExecutor.create());
        }

        /** Adds the built-ins, with {@code command} steps executed by {@code executor}. */
        public Builder builtIns(CommandExecutor executor) {
            add(new CommandRunner(executor));
            add(new HelloRunner());
            return this;
        }

        /**
         * Adds an external executor program for {@code plugin.capability()}: its tasks carry a {@code
         * CommandTask} like {@code command}'s and are executed by the program over seed 002's line
         * protocol ({@code docs/executor-protocol.md}).
         *
         * @throws RunnerNodeException {@code invalid_capability}, {@code duplicate_capability}
         */
        public Builder plugin(PluginOptions plugin) {
            return add(new CommandRunner(plugin.capability(), CellCommandExecutor.plugin(plugin)));
        }

        /**
         * Adds the executor programs registered by the {@code *.json} files of {@code dir} ({@code
         * PluginRegistration}); none when the directory does not exist.
         *
         * @throws dev.cairn.executor.ExecutorException {@code invalid_plugin_registration} naming the file
         */
        public Builder plugins(java.nio.file.Path dir) {
            dev.cairn.executor.plugin.PluginRegistration.loadAll(dir).forEach(this::plugin);
            return this;
        }

        /** Adds every {@link Runner} registered in {@code META-INF/services} of the context class loader. */
        public Builder discover() {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            return discover(loader == null ? RunnerRegistry.class.getClassLoader() : loader);
        }

        /**
         * Adds every {@link Runner} registered in {@code META-INF/services} visible to {@code loader}.
         *
         * @throws RunnerNodeException {@code runner_discovery_failed} if a listed runner cannot be
         *     loaded; {@code duplicate_capability}
         */
        public Builder discover(ClassLoader loader) {
            List<Runner> found = new ArrayList<>();
            try {
                for (Runner runner : ServiceLoader.load(Runner.class, loader)) {
                    found.add(runner);
                }
            } catch (ServiceConfigurationError e) {
                throw RunnerNodeException.discoveryFailed(e);
            }
            found.forEach(this::add);
            return this;
        }

        /**
         * Adds {@code runner}. Adding the same class again for the same capability is a no-op (a
         * built-in also listed in {@code META-INF/services}).
         *
         * @throws RunnerNodeException {@code invalid_capability}, {@code duplicate_capability}
         */
        public Builder add(Runner runner) {
            Objects.requireNonNull(runner, "runner");
            String capability = runner.capability();
            if (capability == null
                    || capability.isBlank()
                    || capability.length() > 256
                    || !capability.chars().allMatch(c -> c > 0x20 && c != 0x7f)) {
                throw RunnerNodeException.invalidCapability(runner.getClass().getName(), String.valueOf(capability));
            }
            Runner existing = runners.get(capability);
            if (existing != null) {
                if (existing.getClass().equals(runner.getClass())) {
                    return this;
                }
                throw RunnerNodeException.duplicateCapability(
                        capability,
                        existing.getClass().getName(),
                        runner.getClass().getName());
            }
            runners.put(capability, runner);
            return this;
        }

        public RunnerRegistry build() {
            return new RunnerRegistry(new TreeMap<>(runners));
        }
    }
}
