package dev.cairn.orchestrator.spec;

import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.Run;
import dev.cairn.json.CodedError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A valid spec and where it came from: its source map (for positioned errors when params are
 * bound), its name, and the directory local inputs are relative to.
 *
 * @param spec the pipeline
 * @param sources positions of its parts; empty for a spec built in code (errors are then at 0:0)
 * @param sourceName the document's name as shown in errors (a file path), or empty
 * @param baseDir the directory of the spec file, against which local inputs and export
 *     directories resolve; empty when the spec did not come from a file
 */
public record SpecDocument(PipelineSpec spec, Optional<SourceMap> sources, String sourceName, Optional<Path> baseDir) {

    public SpecDocument {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(sources, "sources");
        sourceName = sourceName == null ? "" : sourceName;
        Objects.requireNonNull(baseDir, "baseDir");
    }

    /**
     * A document for a spec built in code.
     *
     * @throws SpecException if the spec breaks a rule ({@link PipelineSpec#problems()})
     */
    public static SpecDocument of(PipelineSpec spec) {
        List<SpecError> problems = spec.problems();
        if (!problems.isEmpty()) {
            throw new SpecException("", problems);
        }
        return new SpecDocument(spec, Optional.empty(), "", Optional.empty());
    }

    /**
     * Binds the params given as {@code --param NAME=VALUE} pairs: checks each against its declared
     * type, applies defaults, refuses unknown names, missing required params and values that look
     * like secrets, substitutes every reference and checks the substituted values.
     *
     * @throws SpecException with every error, positioned at the param's declaration or the field
     */
    public BoundPipeline bind(Map<String, String> params) {
        return tryBind(params).orThrow();
    }

    /** {@link #bind} without throwing. */
    public SpecResult<BoundPipeline> tryBind(Map<String, String> given) {
        Objects.requireNonNull(given, "params");
        Problems problems = new Problems();
        SortedMap<String, ParamValue> values = new TreeMap<>();
        TreeSet<String> declared = new TreeSet<>();
        spec.params().forEach(p -> declared.add(p.name()));
        for (String name : new TreeSet<>(given.keySet())) {
            if (!declared.contains(name)) {
                problems.at(
                        "/params/" + name.replace("~", "~0").replace("/", "~1"),
                        SpecCode.UNKNOWN_PARAM_VALUE,
                        "--param " + Texts.quote(name) + " is not declared by the pipeline"
                                + Texts.didYouMean(name, declared)
                                + (declared.isEmpty() ? "; it declares no params" : "; it declares " + declared));
            }
        }
        for (ParamSpec param : spec.params()) {
            String pointer = Pointers.child("/params", param.name());
            String text = given.get(param.name());
            if (text == null) {
                if (param.defaultValue().isPresent()) {
                    values.put(param.name(), param.defaultValue().get());
                } else {
                    problems.at(
                            pointer,
                            SpecCode.MISSING_PARAM,
                            "param `" + param.name() + "` (" + param.type().word() + ") is required and has no value",
                            "Pass it as `--param " + param.name() + "=VALUE`, or give it a `default`.");
                }
                continue;
            }
            if (SpecParser.looksSecret(param.name(), text)) {
                problems.at(
                        pointer,
                        SpecCode.SECRET_IN_PARAM,
                        "the value given for param `" + param.name() + "` looks like a credential; it is not shown");
                continue;
            }
            if (text.indexOf('\0') >= 0 || Texts.hasLoneSurrogate(text) || Templates.isTemplate(text)) {
                problems.at(
                        pointer,
                        SpecCode.INVALID_PARAM_VALUE,
                        "the value given for param `" + param.name() + "` contains "
                                + (Templates.isTemplate(text)
                                        ? "`${{`, which params may not hold"
                                        : "a NUL character or an unpaired surrogate"));
                continue;
            }
            Optional<ParamValue> value = ParamValue.parse(param.type(), text);
            if (value.isEmpty()) {
                problems.at(
                        pointer,
                        SpecCode.INVALID_PARAM_VALUE,
                        "--param " + param.name() + "=" + Texts.abbreviate(text) + " is not a "
                                + param.type().word(),
                        param.type() == ParamType.NUMBER
                                ? "Pass a number in JSON syntax: `3`, `-2`, `0.5`, `1e3`."
                                : "Pass `true` or `false`.");
                continue;
            }
            values.put(param.name(), value.get());
        }
        if (!problems.isEmpty()) {
            return invalid(problems);
        }
        ParamValues bound = new ParamValues(values);
        BoundPipeline pipeline;
        try {
            pipeline = compile(bound, problems);
        } catch (RuntimeException e) {
            problems.at(
                    "",
                    SpecCode.INTERNAL_ERROR,
                    "binding failed: " + e.getClass().getSimpleName() + " "
                            + Texts.abbreviate(String.valueOf(e.getMessage())));
            pipeline = null;
        }
        if (!problems.isEmpty() || pipeline == null) {
            if (problems.isEmpty()) {
                problems.at("", SpecCode.INTERNAL_ERROR, "the pipeline could not be bound");
            }
            return invalid(problems);
        }
        return new SpecResult.Valid<>(pipeline);
    }

    private SpecResult<BoundPipeline> invalid(Problems problems) {
        return new SpecResult.Invalid<>(sourceName, problems.toErrors(sources.orElse(null)));
    }

    /** Substitutes and checks every templated field, then builds the compiled steps. */
    private BoundPipeline compile(ParamValues params, Problems problems) {
        SortedMap<String, String> env = new TreeMap<>();
        spec.env().forEach((name, value) -> env.put(name, params.render(value)));
        List<CompiledStep> steps = new ArrayList<>();
        for (int i = 0; i < spec.steps().size(); i++) {
            StepSpec step = spec.steps().get(i);
            String at = "/steps/" + i;
            int before = problems.size();
            step.run().ifPresent(run -> checkRun(run, params, at + "/run", problems));
            List<InputSpec> inputs = new ArrayList<>();
            for (int j = 0; j < step.inputs().size(); j++) {
                InputSpec input = render(step.inputs().get(j), params, at + "/inputs/" + j, problems);
                if (input != null) {
                    inputs.add(input);
                }
            }
            SortedMap<String, String> labels = new TreeMap<>();
            step.labels().forEach((key, value) -> {
                String rendered = params.render(value);
                if (!Names.isLabelValue(rendered)) {
                    problems.at(
                            Pointers.child(at + "/labels", key),
                            SpecCode.INVALID_LABEL,
                            "after substitution, label value " + Texts.quote(rendered)
                                    + " is not 1 to 63 letters, digits, `.`, `_` or `-`");
                }
                labels.put(key, rendered);
            });
            step.idempotencyKey().ifPresent(key -> {
                if (params.render(key).isEmpty()) {
                    problems.at(
                            at + "/idempotency_key",
                            SpecCode.INVALID_VALUE,
                            "after substitution, the idempotency key is empty");
                }
            });
            if (problems.size() != before) {
                continue;
            }
            Optional<CommandStep> command = Optional.empty();
            if (step.isCommand()) {
                try {
                    command = Optional.of(step.toCommandStep(params));
                } catch (RuntimeException e) {
                    String code = e instanceof CodedError coded
                            ? coded.code()
                            : e.getClass().getSimpleName();
                    problems.at(
                            at,
                            SpecCode.INVALID_COMMAND,
                            "after substitution, the step is not runnable (" + code + "): "
                                    + Texts.abbreviate(String.valueOf(e.getMessage())));
                    continue;
                }
            }
            SortedMap<String, String> stepEnv = new TreeMap<>(env);
            step.env().forEach((name, value) -> stepEnv.put(name, params.render(value)));
            steps.add(new CompiledStep(
                    step.id(),
                    step.capability(),
                    command,
                    step.needs(),
                    step.continues(),
                    stepEnv,
                    step.secrets(),
                    inputs,
                    step.outputs(),
                    step.cache(),
                    step.toStateMeta(params),
                    step.retry().orElse(spec.settings().retry()),
                    step.timeout(),
                    labels,
                    step.regions()));
        }
        ExportSpec export = render(spec.export(), params, problems);
        if (!problems.isEmpty()) {
            return null;
        }
        return new BoundPipeline(spec, params, env, steps, export);
    }

    private static void checkRun(Run run, ParamValues params, String at, Problems problems) {
        switch (run) {
            case Run.Script script -> {
                if (params.render(script.source()).isBlank()) {
                    problems.at(at, SpecCode.INVALID_COMMAND, "after substitution, the script is empty");
                }
            }
            case Run.Argv argv -> {
                if (params.render(argv.value().getFirst()).isEmpty()) {
                    problems.at(
                            at + "/0",
                            SpecCode.INVALID_COMMAND,
                            "after substitution, the program (the first element of `run`) is empty");
                }
            }
        }
    }

    private static InputSpec render(InputSpec input, ParamValues params, String at, Problems problems) {
        String to = params.render(input.to());
        boolean ok = path(Names.workspacePathProblem(to), at + "/to", "`to`", to, problems);
        return switch (input) {
            case InputSpec.Local local -> {
                String path = params.render(local.path());
                ok &= path(Names.localPathProblem(path), at + "/path", "input path", path, problems);
                yield ok ? new InputSpec.Local(path, to) : null;
            }
            case InputSpec.FromStep from -> {
                String files = params.render(from.files());
                Optional<String> problem = Names.globProblem(files);
                if (problem.isPresent()) {
                    problems.at(
                            at + "/files",
                            SpecCode.INVALID_GLOB,
                            "after substitution, glob " + Texts.quote(files) + " " + problem.get());
                    ok = false;
                }
                yield ok ? new InputSpec.FromStep(from.step(), files, to) : null;
            }
            case InputSpec.Artifact artifact -> {
                String id = params.render(artifact.artifact());
                if (!SpecChecker.isArtifactId(id)) {
                    problems.at(
                            at + "/artifact",
                            SpecCode.INVALID_ARTIFACT_ID,
                            "after substitution, artifact id " + Texts.quote(id)
                                    + " is not 64 lowercase hex characters");
                    ok = false;
                }
                yield ok ? new InputSpec.Artifact(id, to) : null;
            }
        };
    }

    private static boolean path(Optional<String> problem, String at, String what, String value, Problems problems) {
        if (problem.isEmpty()) {
            return true;
        }
        problems.at(
                at,
                SpecCode.INVALID_PATH,
                "after substitution, " + what + " " + Texts.quote(value) + " " + problem.get());
        return false;
    }

    private static ExportSpec render(ExportSpec export, ParamValues params, Problems problems) {
        SortedMap<String, ExportTarget> targets = new TreeMap<>();
        export.targets().forEach((name, target) -> {
            String at = Pointers.child("/export/targets", name);
            switch (target) {
                case ExportTarget.Directory dir -> {
                    String rendered = params.render(dir.dir());
                    if (rendered.isEmpty()) {
                        problems.at(at + "/dir", SpecCode.INVALID_PATH, "after substitution, the directory is empty");
                    }
                    targets.put(name, new ExportTarget.Directory(rendered));
                }
                case ExportTarget.HttpPut put -> {
                    String url = params.render(put.url());
                    Optional<String> problem = SpecChecker.urlProblem(url);
                    if (problem.isPresent()) {
                        problems.at(
                                at + "/url",
                                SpecCode.INVALID_URL,
                                "after substitution, the export URL " + problem.get());
                    }
                    targets.put(name, new ExportTarget.HttpPut(url, put.bearer()));
                }
            }
        });
        return new ExportSpec(targets, export.artifacts());
    }
}
