package dev.cairn.orchestrator.spec;

import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.ids.OpId;
import dev.cairn.machine.meta.StandardTags;
import dev.cairn.machine.meta.Tag;
import dev.cairn.sinks.config.EventSinkConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A pipeline, as written: the operation it is, its params, how it runs, and its steps. Read one
 * with {@link SpecParser}; the format is {@code docs/pipelines.md} and its JSON Schema {@code
 * PipelineSpec} ({@code cairn schema show PipelineSpec}).
 *
 * <p>The constructor checks each component, that step ids are unique, that every {@code needs}
 * names a step and that {@code needs} has no cycle, so every {@link PipelineSpec} is a DAG. The
 * remaining rules (inputs from upstream steps only, caching of side effects, export references,
 * ...) are checked by the reader, and for specs built in code by {@link #problems()}.
 *
 * @param op the operation id (the run manifest's {@code op_id})
 * @param version the operation's version (the manifest's {@code op_version}); default {@value
 *     #DEFAULT_VERSION}
 * @param description what the pipeline does, for people
 * @param params declared params, in declaration order
 * @param settings how the run executes
 * @param env environment variables of every step (a step's own {@code env} wins)
 * @param steps the steps, in document order
 * @param export what is exported after a successful run
 */
public record PipelineSpec(
        OpId op,
        String version,
        Optional<String> description,
        List<ParamSpec> params,
        RunSettings settings,
        SortedMap<String, String> env,
        List<StepSpec> steps,
        ExportSpec export,
        List<EventSinkConfig> sinks) {

    /** The version of a pipeline that declares none. */
    public static final String DEFAULT_VERSION = "1";

    public PipelineSpec {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(version, "version");
        if (!Names.isVersion(version)) {
            throw SpecException.unplaced(
                    "/version", SpecCode.INVALID_VALUE, "version " + Texts.quote(version) + " is not valid");
        }
        Objects.requireNonNull(description, "description");
        params = List.copyOf(Objects.requireNonNull(params, "params"));
        Set<String> names = new HashSet<>();
        for (ParamSpec param : params) {
            if (!names.add(param.name())) {
                throw SpecException.unplaced(
                        "/params/" + param.name(),
                        SpecCode.DUPLICATE_KEY,
                        "param `" + param.name() + "` is declared twice");
            }
        }
        Objects.requireNonNull(settings, "settings");
        env = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(env, "env")));
        steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
        Objects.requireNonNull(export, "export");
        sinks = List.copyOf(Objects.requireNonNull(sinks, "sinks"));
        Set<String> sinkNames = new HashSet<>();
        for (EventSinkConfig sink : sinks) {
            if (!sinkNames.add(sink.name())) {
                throw SpecException.unplaced(
                        "/events/sinks",
                        SpecCode.DUPLICATE_VALUE,
                        "event sink `" + sink.name() + "` is declared twice");
            }
        }
        Problems problems = new Problems();
        if (steps.isEmpty()) {
            problems.at("/steps", SpecCode.NO_STEPS, "the pipeline has no steps");
        }
        graph(steps).check(problems);
        if (!problems.isEmpty()) {
            throw new SpecException("", problems.toErrors(null));
        }
    }

    static StepGraph graph(List<StepSpec> steps) {
        List<StepGraph.Node> nodes = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            StepSpec step = steps.get(i);
            List<StepGraph.Edge> edges = new ArrayList<>();
            for (int j = 0; j < step.needs().size(); j++) {
                edges.add(new StepGraph.Edge(step.needs().get(j), "/steps/" + i + "/needs/" + j));
            }
            nodes.add(new StepGraph.Node(step.id(), "/steps/" + i + "/id", edges));
        }
        return new StepGraph(nodes);
    }

    /** The step with this id. */
    public Optional<StepSpec> step(String id) {
        return steps.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** The declared param with this name. */
    public Optional<ParamSpec> param(String name) {
        return params.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * The run configuration this pipeline's runs use: its settings' mode, retry policy and event
     * profile; the skip tags sorted, plus {@code apply_side_effect} for a dry run; live IO and the
     * kernel's defaults for the rest.
     */
    public RunConfig toRunConfig() {
        TreeSet<Tag> skip = new TreeSet<>(settings.skipTags());
        if (settings.dryRun()) {
            skip.add(new Tag(StandardTags.APPLY_SIDE_EFFECT));
        }
        return RunConfig.builder()
                .executionMode(settings.mode())
                .retryPolicy(settings.retry())
                .eventProfile(settings.events())
                .skipTags(skip)
                .build();
    }

    /** This pipeline with {@code settings.dry_run} set. */
    public PipelineSpec withDryRun(boolean dryRun) {
        return new PipelineSpec(
                op, version, description, params, settings.withDryRun(dryRun), env, steps, export, sinks);
    }

    /**
     * Every rule this spec breaks, as the reader would report them for its JSON form ({@link
     * SpecWriter#toJson(PipelineSpec)}), without positions (line and column 0). Empty for specs the
     * reader produced.
     */
    public List<SpecError> problems() {
        Problems problems = new Problems();
        new SpecChecker(problems, null).check(SpecWriter.toJson(this));
        return problems.toErrors(null);
    }

    /** A builder for a pipeline {@code op}. */
    public static Builder builder(String op) {
        return new Builder(OpId.of(op));
    }

    /** Builds a {@link PipelineSpec}; {@link #build()} applies every rule. Not thread-safe. */
    public static final class Builder {
        private final OpId op;
        private String version = DEFAULT_VERSION;
        private Optional<String> description = Optional.empty();
        private final List<ParamSpec> params = new ArrayList<>();
        private RunSettings settings = RunSettings.DEFAULTS;
        private final SortedMap<String, String> env = new TreeMap<>();
        private final List<StepSpec> steps = new ArrayList<>();
        private ExportSpec export = ExportSpec.NONE;
        private final List<EventSinkConfig> sinks = new ArrayList<>();

        private Builder(OpId op) {
            this.op = op;
        }

        public Builder version(String value) {
            this.version = value;
            return this;
        }

        public Builder description(String value) {
            this.description = Optional.of(value);
            return this;
        }

        public Builder param(ParamSpec value) {
            params.add(value);
            return this;
        }

        public Builder settings(RunSettings value) {
            this.settings = value;
            return this;
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Builder env(Map<String, String> values) {
            env.putAll(values);
            return this;
        }

        public Builder step(StepSpec value) {
            steps.add(value);
            return this;
        }

        /** Adds an event sink that receives the events of each run of this pipeline. */
        public Builder sink(EventSinkConfig value) {
            sinks.add(Objects.requireNonNull(value, "sink"));
            return this;
        }

        public Builder export(ExportSpec value) {
            this.export = value;
            return this;
        }

        /**
         * The pipeline.
         *
         * @throws SpecException listing every rule it breaks (positions 0)
         */
        public PipelineSpec build() {
            PipelineSpec spec = new PipelineSpec(op, version, description, params, settings, env, steps, export, sinks);
            List<SpecError> problems = spec.problems();
            if (!problems.isEmpty()) {
                throw new SpecException("", problems);
            }
            return spec;
        }
    }
}
