package dev.cairn.executor.protocol;

import dev.cairn.json.wire.DenyUnknownFields;
import dev.cairn.json.wire.WireDefault;
import dev.cairn.json.wire.WirePattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A command step as the pipeline declares it: what to run, in which cell, with which environment,
 * for how long, and what it produces. The seed imports its {@code CommandStep} from its IR; this is
 * Cairn's own.
 *
 * <p>Only {@code run} is required on the wire; every other field has the default named below.
 * Unknown fields are refused, so that a misspelt option is an error rather than a silent default.
 *
 * <pre>{@code
 * {"run": {"argv": ["make", "test"]}, "cell": "sandbox", "network": "none",
 *  "env": {"CI": "1"}, "workdir": "app", "timeout": {"secs": 600, "nanos": 0},
 *  "cache": true, "outputs": ["dist/**"], "limits": {"memory_bytes": 2147483648}}
 * }</pre>
 *
 * @param run the program or script to run
 * @param cell the isolation profile; default {@link CellProfile#SANDBOX}
 * @param network the network the step may reach; default {@link NetworkGrant.None none}
 * @param env variables the step declares, sorted by name (names non-empty without {@code =} or
 *     NUL, values without NUL); default empty. The host adds them to the pipeline's environment
 *     to form {@link ExecutorInput#env()}.
 * @param workdir where the command starts, relative to the workspace root, without {@code ..}
 *     segments; default {@code "."} (the root)
 * @param timeout wall-clock bound, after which the cell is torn down; positive and at most
 *     {@link #MAX_TIMEOUT}; default {@link #DEFAULT_TIMEOUT}
 * @param cache whether the host may cache the step's result (an action-cache hit skips the run);
 *     default {@code true}. {@code false} makes every run a {@link CacheDecision.MissNoCommit}
 * @param outputs globs (java.nio glob syntax, relative to the workspace root, no {@code ..}) of the
 *     files uploaded as artifacts after a successful run; default none
 * @param limits resource limits; default {@link ResourceLimits#DEFAULTS}
 * @param inference whether the cell may reach the node's inference broker, through a loopback
 *     endpoint granted to it only ({@link InferenceGrant}); default absent: no inference
 */
@DenyUnknownFields
public record CommandStep(
        Run run,
        @WireDefault CellProfile cell,
        @WireDefault NetworkGrant network,
        @WireDefault @WirePattern(Checks.ENV_NAME) SortedMap<String, String> env,
        @WireDefault @WirePattern(Checks.RELATIVE_PATH) String workdir,
        @WireDefault Duration timeout,
        @WireDefault Boolean cache,
        @WireDefault @WirePattern(Checks.RELATIVE_PATH) List<String> outputs,
        @WireDefault ResourceLimits limits,
        @WireDefault Optional<InferenceGrant> inference) {

    /** Timeout of a step that declares none. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

    /** Longest timeout a step may declare. */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(7);

    /** The workspace root, the default working directory. */
    public static final String ROOT = ".";

    public CommandStep {
        Objects.requireNonNull(run, "run");
        cell = cell == null ? CellProfile.SANDBOX : cell;
        network = network == null ? new NetworkGrant.None() : network;
        env = Checks.env(env == null ? Map.of() : env);
        workdir = Checks.relativePath("workdir", workdir == null ? ROOT : workdir);
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw ExecutorProtocolException.invalidTimeout(timeout);
        }
        cache = cache == null ? Boolean.TRUE : cache;
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        outputs.forEach(Checks::glob);
        limits = limits == null ? ResourceLimits.DEFAULTS : limits;
        inference = inference == null ? Optional.empty() : inference;
    }

    /** The step as before this field existed: no inference. */
    public CommandStep(
            Run run,
            CellProfile cell,
            NetworkGrant network,
            SortedMap<String, String> env,
            String workdir,
            Duration timeout,
            Boolean cache,
            List<String> outputs,
            ResourceLimits limits) {
        this(run, cell, network, env, workdir, timeout, cache, outputs, limits, Optional.empty());
    }

    /** A step that runs {@code argv} directly, with every other field at its default. */
    public static Builder argv(String... argv) {
        return new Builder(new Run.Argv(List.of(argv)));
    }

    /** A step that runs {@code source} with {@value Run.Script#DEFAULT_SHELL}. */
    public static Builder script(String source) {
        return new Builder(new Run.Script(source));
    }

    /** A step that runs {@code run}. */
    public static Builder builder(Run run) {
        return new Builder(run);
    }

    /** A builder starting from this step's values. */
    public Builder toBuilder() {
        Builder b = new Builder(run);
        b.cell = cell;
        b.network = network;
        b.env.putAll(env);
        b.workdir = workdir;
        b.timeout = timeout;
        b.cache = cache;
        b.outputs.addAll(outputs);
        b.limits = limits;
        b.inference = inference;
        return b;
    }

    /** Builds a {@link CommandStep}; fields not set keep their defaults; {@link #build()} validates. */
    public static final class Builder {
        private final Run run;
        private CellProfile cell;
        private NetworkGrant network;
        private final SortedMap<String, String> env = new TreeMap<>();
        private String workdir;
        private Duration timeout;
        private Boolean cache;
        private final List<String> outputs = new ArrayList<>();
        private ResourceLimits limits;
        private Optional<InferenceGrant> inference = Optional.empty();

        private Builder(Run run) {
            this.run = Objects.requireNonNull(run, "run");
        }

        public Builder cell(CellProfile cell) {
            this.cell = Objects.requireNonNull(cell, "cell");
            return this;
        }

        public Builder network(NetworkGrant network) {
            this.network = Objects.requireNonNull(network, "network");
            return this;
        }

        /** Adds (or replaces) one environment variable. */
        public Builder env(String name, String value) {
            env.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder workdir(String workdir) {
            this.workdir = Objects.requireNonNull(workdir, "workdir");
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public Builder cache(boolean cache) {
            this.cache = cache;
            return this;
        }

        /** Adds one output glob. */
        public Builder output(String glob) {
            outputs.add(Objects.requireNonNull(glob, "glob"));
            return this;
        }

        public Builder limits(ResourceLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Lets the cell reach the node's inference broker ({@link InferenceGrant}). */
        public Builder inference(InferenceGrant grant) {
            this.inference = Optional.of(Objects.requireNonNull(grant, "inference"));
            return this;
        }

        /**
         * The step.
         *
         * @throws ExecutorProtocolException if a value breaks its rule
         */
        public CommandStep build() {
            return new CommandStep(run, cell, network, env, workdir, timeout, cache, outputs, limits, inference);
        }
    }
}
