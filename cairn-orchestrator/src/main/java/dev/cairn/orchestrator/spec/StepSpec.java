package dev.cairn.orchestrator.spec;

import dev.cairn.executor.protocol.CellProfile;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.InferenceGrant;
import dev.cairn.executor.protocol.NetworkGrant;
import dev.cairn.executor.protocol.ResourceLimits;
import dev.cairn.executor.protocol.Run;
import dev.cairn.machine.config.RetryPolicy;
import dev.cairn.machine.meta.Idempotency;
import dev.cairn.machine.meta.SideEffectKind;
import dev.cairn.machine.meta.StandardTags;
import dev.cairn.machine.meta.StateMeta;
import dev.cairn.machine.meta.Tag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One step of a pipeline, as written (param references not yet substituted). See {@code
 * docs/pipelines.md} for the meaning and default of every field.
 *
 * <p>The constructor checks each field on its own; the rules between fields and between steps
 * (references, cycles, caching of side effects, ...) are checked by the spec reader and by {@link
 * PipelineSpec#problems()}.
 *
 * @param id the step's id, a state-id segment ({@code ^[a-z][a-z0-9_]{0,62}$})
 * @param description what the step does, for people
 * @param capability the runner capability it needs; default {@value #COMMAND}
 * @param run what a {@code command} step runs: argv, or a script for a shell; empty for other
 *     capabilities
 * @param needs steps that must succeed before this one starts
 * @param continues the upstream step whose committed workspace snapshot this step starts from
 * @param env environment variables of the step (values may hold param references)
 * @param secrets secrets the step needs, by name
 * @param inputs what its workspace starts with
 * @param outputs globs of the files captured as artifacts after a successful run
 * @param cache whether the host may serve the step from its cache; default true, and always false
 *     for {@link SideEffectKind#APPLY_SIDE_EFFECT} steps
 * @param retry the step's own retry policy; empty: the run's ({@link RunSettings#retry()})
 * @param timeout wall-clock bound; default {@link CommandStep#DEFAULT_TIMEOUT}, at most {@link
 *     CommandStep#MAX_TIMEOUT}
 * @param tags classification tags (the standard ones are in {@link dev.cairn.machine.meta.StandardTags})
 * @param sideEffect what the step does to the world; default {@link SideEffectKind#PURE}
 * @param idempotencyKey for an {@code apply_side_effect} step, the key that deduplicates its effect
 * @param resources resource limits; default {@link ResourceLimits#DEFAULTS}
 * @param network what the step may reach; default none
 * @param cell the isolation profile; default {@link CellProfile#SANDBOX}
 * @param workdir where the command starts, relative to the workspace root; default {@code .}
 * @param labels labels a runner must carry to take the step (values may hold param references)
 * @param regions when not empty, the step runs once per region, each on runners labelled {@code
 *     region=<region>}
 * @param inference whether the step's cell reaches the node's inference broker through a loopback
 *     endpoint ({@code inference: true} or {@code inference: {max_tokens: N}}); a step that asks is
 *     not cached unless it says {@code cache: true}
 */
public record StepSpec(
        String id,
        Optional<String> description,
        String capability,
        Optional<Run> run,
        List<String> needs,
        Optional<String> continues,
        SortedMap<String, String> env,
        List<SecretRef> secrets,
        List<InputSpec> inputs,
        List<String> outputs,
        boolean cache,
        Optional<RetryPolicy> retry,
        Duration timeout,
        List<Tag> tags,
        SideEffectKind sideEffect,
        Optional<String> idempotencyKey,
        ResourceLimits resources,
        NetworkGrant network,
        CellProfile cell,
        String workdir,
        SortedMap<String, String> labels,
        List<String> regions,
        Optional<InferenceGrant> inference) {

    /** The capability of steps that run a command in a cell. */
    public static final String COMMAND = "command";

    public StepSpec {
        Names.requireId("step id", id);
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(capability, "capability");
        if (!Names.isCapability(capability)) {
            throw SpecException.unplaced(
                    "/capability",
                    SpecCode.INVALID_CAPABILITY,
                    "capability " + Texts.quote(capability) + " is not valid");
        }
        Objects.requireNonNull(run, "run");
        needs = List.copyOf(Objects.requireNonNull(needs, "needs"));
        Objects.requireNonNull(continues, "continues");
        env = sorted(env, "env");
        secrets = List.copyOf(Objects.requireNonNull(secrets, "secrets"));
        inputs = List.copyOf(Objects.requireNonNull(inputs, "inputs"));
        outputs = List.copyOf(Objects.requireNonNull(outputs, "outputs"));
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(CommandStep.MAX_TIMEOUT) > 0) {
            throw SpecException.unplaced("/timeout", SpecCode.OUT_OF_RANGE, "timeout " + timeout + " is out of range");
        }
        tags = List.copyOf(Objects.requireNonNull(tags, "tags"));
        Objects.requireNonNull(sideEffect, "side_effect");
        Objects.requireNonNull(idempotencyKey, "idempotency_key");
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(workdir, "workdir");
        labels = sorted(labels, "labels");
        regions = List.copyOf(Objects.requireNonNull(regions, "regions"));
        Objects.requireNonNull(inference, "inference");
    }

    private static SortedMap<String, String> sorted(Map<String, String> map, String field) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(map, field)));
    }

    /** Whether this step runs a command in a cell (capability {@value #COMMAND}). */
    public boolean isCommand() {
        return capability.equals(COMMAND);
    }

    /**
     * What a {@code command} runner executes for this step with {@code params}: the run, env (the
     * step's own; the host adds the pipeline's), outputs and cell settings, references substituted.
     *
     * @throws SpecException if this is not a {@code command} step, or a reference has no value
     * @throws dev.cairn.executor.protocol.ExecutorProtocolException if a substituted value breaks a
     *     protocol rule (an empty program, say); {@link SpecDocument#bind} reports those with positions
     */
    public CommandStep toCommandStep(ParamValues params) {
        if (!isCommand() || run.isEmpty()) {
            throw SpecException.unplaced(
                    "/capability", SpecCode.INVALID_CAPABILITY, "step `" + id + "` is not a command step");
        }
        Run rendered =
                switch (run.get()) {
                    case Run.Argv argv ->
                        new Run.Argv(argv.value().stream().map(params::render).toList());
                    case Run.Script script -> new Run.Script(script.shell(), params.render(script.source()));
                };
        CommandStep.Builder b = CommandStep.builder(rendered)
                .cell(cell)
                .network(network)
                .workdir(workdir)
                .timeout(timeout)
                .cache(cache)
                .limits(resources);
        env.forEach((name, value) -> b.env(name, params.render(value)));
        outputs.forEach(b::output);
        inference.ifPresent(b::inference);
        return b.build();
    }

    /**
     * The state metadata of this step: its tags, plus {@code apply_side_effect} when it applies a
     * side effect (so a dry run's skip tags find it); its side-effect kind; its idempotency key,
     * substituted.
     */
    public StateMeta toStateMeta(ParamValues params) {
        StateMeta.Builder b = StateMeta.builder(sideEffect).tags(tags);
        if (sideEffect == SideEffectKind.APPLY_SIDE_EFFECT && !tags.contains(new Tag(StandardTags.APPLY_SIDE_EFFECT))) {
            b.tag(StandardTags.APPLY_SIDE_EFFECT);
        }
        idempotencyKey.ifPresent(key -> b.idempotency(new Idempotency.Key(params.render(key))));
        return b.build();
    }

    /** A {@code command} step running {@code run}, every other field at its default. */
    public static Builder command(String id, Run run) {
        return new Builder(id).run(run);
    }

    /** A step with every field at its default (a {@code command} step needs {@link Builder#run}). */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** A builder starting from this step. */
    public Builder toBuilder() {
        Builder b = new Builder(id);
        b.description = description;
        b.capability = capability;
        b.run = run;
        b.needs.addAll(needs);
        b.continues = continues;
        b.env.putAll(env);
        b.secrets.addAll(secrets);
        b.inputs.addAll(inputs);
        b.outputs.addAll(outputs);
        b.cache = cache;
        b.retry = retry;
        b.timeout = timeout;
        b.tags.addAll(tags);
        b.sideEffect = sideEffect;
        b.idempotencyKey = idempotencyKey;
        b.resources = resources;
        b.network = network;
        b.cell = cell;
        b.workdir = workdir;
        b.labels.putAll(labels);
        b.regions.addAll(regions);
        b.inference = inference;
        return b;
    }

    /** Builds a {@link StepSpec}; unset fields keep their defaults. Not thread-safe. */
    public static final class Builder {
        private final String id;
        private Optional<String> description = Optional.empty();
        private String capability = COMMAND;
        private Optional<Run> run = Optional.empty();
        private final List<String> needs = new ArrayList<>();
        private Optional<String> continues = Optional.empty();
        private final SortedMap<String, String> env = new TreeMap<>();
        private final List<SecretRef> secrets = new ArrayList<>();
        private final List<InputSpec> inputs = new ArrayList<>();
        private final List<String> outputs = new ArrayList<>();
        private Boolean cache;
        private Optional<RetryPolicy> retry = Optional.empty();
        private Duration timeout = CommandStep.DEFAULT_TIMEOUT;
        private final List<Tag> tags = new ArrayList<>();
        private SideEffectKind sideEffect = SideEffectKind.PURE;
        private Optional<String> idempotencyKey = Optional.empty();
        private ResourceLimits resources = ResourceLimits.DEFAULTS;
        private NetworkGrant network = NetworkGrant.none();
        private CellProfile cell = CellProfile.SANDBOX;
        private String workdir = CommandStep.ROOT;
        private final SortedMap<String, String> labels = new TreeMap<>();
        private final List<String> regions = new ArrayList<>();
        private Optional<InferenceGrant> inference = Optional.empty();

        private Builder(String id) {
            this.id = id;
        }

        public Builder description(String value) {
            this.description = Optional.of(value);
            return this;
        }

        public Builder capability(String value) {
            this.capability = Objects.requireNonNull(value, "capability");
            return this;
        }

        public Builder run(Run value) {
            this.run = Optional.of(value);
            return this;
        }

        public Builder needs(String... stepIds) {
            needs.addAll(List.of(stepIds));
            return this;
        }

        public Builder needs(Collection<String> stepIds) {
            needs.addAll(stepIds);
            return this;
        }

        public Builder continues(String stepId) {
            this.continues = Optional.of(stepId);
            return this;
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Builder secret(SecretRef secret) {
            secrets.add(secret);
            return this;
        }

        public Builder input(InputSpec input) {
            inputs.add(input);
            return this;
        }

        public Builder output(String glob) {
            outputs.add(glob);
            return this;
        }

        /** Sets caching explicitly; when never set, steps are cached unless they apply side effects. */
        public Builder cache(boolean value) {
            this.cache = value;
            return this;
        }

        public Builder retry(RetryPolicy value) {
            this.retry = Optional.of(value);
            return this;
        }

        public Builder timeout(Duration value) {
            this.timeout = value;
            return this;
        }

        public Builder tag(String value) {
            tags.add(new Tag(value));
            return this;
        }

        public Builder sideEffect(SideEffectKind value) {
            this.sideEffect = value;
            return this;
        }

        public Builder idempotencyKey(String value) {
            this.idempotencyKey = Optional.of(value);
            return this;
        }

        public Builder resources(ResourceLimits value) {
            this.resources = value;
            return this;
        }

        public Builder network(NetworkGrant value) {
            this.network = value;
            return this;
        }

        public Builder cell(CellProfile value) {
            this.cell = value;
            return this;
        }

        public Builder workdir(String value) {
            this.workdir = value;
            return this;
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public Builder region(String value) {
            regions.add(value);
            return this;
        }

        /** Lets the step's cell reach the node's inference broker. */
        public Builder inference(InferenceGrant value) {
            this.inference = Optional.of(Objects.requireNonNull(value, "inference"));
            return this;
        }

        /**
         * Builds the step. Unless set, caching is on except for steps that apply a side effect and
         * steps that use inference (a model's answer is not a function of the step's inputs).
         */
        public StepSpec build() {
            boolean cached =
                    cache != null ? cache : sideEffect != SideEffectKind.APPLY_SIDE_EFFECT && inference.isEmpty();
            return new StepSpec(
                    id,
                    description,
                    capability,
                    run,
                    needs,
                    continues,
                    env,
                    secrets,
                    inputs,
                    outputs,
                    cached,
                    retry,
                    timeout,
                    tags,
                    sideEffect,
                    idempotencyKey,
                    resources,
                    network,
                    cell,
                    workdir,
                    labels,
                    regions,
                    inference);
        }
    }
}
