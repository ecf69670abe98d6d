package dev.cairn.workspace.cache;

import dev.cairn.executor.protocol.CellProfile;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.NetworkGrant;
import dev.cairn.executor.protocol.Run;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.WorkspaceException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything that determines a command step's result, as the host knows it before the step runs;
 * {@link CacheKey#of} hashes it. Build with {@link #forStep(CommandStep)}, which takes the step's own
 * fields, then set what the host decided (effective env and workdir, inputs, parent snapshot,
 * executor version, secrets).
 *
 * @param run the argv or the script (with its shell)
 * @param env the effective, non-secret environment ({@code ExecutorInput.env}); declared secrets
 *     must not be in it
 * @param workdir the effective working directory ({@code ExecutorInput.workdir})
 * @param inputs the trees the workspace is made from, by a name the host chooses (e.g. {@code
 *     workspace} for {@code Workspaces.inputTree} of the step's input files)
 * @param parentSnapshot the tree the step starts from when it continues a chain (the resolved
 *     parent snapshot: content, not the tag it was committed under)
 * @param cell the isolation profile
 * @param network the network grant
 * @param outputs the declared output globs (they decide which artifacts a hit serves)
 * @param executorVersion the executor and its version ({@code cairn-command/1}): a new executor that
 *     may produce different results gets new keys
 * @param secrets the declared secrets by name
 */
public record CacheKeyInput(
        Run run,
        SortedMap<String, String> env,
        String workdir,
        SortedMap<String, TreeId> inputs,
        Optional<TreeId> parentSnapshot,
        CellProfile cell,
        NetworkGrant network,
        List<String> outputs,
        String executorVersion,
        SortedMap<String, DeclaredSecret> secrets) {

    public CacheKeyInput {
        Objects.requireNonNull(run, "run");
        env = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(env, "env")));
        Objects.requireNonNull(workdir, "workdir");
        inputs = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(inputs, "inputs")));
        Objects.requireNonNull(parentSnapshot, "parent_snapshot");
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(network, "network");
        outputs = List.copyOf(outputs);
        Objects.requireNonNull(executorVersion, "executor_version");
        if (executorVersion.isBlank()) {
            throw WorkspaceException.invalidCacheKeyInput("the executor version is empty");
        }
        secrets = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(secrets, "secrets")));
        for (Map.Entry<String, DeclaredSecret> e : secrets.entrySet()) {
            if (!e.getKey().equals(e.getValue().name())) {
                throw WorkspaceException.invalidCacheKeyInput("secret listed as `" + e.getKey() + "` is named `"
                        + e.getValue().name() + "`");
            }
            String delivery = e.getValue().delivery();
            for (String name : env.keySet()) {
                if (name.equals(e.getKey()) || delivery.equals("env:" + name)) {
                    throw WorkspaceException.invalidCacheKeyInput("the environment variable `" + name
                            + "` is also the declared secret `" + e.getKey() + "`; leave it out of env");
                }
            }
        }
    }

    /**
     * A builder starting from the step's run, cell, network, outputs, env and workdir (replace env
     * and workdir with the effective ones the host computes).
     */
    public static Builder forStep(CommandStep step) {
        Objects.requireNonNull(step, "step");
        Builder b = new Builder(step.run());
        b.env.putAll(step.env());
        b.workdir = step.workdir();
        b.cell = step.cell();
        b.network = step.network();
        b.outputs.addAll(step.outputs());
        return b;
    }

    /** Builds a {@link CacheKeyInput}; {@link #build()} validates. */
    public static final class Builder {
        private final Run run;
        private final SortedMap<String, String> env = new TreeMap<>();
        private String workdir = CommandStep.ROOT;
        private final SortedMap<String, TreeId> inputs = new TreeMap<>();
        private Optional<TreeId> parentSnapshot = Optional.empty();
        private CellProfile cell = CellProfile.SANDBOX;
        private NetworkGrant network = new NetworkGrant.None();
        private final List<String> outputs = new ArrayList<>();
        private String executorVersion;
        private final SortedMap<String, DeclaredSecret> secrets = new TreeMap<>();

        private Builder(Run run) {
            this.run = Objects.requireNonNull(run, "run");
        }

        /** Replaces the environment with the effective one. */
        public Builder env(Map<String, String> env) {
            this.env.clear();
            this.env.putAll(env);
            return this;
        }

        public Builder workdir(String workdir) {
            this.workdir = Objects.requireNonNull(workdir, "workdir");
            return this;
        }

        /** Adds (or replaces) the input tree named {@code name}. */
        public Builder input(String name, TreeId tree) {
            inputs.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(tree, "tree"));
            return this;
        }

        public Builder parentSnapshot(TreeId tree) {
            this.parentSnapshot = Optional.of(Objects.requireNonNull(tree, "tree"));
            return this;
        }

        public Builder cell(CellProfile cell) {
            this.cell = Objects.requireNonNull(cell, "cell");
            return this;
        }

        public Builder network(NetworkGrant network) {
            this.network = Objects.requireNonNull(network, "network");
            return this;
        }

        /** Replaces the output globs. */
        public Builder outputs(List<String> outputs) {
            this.outputs.clear();
            this.outputs.addAll(outputs);
            return this;
        }

        public Builder executorVersion(String executorVersion) {
            this.executorVersion = Objects.requireNonNull(executorVersion, "executor_version");
            return this;
        }

        /** Declares a secret; a name declared twice is refused. */
        public Builder secret(String name, String delivery, String version) {
            if (secrets.putIfAbsent(name, new DeclaredSecret(name, delivery, version)) != null) {
                throw WorkspaceException.invalidCacheKeyInput("secret `" + name + "` is declared twice");
            }
            return this;
        }

        public CacheKeyInput build() {
            if (executorVersion == null) {
                throw WorkspaceException.invalidCacheKeyInput("no executor version was given");
            }
            return new CacheKeyInput(
                    run, env, workdir, inputs, parentSnapshot, cell, network, outputs, executorVersion, secrets);
        }
    }
}
