package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.contracts.RunMode;
import dev.cairn.contracts.RunRequest;
import dev.cairn.contracts.RunnerConfig;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.SecretMount;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.Canonical;
import dev.cairn.json.JsonException;
import dev.cairn.json.Secrets;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.config.BackoffPolicy;
import dev.cairn.machine.config.BuildProvenance;
import dev.cairn.machine.config.ExecutionMode;
import dev.cairn.machine.config.RetryPolicy;
import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.config.RunManifest;
import dev.cairn.machine.errors.RunException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.OpId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.meta.SideEffectKind;
import dev.cairn.machine.meta.StateMeta;
import dev.cairn.machine.meta.Tag;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.runtime.Plan;
import dev.cairn.machine.runtime.StartRuns;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.orchestrator.OrchestratorException;
import dev.cairn.orchestrator.spec.BoundPipeline;
import dev.cairn.orchestrator.spec.CompiledStep;
import dev.cairn.orchestrator.spec.ExportSpec;
import dev.cairn.orchestrator.spec.InputSpec;
import dev.cairn.orchestrator.spec.PipelineSpec;
import dev.cairn.orchestrator.spec.SecretDelivery;
import dev.cairn.orchestrator.spec.SecretRef;
import dev.cairn.orchestrator.spec.SourceMap;
import dev.cairn.orchestrator.spec.SpecDocument;
import dev.cairn.orchestrator.spec.SpecException;
import dev.cairn.orchestrator.spec.SpecParser;
import dev.cairn.orchestrator.spec.SpecWriter;
import dev.cairn.sinks.config.EventSinkConfig;
import dev.cairn.workspace.cache.CacheDecisions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Turns submissions into runs of the kernel: a {@link RunManifest} (canonical, content-addressed,
 * no secrets) and an {@link ExecutionPlan} with one {@link StepState} per step, or per region of a
 * multi-region step. It also derives the plan again from a manifest ({@link #resolve}, the engine's
 * {@code PlanResolver}), for resume and replay.
 *
 * <p>A pipeline's manifest holds {@code input_params = {"pipeline": <spec artifact id>, "params":
 * {…}}}: the spec, written back in its JSON form ({@link SpecWriter}), canonicalized and stored as
 * an artifact, and every param's value. A seed-003 run's manifest holds the {@link RunRequest}
 * itself (without its run id) as {@code input_params}.
 */
final class Planner {

    /**
     * The run-level retry policy of every run: it lets every retryable failure through, because step
     * states fail retryable only while their own step's policy permits another attempt.
     */
    static final RetryPolicy KERNEL_RETRY = new RetryPolicy(Integer.MAX_VALUE, new BackoffPolicy.Fixed(Duration.ZERO));

    /** The operation id of seed-003 runs. */
    static final String RUNNERS_OP = "runners";

    /** The timeout of a seed-003 runner whose request sets none. */
    static final Duration DEFAULT_RUNNER_TIMEOUT = CommandStep.DEFAULT_TIMEOUT;

    /** A kernel fan-out is capped here. */
    static final int MAX_CONCURRENCY = 1024;

    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String SPEC_SOURCE = "pipeline.json";

    /** How many specs read, and how many plans, {@link #pipeline} keeps. */
    static final int CACHED_SPECS = 32;

    static final int CACHED_PLANS = 64;

    /** Specs with more JSON values, or more canonical bytes, are read and planned each time. */
    static final int MAX_CACHED_NODES = 4096;

    static final int MAX_CACHED_SPEC_BYTES = 64 * 1024;

    /** Plans bound to params with more characters (names and values) are not kept. */
    static final int MAX_CACHED_PARAM_CHARS = 16 * 1024;

    private final SpecParser parser = new SpecParser();
    private final ArtifactStore artifacts;
    private final Recent<SpecKey, Parsed> specs = new Recent<>(CACHED_SPECS);
    private final Recent<PlanKey, Planned> plans = new Recent<>(CACHED_PLANS);

    Planner(ArtifactStore artifacts) {
        this.artifacts = Objects.requireNonNull(artifacts, "artifacts");
    }

    /**
     * A planned run, not yet accepted.
     *
     * @param kind {@code pipeline} or {@code runners}
     * @param manifest its manifest
     * @param manifestId the manifest's content id
     * @param manifestBytes the manifest's canonical JSON (computed once: it is stored and hashed)
     * @param plan its plan
     * @param steps its states, in plan order
     * @param spec the canonical spec to store (pipelines)
     * @param mode the seed-003 run mode
     * @param tags the seed-003 tags
     * @param timeout the seed-003 run timeout
     * @param export the pipeline's export section, bound ({@link ExportSpec#NONE} for seed-003 runs)
     * @param sinks the pipeline's own event sinks ({@code events.sinks}); empty for seed-003 runs
     */
    record Planned(
            String kind,
            RunManifest manifest,
            ArtifactId manifestId,
            byte[] manifestBytes,
            ExecutionPlan plan,
            List<StepPlan> steps,
            Optional<byte[]> spec,
            Optional<RunMode> mode,
            List<String> tags,
            Optional<Duration> timeout,
            ExportSpec export,
            List<EventSinkConfig> sinks) {

        /** A planned run may be kept and given again ({@link #pipeline}): its lists do not change. */
        Planned {
            steps = List.copyOf(steps);
            tags = List.copyOf(tags);
            sinks = List.copyOf(sinks);
        }
    }

    // ------------------------------------------------------------------ pipelines

    /**
     * Plans a pipeline submission: reads and checks the spec and its params, refuses local inputs
     * (the client uploads them first), and builds the manifest and the plan.
     *
     * <p>A pipeline submitted again (the same spec, to the order of its keys and the type of its
     * numbers) is not read and checked again: the last {@value #CACHED_SPECS} specs read are kept,
     * and the last {@value #CACHED_PLANS} plans with the params they were bound to. What is kept is
     * what reading, binding and planning give (a function of the spec's text and the params), so a
     * kept plan is the plan; sharing it also lets the kernel skip validating and indexing a plan it
     * knows. Big specs are not kept ({@value #MAX_CACHED_NODES} JSON values, {@value
     * #MAX_CACHED_SPEC_BYTES} canonical bytes), nor params beyond {@value #MAX_CACHED_PARAM_CHARS}
     * characters.
     *
     * @throws OrchestratorException {@code invalid_spec} with every error, or {@code invalid_request}
     */
    Planned pipeline(PipelineRunRequest request) {
        if (!request.spec().isObject()) {
            throw OrchestratorException.invalidRequest(
                    "spec", "must be a JSON object (a pipeline spec)", "Send the pipeline as a JSON object.");
        }
        Optional<TreeKey> tree = TreeKey.of(request.spec(), MAX_CACHED_NODES);
        boolean dryRun = request.dryRun();
        if (tree.isPresent()) {
            Planned known = plans.get(new PlanKey(tree.get(), dryRun, request.params()));
            if (known != null) {
                return known;
            }
        }
        Supplier<String> text = new PrettyText(request.spec());
        Parsed parsed = tree.map(t -> specs.get(new SpecKey(t, dryRun))).orElse(null);
        boolean readNow = parsed == null;
        if (readNow) {
            parsed = parse(request.spec(), dryRun, text);
        }
        BoundPipeline bound = bind(parsed, request.params(), text);
        PipelineSpec spec = parsed.spec();
        refuseLocalInputs(spec);
        ObjectNode inputParams = JsonNodeFactory.instance.objectNode();
        inputParams.put("pipeline", parsed.specId());
        inputParams.set("params", bound.params().toJson());
        RunManifest manifest = new RunManifest(
                spec.op(), spec.version(), inputParams, kernelConfig(bound.runConfig()), BuildProvenance.empty());
        List<StepPlan> steps = steps(bound);
        byte[] manifestBytes = StartRuns.canonicalBytes(manifest);
        Planned planned = new Planned(
                "pipeline",
                manifest,
                new ArtifactId(ArtifactIds.ofBytes(manifestBytes)),
                manifestBytes,
                plan(spec.op().value(), steps, edges(bound, steps), bound.export()),
                steps,
                Optional.of(parsed.specBytes()),
                Optional.empty(),
                List.of(),
                Optional.empty(),
                bound.export(),
                spec.sinks());
        if (tree.isPresent() && parsed.specBytes().length <= MAX_CACHED_SPEC_BYTES) {
            TreeKey kept = tree.get().detached();
            if (readNow) {
                specs.put(new SpecKey(kept, dryRun), parsed);
            }
            int chars = 0;
            for (Map.Entry<String, String> param : request.params().entrySet()) {
                chars += param.getKey().length() + param.getValue().length();
            }
            if (chars <= MAX_CACHED_PARAM_CHARS) {
                plans.put(new PlanKey(kept, dryRun, new TreeMap<>(request.params())), planned);
            }
        }
        return planned;
    }

    /**
     * A spec read and checked from the request's tree (its text written and read only for errors
     * with positions), with its canonical bytes and their id.
     */
    private Parsed parse(JsonNode tree, boolean dryRun, Supplier<String> text) {
        SpecDocument document;
        try {
            document = parser.read(tree, text, SPEC_SOURCE).orThrow();
        } catch (SpecException e) {
            throw OrchestratorException.invalidSpec(e);
        }
        PipelineSpec spec = dryRun ? document.spec().withDryRun(true) : document.spec();
        byte[] specBytes = Canonical.canonicalize(SpecWriter.toJson(spec));
        return new Parsed(spec, document.sources(), specBytes, ArtifactIds.ofBytes(specBytes));
    }

    /**
     * The spec bound to {@code params}; a binding error is reported with the positions of the
     * spec's text (read only then).
     */
    private BoundPipeline bind(Parsed parsed, Map<String, String> params, Supplier<String> text) {
        try {
            try {
                return new SpecDocument(parsed.spec(), parsed.sources(), SPEC_SOURCE, Optional.empty()).bind(params);
            } catch (SpecException e) {
                SpecDocument positioned = parser.read(text.get(), SPEC_SOURCE).orThrow();
                new SpecDocument(parsed.spec(), positioned.sources(), positioned.sourceName(), Optional.empty())
                        .bind(params);
                throw e; // not reached: the same spec binds the same way
            }
        } catch (SpecException e) {
            throw OrchestratorException.invalidSpec(e);
        }
    }

    /** A spec read: its document's spec (with the request's dry run), positions, canonical bytes and id. */
    private record Parsed(PipelineSpec spec, Optional<SourceMap> sources, byte[] specBytes, String specId) {}

    private record SpecKey(TreeKey tree, boolean dryRun) {}

    private record PlanKey(TreeKey tree, boolean dryRun, Map<String, String> params) {}

    /** The request's spec as JSON text, written once when first asked for (errors only, mostly). */
    private static final class PrettyText implements Supplier<String> {
        private final JsonNode tree;
        private String text;

        PrettyText(JsonNode tree) {
            this.tree = tree;
        }

        @Override
        public String get() {
            if (text == null) {
                try {
                    text = PRETTY.writeValueAsString(tree);
                } catch (JsonProcessingException e) {
                    throw OrchestratorException.invalidRequest(
                            "spec", "cannot be written as JSON", "Send a JSON object.");
                }
            }
            return text;
        }
    }

    private static void refuseLocalInputs(PipelineSpec spec) {
        for (int i = 0; i < spec.steps().size(); i++) {
            List<InputSpec> inputs = spec.steps().get(i).inputs();
            for (int j = 0; j < inputs.size(); j++) {
                if (inputs.get(j) instanceof InputSpec.Local local) {
                    throw OrchestratorException.invalidRequest(
                            "/spec/steps/" + i + "/inputs/" + j + "/path",
                            "the local input `" + local.path() + "` was not uploaded; the orchestrator never reads"
                                    + " the submitter's files",
                            "Upload it (POST /v1/artifacts) and refer to it as {artifact: <id>, to: " + local.to()
                                    + "}; `cairn submit` and `cairn run` do this for you.");
                }
            }
        }
    }

    private static RunConfig kernelConfig(RunConfig config) {
        return new RunConfig(
                config.ioMode(),
                KERNEL_RETRY,
                config.eventProfile(),
                config.executionMode(),
                config.contextCheckpointing(),
                config.replayMissingFactRetryable(),
                config.skipTags(),
                config.nixFlakeAllowlist());
    }

    private static List<StepPlan> steps(BoundPipeline bound) {
        String op = bound.spec().op().value();
        Map<String, List<String>> regionsOf = new HashMap<>();
        bound.steps().forEach(s -> regionsOf.put(s.id(), s.regions()));
        List<StepPlan> out = new ArrayList<>();
        for (CompiledStep step : bound.steps()) {
            List<Optional<String>> regions = new ArrayList<>();
            if (step.regions().isEmpty()) {
                regions.add(Optional.empty());
            } else {
                step.regions().forEach(r -> regions.add(Optional.of(r)));
            }
            for (Optional<String> region : regions) {
                List<StepPlan.Input> inputs = new ArrayList<>();
                for (InputSpec input : step.inputs()) {
                    switch (input) {
                        case InputSpec.Artifact a -> inputs.add(new StepPlan.Input.Artifact(a.artifact(), a.to()));
                        case InputSpec.FromStep f ->
                            inputs.add(new StepPlan.Input.FromStep(
                                    f.step(),
                                    StepState.sources(f.step(), regionsOf.getOrDefault(f.step(), List.of()), region),
                                    f.files(),
                                    f.to()));
                        case InputSpec.Local l ->
                            throw new IllegalStateException("local inputs are refused before planning");
                    }
                }
                StepPlan.Payload payload;
                if (step.command().isPresent()) {
                    CommandStep.Builder command = step.command().get().toBuilder();
                    step.env().forEach(command::env);
                    payload = new StepPlan.Payload.Command(
                            command.build(),
                            inputs,
                            step.continues(),
                            step.continues()
                                    .map(parent -> StepState.sources(
                                            parent, regionsOf.getOrDefault(parent, List.of()), region))
                                    .orElse(List.of()),
                            step.secrets().stream().map(Planner::mount).toList(),
                            CacheDecisions.cacheable(
                                    step.command().get(),
                                    step.meta().tags().stream().map(Tag::value).toList()));
                } else {
                    payload = new StepPlan.Payload.Capability(step.env(), inputs);
                }
                out.add(new StepPlan(
                        stateId(op, step.id(), region),
                        step.id() + region.map(r -> "@" + r).orElse(""),
                        step.id(),
                        region,
                        out.size(),
                        step.capability(),
                        step.routingLabels(region),
                        step.meta(),
                        payload,
                        step.retry(),
                        step.timeout(),
                        "pipeline"));
            }
        }
        return out;
    }

    private static SecretMount mount(SecretRef ref) {
        return new SecretMount(
                ref.name(),
                switch (ref.delivery()) {
                    case SecretDelivery.Env e -> new SecretMount.Target.Env(e.variable());
                    case SecretDelivery.File f -> new SecretMount.Target.File(f.fileName());
                });
    }

    /** {@code <op>.<step>.main}, or {@code <op>.<step>.r_<region>} with {@code -} as {@code _}. */
    static StateId stateId(String op, String step, Optional<String> region) {
        return new StateId(op + "." + step + "."
                + region.map(r -> "r_" + r.replace('-', '_')).orElse("main"));
    }

    private static List<String[]> edges(BoundPipeline bound, List<StepPlan> steps) {
        Map<String, List<StateId>> statesOf = new LinkedHashMap<>();
        for (StepPlan s : steps) {
            statesOf.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(s.stateId());
        }
        List<String[]> edges = new ArrayList<>();
        for (CompiledStep step : bound.steps()) {
            for (String need : step.needs()) {
                for (StateId from : statesOf.getOrDefault(need, List.of())) {
                    for (StateId to : statesOf.get(step.id())) {
                        edges.add(new String[] {from.value(), to.value()});
                    }
                }
            }
        }
        return edges;
    }

    private static ExecutionPlan plan(String op, List<StepPlan> steps, List<String[]> edges) {
        return plan(op, steps, edges, ExportSpec.NONE);
    }

    /**
     * The plan of {@code steps}; with export artifacts, an {@link ExportState} after every step (the
     * run's last state).
     */
    private static ExecutionPlan plan(String op, List<StepPlan> steps, List<String[]> edges, ExportSpec export) {
        Plan.Builder builder = Plan.builder(op);
        for (StepPlan step : steps) {
            builder.state(step.stateId().value(), new StepState(step));
        }
        if (!export.artifacts().isEmpty()) {
            Map<String, List<String>> sources = new LinkedHashMap<>();
            for (StepPlan step : steps) {
                sources.computeIfAbsent(step.name(), k -> new ArrayList<>()).add(step.stepId());
            }
            StateId exportState = ExportState.stateId(op);
            builder.state(exportState.value(), new ExportState(exportState, export, sources));
            for (StepPlan step : steps) {
                builder.edge(step.stateId().value(), exportState.value());
            }
        }
        for (String[] edge : edges) {
            builder.edge(edge[0], edge[1]);
        }
        return builder.build();
    }

    // ------------------------------------------------------------------ seed 003

    /**
     * Plans a seed-003 run: each runner is a state that dispatches a task of the capability named
     * like the runner, routed to runners labelled {@code region=<region>} when it has a region.
     *
     * @throws OrchestratorException {@code invalid_request} (a remote runner without a region, a
     *     runner listed twice for one region), {@code secret_in_input}
     */
    Planned runners(RunRequest request) {
        RunRequest bare = new RunRequest(
                request.runners(),
                request.mode(),
                request.concurrency(),
                request.timeout(),
                request.tags(),
                Optional.empty());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < bare.runners().size(); i++) {
            RunnerConfig runner = bare.runners().get(i);
            if (bare.mode() == RunMode.REMOTE && runner.region().isEmpty()) {
                throw OrchestratorException.invalidRequest(
                        "runners[" + i + "].region",
                        "runner `" + runner.name() + "` has no region, and remote mode runs each runner in a region",
                        "Give every runner a `region`, or use mode `local`.");
            }
            if (runner.region().isPresent() && runner.region().get().isBlank()) {
                throw OrchestratorException.invalidRequest(
                        "runners[" + i + "].region", "is blank", "Name a region, e.g. `eu-west-1`, or leave it out.");
            }
            if (!seen.add(stepId(runner))) {
                throw OrchestratorException.invalidRequest(
                        "runners[" + i + "]",
                        "runner `" + runner.name() + "` is listed twice"
                                + runner.region()
                                        .map(r -> " for region `" + r + "`")
                                        .orElse(""),
                        "List each runner once per region.");
            }
        }
        JsonNode inputParams = Wire.toTree(bare);
        List<String> secrets = Secrets.pointers(inputParams);
        if (!secrets.isEmpty()) {
            throw OrchestratorException.secretInInput(secrets);
        }
        Duration timeout = bare.timeout().map(Duration::ofMillis).orElse(DEFAULT_RUNNER_TIMEOUT);
        if (timeout.compareTo(CommandStep.MAX_TIMEOUT) > 0) {
            timeout = CommandStep.MAX_TIMEOUT;
        }
        List<StepPlan> steps = new ArrayList<>();
        for (int i = 0; i < bare.runners().size(); i++) {
            RunnerConfig runner = bare.runners().get(i);
            TreeMap<String, String> labels = new TreeMap<>();
            runner.region().ifPresent(r -> labels.put(CompiledStep.REGION_LABEL, r));
            steps.add(new StepPlan(
                    new StateId(RUNNERS_OP + ".runner_" + (i + 1) + ".main"),
                    stepId(runner),
                    runner.name(),
                    runner.region(),
                    i,
                    runner.name(),
                    labels,
                    StateMeta.builder(SideEffectKind.READ_ONLY_IO).build(),
                    new StepPlan.Payload.Runner(runner.input().orElseGet(JsonNodeFactory.instance::objectNode)),
                    RetryPolicy.noRetries(),
                    timeout,
                    RUNNERS_OP));
        }
        int n = steps.size();
        int concurrency = Math.min(MAX_CONCURRENCY, bare.concurrency().orElse(n));
        RunConfig config = RunConfig.builder()
                .executionMode(
                        concurrency <= 1 ? new ExecutionMode.Sequential() : new ExecutionMode.FanOutJoin(concurrency))
                .retryPolicy(KERNEL_RETRY)
                .build();
        RunManifest manifest = new RunManifest(new OpId(RUNNERS_OP), "1", inputParams, config, BuildProvenance.empty());
        byte[] manifestBytes = StartRuns.canonicalBytes(manifest);
        return new Planned(
                RUNNERS_OP,
                manifest,
                new ArtifactId(ArtifactIds.ofBytes(manifestBytes)),
                manifestBytes,
                plan(RUNNERS_OP, steps, List.of()),
                steps,
                Optional.empty(),
                Optional.of(bare.mode()),
                bare.tags().orElse(List.of()),
                bare.timeout().map(Duration::ofMillis),
                ExportSpec.NONE,
                List.of());
    }

    private static String stepId(RunnerConfig runner) {
        return runner.name() + runner.region().map(r -> "@" + r).orElse("");
    }

    // ------------------------------------------------------------------ resolve

    /** The engine's {@code PlanResolver}: the plan of a run, from its manifest. */
    ExecutionPlan resolve(RunManifest manifest) {
        return replan(manifest).plan();
    }

    /** The planned run of a manifest (for resume, replay and runs accepted before a restart). */
    Planned replan(RunManifest manifest) {
        JsonNode params = manifest.inputParams();
        if (params.path("pipeline").isTextual()) {
            ArtifactId specId = new ArtifactId(params.get("pipeline").textValue());
            String text = new String(artifacts.get(specId), StandardCharsets.UTF_8);
            Map<String, String> values = new LinkedHashMap<>();
            params.path("params")
                    .properties()
                    .forEach(e -> values.put(e.getKey(), e.getValue().asText()));
            try {
                BoundPipeline bound = parser.parse(text, SPEC_SOURCE).bind(values);
                List<StepPlan> steps = steps(bound);
                byte[] manifestBytes = StartRuns.canonicalBytes(manifest);
                return new Planned(
                        "pipeline",
                        manifest,
                        new ArtifactId(ArtifactIds.ofBytes(manifestBytes)),
                        manifestBytes,
                        plan(bound.spec().op().value(), steps, edges(bound, steps), bound.export()),
                        steps,
                        Optional.empty(),
                        Optional.empty(),
                        List.of(),
                        Optional.empty(),
                        bound.export(),
                        bound.spec().sinks());
            } catch (SpecException e) {
                throw RunException.invalidPlan(
                        "invalid_stored_spec", "the stored pipeline " + specId + " no longer reads: " + e.getMessage());
            }
        }
        if (params.path("runners").isArray()) {
            RunRequest request;
            try {
                request = Wire.fromTree(params, RunRequest.class);
            } catch (JsonException e) {
                throw RunException.invalidPlan(
                        "invalid_stored_request", "the manifest's run request does not read (" + e.code() + ")");
            }
            return runners(request);
        }
        throw RunException.invalidPlan(
                "unknown_plan_source",
                "manifest of `" + manifest.opId() + "` names neither a pipeline nor seed-003 runners");
    }
}
