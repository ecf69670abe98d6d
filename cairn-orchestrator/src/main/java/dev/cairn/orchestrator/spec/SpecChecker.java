package dev.cairn.orchestrator.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.executor.protocol.CellProfile;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.HostPort;
import dev.cairn.executor.protocol.InferenceGrant;
import dev.cairn.executor.protocol.NetworkGrant;
import dev.cairn.executor.protocol.ResourceLimits;
import dev.cairn.executor.protocol.Run;
import dev.cairn.json.Secrets;
import dev.cairn.machine.config.BackoffPolicy;
import dev.cairn.machine.config.EventProfile;
import dev.cairn.machine.config.ExecutionMode;
import dev.cairn.machine.config.RetryPolicy;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.OpId;
import dev.cairn.machine.meta.SideEffectKind;
import dev.cairn.machine.meta.StandardTags;
import dev.cairn.machine.meta.Tag;
import dev.cairn.sinks.SinkException;
import dev.cairn.sinks.config.EventSinkConfig;
import dev.cairn.sinks.config.EventsConfigs;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks a spec's tree against every rule of the format and builds the {@link PipelineSpec} when
 * there is nothing wrong. Total: any tree, however malformed, yields problems, never an exception.
 * Each problem is recorded at the most specific pointer that explains it; a value of the wrong type
 * is reported once and then left alone. Not thread-safe; one checker per document.
 */
final class SpecChecker {

    static final Set<String> TOP_FIELDS =
            fields("op", "version", "description", "params", "settings", "env", "steps", "export", "events");
    static final Set<String> EVENTS_FIELDS = fields("sinks");
    static final Set<String> PARAM_FIELDS = fields("type", "default", "description", "required");
    static final Set<String> SETTINGS_FIELDS =
            fields("mode", "max_concurrency", "retry", "skip_tags", "dry_run", "events");
    static final Set<String> RETRY_FIELDS = fields("attempts", "backoff", "delay", "max_delay");
    static final Set<String> STEP_FIELDS = fields(
            "id",
            "description",
            "capability",
            "run",
            "shell",
            "needs",
            "continues",
            "env",
            "secrets",
            "inputs",
            "outputs",
            "cache",
            "retry",
            "timeout",
            "tags",
            "side_effect",
            "idempotency_key",
            "resources",
            "network",
            "cell",
            "workdir",
            "labels",
            "regions",
            "inference");
    static final Set<String> SECRET_FIELDS = fields("name", "env", "file");
    static final Set<String> INPUT_FIELDS = fields("path", "step", "artifact", "files", "to");
    static final Set<String> RESOURCES_FIELDS = fields("memory", "pids", "cpu_time", "open_files");
    static final Set<String> NETWORK_FIELDS = fields("allow");
    static final Set<String> INFERENCE_FIELDS = fields("max_tokens");

    /** The most tokens one inference request of a step may be given as its cap. */
    static final long MAX_INFERENCE_TOKENS = 10_000_000;

    static final Set<String> EXPORT_FIELDS = fields("targets", "artifacts");
    static final Set<String> TARGET_FIELDS = fields("dir", "url", "bearer");
    static final Set<String> EXPORT_ARTIFACT_FIELDS = fields("name", "step", "path", "target", "content_type");

    /** Top-level keys with this prefix are ignored: a place for YAML anchors (as in Compose files). */
    static final String EXTENSION_PREFIX = "x-";

    /** Fields that only {@code command} steps have. */
    static final Set<String> COMMAND_ONLY = fields("run", "shell", "cell", "workdir", "inference");

    /** Pointers of the strings that may hold param references. */
    static final List<Pattern> TEMPLATED = List.of(
            Pattern.compile("/env/[^/]+"),
            Pattern.compile("/steps/[0-9]+/run(/[0-9]+)?"),
            Pattern.compile("/steps/[0-9]+/env/[^/]+"),
            Pattern.compile("/steps/[0-9]+/inputs/[0-9]+/(path|to|files|artifact)"),
            Pattern.compile("/steps/[0-9]+/labels/[^/]+"),
            Pattern.compile("/steps/[0-9]+/idempotency_key"),
            Pattern.compile("/export/targets/[^/]+/(dir|url)"));

    private static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(1);
    private static final Duration DEFAULT_RETRY_MAX_DELAY = Duration.ofMinutes(1);
    private static final int MAX_ATTEMPTS = 100;
    private static final Set<String> STANDARD_TAGS = fields(
            StandardTags.CONFIG,
            StandardTags.FETCH_DATA,
            StandardTags.COMPUTE,
            StandardTags.EXECUTE,
            StandardTags.REPORT,
            StandardTags.APPLY_SIDE_EFFECT,
            StandardTags.IMPURE);

    private final Problems problems;
    private final SourceMap map;
    private final Set<String> allIds = new LinkedHashSet<>();

    /** What was read of one step, for the rules between steps. */
    private static final class StepDraft {
        final String pointer;
        final StepSpec.Builder builder;
        final Set<String> invalid = new HashSet<>();
        String id;
        String capability = StepSpec.COMMAND;
        boolean hasOutputs;
        final List<String> outputs = new ArrayList<>();
        boolean cacheOff;
        boolean inference;
        SideEffectKind sideEffect = SideEffectKind.PURE;
        final List<StepGraph.Edge> needs = new ArrayList<>();
        final List<StepGraph.Edge> inputSteps = new ArrayList<>();
        StepGraph.Edge continues;
        final Map<String, String> secretEnv = new LinkedHashMap<>(); // variable -> pointer
        final Set<String> envNames = new HashSet<>();
        final List<String> tags = new ArrayList<>();

        StepDraft(String pointer, String id) {
            this.pointer = pointer;
            this.id = id;
            this.builder = StepSpec.builder(id != null && Names.isId(id) ? id : "invalid");
        }
    }

    SpecChecker(Problems problems, SourceMap map) {
        this.problems = problems;
        this.map = map;
    }

    private static Set<String> fields(String... names) {
        return new LinkedHashSet<>(List.of(names));
    }

    /** Checks {@code root}; the spec when nothing is wrong, else empty (the problems say why). */
    Optional<PipelineSpec> check(JsonNode root) {
        int before = problems.size();
        ObjectNode top = object(root, "", "a pipeline (a mapping with `op` and `steps`)", TOP_FIELDS);
        if (top == null) {
            return Optional.empty();
        }
        scanStrings(root, "");
        scanSecrets(root);

        OpId op = null;
        String opText = string(top, "op", "");
        if (opText == null && !top.has("op")) {
            missing("", "op", "the operation id, e.g. `op: build_and_test`");
        } else if (opText != null) {
            if (Names.isId(opText)) {
                op = OpId.of(opText);
            } else {
                problems.at("/op", SpecCode.INVALID_ID, "op id " + Texts.quote(opText) + " is not " + Names.ID_RULE);
            }
        }
        String version = PipelineSpec.DEFAULT_VERSION;
        String versionText = string(top, "version", "");
        if (versionText != null) {
            if (Names.isVersion(versionText)) {
                version = versionText;
            } else {
                problems.at(
                        "/version",
                        SpecCode.INVALID_VALUE,
                        "version " + Texts.quote(versionText) + " is not 1 to 64 letters, digits, `.`, `_`, `+` or `-`,"
                                + " starting with a letter or digit");
            }
        }
        String description = string(top, "description", "");
        Map<String, ParamSpec> params = params(top.get("params"), "/params");
        RunSettings settings = settings(top.get("settings"), "/settings");
        SortedMap<String, String> env = new TreeMap<>();
        env(top.get("env"), "/env", Set.of()).forEach((name, value) -> {
            if (references(value, Pointers.child("/env", name), params.keySet())) {
                env.put(name, value);
            }
        });
        List<StepDraft> steps = steps(top, params.keySet(), env.keySet());
        ExportSpec export = export(top.get("export"), "/export", steps, params.keySet());
        List<EventSinkConfig> sinks = sinks(top.get("events"), "/events");
        checkSkipTags(top.get("settings"), steps);

        if (problems.size() != before || op == null || settings == null) {
            return Optional.empty();
        }
        try {
            List<StepSpec> built = new ArrayList<>();
            for (StepDraft draft : steps) {
                built.add(draft.builder.build());
            }
            return Optional.of(new PipelineSpec(
                    op,
                    version,
                    Optional.ofNullable(description),
                    List.copyOf(params.values()),
                    settings,
                    env,
                    built,
                    export,
                    sinks));
        } catch (RuntimeException e) {
            problems.at(
                    "",
                    SpecCode.INTERNAL_ERROR,
                    "the spec passed every check but could not be built: "
                            + Texts.abbreviate(String.valueOf(e.getMessage())));
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- shape helpers

    /** {@code node} as a mapping with only {@code fields}; null (after reporting) when it is not a mapping. */
    private ObjectNode object(JsonNode node, String pointer, String what, Set<String> fields) {
        if (!(node instanceof ObjectNode object)) {
            wrongType(pointer, what, node);
            return null;
        }
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            if (pointer.isEmpty() && field.getKey().startsWith(EXTENSION_PREFIX)) {
                continue; // an extension field: a place for YAML anchors, ignored
            }
            if (!fields.contains(field.getKey())) {
                problems.atKey(
                        Pointers.child(pointer, field.getKey()),
                        SpecCode.UNKNOWN_FIELD,
                        "unknown field " + Texts.quote(field.getKey()) + Texts.didYouMean(field.getKey(), fields),
                        "Known fields here: " + String.join(", ", fields) + ".");
            }
        }
        return object;
    }

    private void wrongType(String pointer, String expected, JsonNode node) {
        String hint = null;
        Optional<String> text = map == null ? Optional.empty() : map.scalarText(pointer);
        if (node != null && node.isNull() && text.map(String::isEmpty).orElse(true)) {
            hint = "The value is empty; write " + expected + ".";
        } else if (expected.startsWith("a string") && text.isPresent()) {
            hint = "YAML reads `" + text.get() + "` as a "
                    + (node.isBoolean() ? "boolean" : node.isNull() ? "null" : "number")
                    + "; quote it to make it a string: \"" + text.get() + "\".";
        }
        problems.at(pointer, SpecCode.WRONG_TYPE, "expected " + expected + ", got " + describe(node, text), hint);
    }

    private static String describe(JsonNode node, Optional<String> text) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isTextual()) {
            return "the string " + Texts.quote(node.textValue());
        }
        if (node.isNumber()) {
            return "the number " + text.orElse(node.asText());
        }
        if (node.isBoolean()) {
            return "the boolean " + text.orElse(node.asText());
        }
        if (node.isNull()) {
            return "null (an empty value)";
        }
        if (node.isArray()) {
            return "a list";
        }
        return "a mapping";
    }

    private void missing(String objectPointer, String field, String what) {
        problems.at(
                Pointers.child(objectPointer, field),
                SpecCode.MISSING_FIELD,
                "missing required field `" + field + "`",
                "Add `" + field + "`: " + what + ".");
    }

    /**
     * The string at {@code field}; null when absent or (after reporting) not a string. A string
     * holding a param reference where none is allowed is null too: {@link #scanStrings} reported it.
     */
    private String string(ObjectNode object, String field, String pointer) {
        return string(object.get(field), Pointers.child(pointer, field));
    }

    private String string(JsonNode node, String pointer) {
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            wrongType(pointer, "a string", node);
            return null;
        }
        String text = node.textValue();
        if (text.indexOf('\0') >= 0
                || Texts.hasLoneSurrogate(text)
                || (Templates.isTemplate(text) && !isTemplated(pointer))) {
            return null;
        }
        return text;
    }

    static boolean isTemplated(String pointer) {
        return TEMPLATED.stream().anyMatch(p -> p.matcher(pointer).matches());
    }

    private Boolean bool(ObjectNode object, String field, String pointer) {
        JsonNode node = object.get(field);
        if (node == null) {
            return null;
        }
        if (!node.isBoolean()) {
            wrongType(Pointers.child(pointer, field), "a boolean (true or false)", node);
            return null;
        }
        return node.booleanValue();
    }

    /** An integer in [min, max] at {@code field}; null when absent or (after reporting) not one. */
    private Long integer(ObjectNode object, String field, String pointer, long min, long max) {
        JsonNode node = object.get(field);
        String at = Pointers.child(pointer, field);
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber() && !(node.isNumber() && isIntegral(node))) {
            wrongType(at, "a whole number", node);
            return null;
        }
        BigInteger value = node.bigIntegerValue();
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            problems.at(
                    at,
                    SpecCode.OUT_OF_RANGE,
                    "`" + field + "` is " + value + "; it must be between " + min + " and " + max);
            return null;
        }
        return value.longValue();
    }

    private static boolean isIntegral(JsonNode node) {
        try {
            node.decimalValue().toBigIntegerExact();
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }

    /** A list at {@code pointer} (null when absent); a single string is accepted when {@code single}. */
    private List<Map.Entry<String, JsonNode>> list(JsonNode node, String pointer, String what, boolean single) {
        if (node == null) {
            return List.of();
        }
        if (single && node.isTextual()) {
            return List.of(Map.entry(pointer, node));
        }
        if (!node.isArray()) {
            wrongType(pointer, what, node);
            return List.of();
        }
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            out.add(Map.entry(Pointers.child(pointer, i), node.get(i)));
        }
        return out;
    }

    /** The strings of a list, reporting non-strings and repeats; each with its pointer. */
    private List<Map.Entry<String, String>> stringList(JsonNode node, String pointer, String what, boolean single) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, JsonNode> entry : list(node, pointer, what, single)) {
            String value = string(entry.getValue(), entry.getKey());
            if (value == null) {
                continue;
            }
            if (!seen.add(value)) {
                problems.at(entry.getKey(), SpecCode.DUPLICATE_VALUE, Texts.quote(value) + " is listed twice");
                continue;
            }
            out.add(Map.entry(entry.getKey(), value));
        }
        return out;
    }

    /** One of {@code words} at {@code field}; null when absent or (after reporting) not one of them. */
    private String word(ObjectNode object, String field, String pointer, Set<String> words) {
        String value = string(object, field, pointer);
        if (value == null) {
            return null;
        }
        if (!words.contains(value)) {
            problems.at(
                    Pointers.child(pointer, field),
                    SpecCode.INVALID_VALUE,
                    "`" + field + "` is " + Texts.quote(value) + "; expected one of " + String.join(", ", words)
                            + Texts.didYouMean(value, words));
            return null;
        }
        return value;
    }

    private Duration duration(ObjectNode object, String field, String pointer) {
        String text = string(object, field, pointer);
        if (text == null) {
            return null;
        }
        Optional<Duration> value = Durations.parse(text);
        if (value.isEmpty()) {
            problems.at(
                    Pointers.child(pointer, field),
                    SpecCode.INVALID_DURATION,
                    "`" + field + "` " + Texts.quote(text) + " " + Durations.problem(text));
            return null;
        }
        return value.get();
    }

    // ---------------------------------------------------------------- whole-tree scans

    /** NULs anywhere, and param references outside the fields that take them. */
    private void scanStrings(JsonNode root, String rootPointer) {
        Deque<Map.Entry<String, JsonNode>> todo = new ArrayDeque<>();
        todo.push(Map.entry(rootPointer, root));
        while (!todo.isEmpty()) {
            Map.Entry<String, JsonNode> entry = todo.pop();
            String pointer = entry.getKey();
            JsonNode node = entry.getValue();
            if (node.isTextual()) {
                String text = node.textValue();
                if (text.indexOf('\0') >= 0) {
                    problems.at(pointer, SpecCode.INVALID_CHARACTER, "the value contains a NUL character");
                } else if (Texts.hasLoneSurrogate(text)) {
                    problems.at(
                            pointer,
                            SpecCode.INVALID_CHARACTER,
                            "the value contains an unpaired UTF-16 surrogate, which is not Unicode text");
                } else if (Templates.isTemplate(text)) {
                    if (!isTemplated(pointer)) {
                        problems.at(
                                pointer,
                                SpecCode.TEMPLATE_NOT_ALLOWED,
                                "`" + Pointers.lastToken(pointer) + "` does not take param references (`${{ ... }}`)",
                                "Substitutions are allowed only in run, env values, inputs, labels,"
                                        + " idempotency_key and export targets; write `$${{` for a literal `${{`.");
                    }
                }
            } else if (node.isObject()) {
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    String key = field.getKey();
                    String child = Pointers.child(pointer, key);
                    if (pointer.isEmpty() && key.startsWith(EXTENSION_PREFIX)) {
                        continue;
                    }
                    if (key.indexOf('\0') >= 0 || Texts.hasLoneSurrogate(key)) {
                        problems.atKey(
                                child,
                                SpecCode.INVALID_CHARACTER,
                                "the key contains a NUL character or an unpaired surrogate",
                                null);
                    } else if (Templates.isTemplate(key)) {
                        problems.atKey(
                                child,
                                SpecCode.TEMPLATE_NOT_ALLOWED,
                                "keys do not take param references (`${{ ... }}`)",
                                null);
                    }
                    todo.push(Map.entry(child, field.getValue()));
                }
            } else if (node.isArray()) {
                for (int i = node.size() - 1; i >= 0; i--) {
                    todo.push(Map.entry(Pointers.child(pointer, i), node.get(i)));
                }
            }
        }
    }

    /** Fields of a pipeline's event sinks that hold the name of a secret, never its value. */
    private static final Pattern SINK_SECRET_NAME =
            Pattern.compile("/events/sinks/[0-9]+/(webhook/(secret|bearer)|nats/token)");

    private void scanSecrets(JsonNode root) {
        for (Secrets.Finding finding : Secrets.findings(root)) {
            if (finding.kind() == dev.cairn.json.SecretKind.SECRET_NAMED_KEY
                    && SINK_SECRET_NAME.matcher(finding.pointer()).matches()
                    && root.at(finding.pointer()).isTextual()
                    && Names.isSecretName(root.at(finding.pointer()).textValue())) {
                continue; // a secret's name, as the sink format has it
            }
            problems.at(
                    finding.pointer(),
                    SpecCode.INLINE_SECRET,
                    "this value looks like a credential ("
                            + finding.kind().name().toLowerCase(Locale.ROOT) + "); it is not shown");
        }
    }

    /** Checks the references of a templated string; true when they are all well formed and declared. */
    private boolean references(String text, String pointer, Set<String> params) {
        if (!Templates.isTemplate(text)) {
            return true;
        }
        Templates.Parsed parsed = Templates.parse(text);
        if (parsed.malformed().isPresent()) {
            Templates.Malformed m = parsed.malformed().get();
            problems.at(pointer, SpecCode.INVALID_PARAM_REF, m.problem() + " (at character " + (m.offset() + 1) + ")");
            return false;
        }
        boolean ok = true;
        for (Templates.Part.Ref ref : parsed.refs()) {
            if (!params.contains(ref.param())) {
                problems.at(
                        pointer,
                        SpecCode.UNKNOWN_PARAM,
                        "`${{ params." + Texts.abbreviate(ref.param()) + " }}` names no declared param"
                                + Texts.didYouMean(ref.param(), params)
                                + (params.isEmpty() ? "; the pipeline declares none" : ""));
                ok = false;
            }
        }
        return ok;
    }

    // ---------------------------------------------------------------- params, settings, env

    private Map<String, ParamSpec> params(JsonNode node, String pointer) {
        Map<String, ParamSpec> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        if (!(node instanceof ObjectNode object)) {
            wrongType(pointer, "a mapping of param names to declarations", node);
            return out;
        }
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            String name = field.getKey();
            String at = Pointers.child(pointer, name);
            boolean nameOk = Names.isId(name);
            if (!nameOk) {
                problems.atKey(
                        at, SpecCode.INVALID_ID, "param name " + Texts.quote(name) + " is not " + Names.ID_RULE, null);
            } else if (SpecParser.looksSecret(name, "x")) {
                problems.atKey(
                        at,
                        SpecCode.SECRET_IN_PARAM,
                        "param " + Texts.quote(name) + " is named like a secret; secrets are never params",
                        null);
                nameOk = false;
            }
            ObjectNode decl = object(
                    field.getValue(), at, "a param declaration (a mapping with `type`, `default`, ...)", PARAM_FIELDS);
            if (decl == null) {
                continue;
            }
            String typeWord = word(decl, "type", at, fields("string", "number", "boolean"));
            boolean typeBad = decl.has("type") && typeWord == null;
            JsonNode defaultNode = decl.get("default");
            ParamType type = typeWord != null ? ParamType.valueOf(typeWord.toUpperCase(Locale.ROOT)) : null;
            ParamValue defaultValue = null;
            if (defaultNode != null) {
                ParamValue value = paramValue(defaultNode);
                if (value == null) {
                    wrongType(Pointers.child(at, "default"), "a string, a number or a boolean", defaultNode);
                } else if (type != null && value.type() != type) {
                    String hint = null;
                    Optional<String> text =
                            map == null ? Optional.empty() : map.scalarText(Pointers.child(at, "default"));
                    if (type == ParamType.STRING && text.isPresent()) {
                        hint = "Quote it to make it a string: \"" + text.get() + "\".";
                    }
                    problems.at(
                            Pointers.child(at, "default"),
                            SpecCode.INVALID_VALUE,
                            "the default of " + type.word() + " param `" + name + "` is a "
                                    + value.type().word(),
                            hint);
                } else {
                    defaultValue = value;
                    if (type == null && !typeBad) {
                        type = value.type();
                    }
                }
            } else if (type == null && !typeBad) {
                type = ParamType.STRING;
            }
            Boolean required = bool(decl, "required", at);
            if (required != null && required && defaultNode != null) {
                problems.at(
                        Pointers.child(at, "required"),
                        SpecCode.CONFLICTING_FIELDS,
                        "param `" + name + "` is required but has a default",
                        "Remove `default` (the param must then be given) or `required: true`.");
            } else if (required != null && !required && defaultNode == null) {
                problems.at(
                        Pointers.child(at, "required"),
                        SpecCode.CONFLICTING_FIELDS,
                        "param `" + name + "` is optional but has no default",
                        "Give it a `default`; a param without one is required.");
            }
            String description = string(decl, "description", at);
            if (nameOk && type != null && (defaultNode == null || defaultValue != null)) {
                out.put(
                        name,
                        new ParamSpec(name, type, Optional.ofNullable(defaultValue), Optional.ofNullable(description)));
            }
        }
        return out;
    }

    private static ParamValue paramValue(JsonNode node) {
        if (node.isTextual()) {
            return new ParamValue.StringValue(node.textValue());
        }
        if (node.isBoolean()) {
            return new ParamValue.BooleanValue(node.booleanValue());
        }
        if (node.isNumber()) {
            return new ParamValue.NumberValue(node.decimalValue());
        }
        return null;
    }

    private RunSettings settings(JsonNode node, String pointer) {
        if (node == null) {
            return RunSettings.DEFAULTS;
        }
        ObjectNode object = object(node, pointer, "a mapping of run settings", SETTINGS_FIELDS);
        if (object == null) {
            return null;
        }
        boolean ok = true;
        String mode = word(object, "mode", pointer, fields("parallel", "sequential"));
        ok &= mode != null || !object.has("mode");
        Long concurrency = integer(object, "max_concurrency", pointer, 1, RunSettings.MAX_CONCURRENCY);
        ok &= concurrency != null || !object.has("max_concurrency");
        if ("sequential".equals(mode) && object.has("max_concurrency")) {
            problems.at(
                    Pointers.child(pointer, "max_concurrency"),
                    SpecCode.CONFLICTING_FIELDS,
                    "`max_concurrency` applies to `mode: parallel` only",
                    "Remove it, or set `mode: parallel`.");
            ok = false;
        }
        ExecutionMode executionMode = "sequential".equals(mode)
                ? new ExecutionMode.Sequential()
                : new ExecutionMode.FanOutJoin(
                        concurrency == null ? RunSettings.DEFAULT_MAX_CONCURRENCY : concurrency.intValue());
        RetryPolicy retry = RetryPolicy.noRetries();
        if (object.has("retry")) {
            retry = retry(object.get("retry"), Pointers.child(pointer, "retry"));
            ok &= retry != null;
        }
        List<Tag> skip = new ArrayList<>();
        for (Map.Entry<String, String> tag :
                stringList(object.get("skip_tags"), Pointers.child(pointer, "skip_tags"), "a list of tags", false)) {
            if (Names.isId(tag.getValue())) {
                skip.add(new Tag(tag.getValue()));
            } else {
                problems.at(
                        tag.getKey(),
                        SpecCode.INVALID_ID,
                        "tag " + Texts.quote(tag.getValue()) + " is not " + Names.ID_RULE);
                ok = false;
            }
        }
        Boolean dryRun = bool(object, "dry_run", pointer);
        EventProfile events = new EventProfile.Normal();
        String eventsText = string(object, "events", pointer);
        if (eventsText != null) {
            if (!Names.isEvents(eventsText)) {
                problems.at(
                        Pointers.child(pointer, "events"),
                        SpecCode.INVALID_VALUE,
                        "`events` is " + Texts.quote(eventsText) + "; expected minimal, normal, verbose or custom:NAME"
                                + Texts.didYouMean(eventsText, fields("minimal", "normal", "verbose")));
                ok = false;
            } else {
                events = switch (eventsText) {
                    case "minimal" -> new EventProfile.Minimal();
                    case "normal" -> new EventProfile.Normal();
                    case "verbose" -> new EventProfile.Verbose();
                    default -> new EventProfile.Custom(eventsText.substring("custom:".length()));
                };
            }
        }
        if (!ok) {
            return null;
        }
        return new RunSettings(executionMode, retry, skip, dryRun != null && dryRun, events);
    }

    private RetryPolicy retry(JsonNode node, String pointer) {
        ObjectNode object = object(node, pointer, "a retry policy (a mapping with `attempts`)", RETRY_FIELDS);
        if (object == null) {
            return null;
        }
        if (!object.has("attempts")) {
            missing(pointer, "attempts", "the total number of attempts, the first included (e.g. `attempts: 3`)");
        }
        Long attempts = integer(object, "attempts", pointer, 1, MAX_ATTEMPTS);
        String backoff = word(object, "backoff", pointer, fields("exponential", "fixed"));
        boolean backoffBad = object.has("backoff") && backoff == null;
        Duration delay = duration(object, "delay", pointer);
        Duration maxDelay = duration(object, "max_delay", pointer);
        boolean fixed = "fixed".equals(backoff);
        if (fixed && object.has("max_delay")) {
            problems.at(
                    Pointers.child(pointer, "max_delay"),
                    SpecCode.CONFLICTING_FIELDS,
                    "`max_delay` applies to `backoff: exponential` only",
                    "Remove it, or use `backoff: exponential`.");
            return null;
        }
        if (attempts == null
                || backoffBad
                || (object.has("delay") && delay == null)
                || (object.has("max_delay") && maxDelay == null)) {
            return null;
        }
        Duration base = delay == null ? (fixed ? Duration.ZERO : DEFAULT_RETRY_DELAY) : delay;
        if (fixed) {
            return new RetryPolicy(attempts.intValue(), new BackoffPolicy.Fixed(base));
        }
        Duration cap = maxDelay == null
                ? (base.compareTo(DEFAULT_RETRY_MAX_DELAY) > 0 ? base : DEFAULT_RETRY_MAX_DELAY)
                : maxDelay;
        if (cap.compareTo(base) < 0) {
            problems.at(
                    Pointers.child(pointer, "max_delay"),
                    SpecCode.OUT_OF_RANGE,
                    "`max_delay` " + Durations.format(cap) + " is shorter than `delay` " + Durations.format(base));
            return null;
        }
        return new RetryPolicy(attempts.intValue(), new BackoffPolicy.Exponential(base, cap));
    }

    /**
     * An environment mapping: names checked, values strings (numbers and booleans are taken as
     * written). {@code reserved} are names that may not be used (none at the top level).
     */
    private SortedMap<String, String> env(JsonNode node, String pointer, Set<String> reserved) {
        SortedMap<String, String> out = new TreeMap<>();
        if (node == null) {
            return out;
        }
        if (!(node instanceof ObjectNode object)) {
            wrongType(pointer, "a mapping of variable names to values", node);
            return out;
        }
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            String name = field.getKey();
            String at = Pointers.child(pointer, name);
            if (!Names.isEnvName(name)) {
                problems.atKey(
                        at,
                        SpecCode.INVALID_ENV,
                        "environment variable name " + Texts.quote(name)
                                + " is not letters, digits and `_`, starting with a" + " letter or `_`",
                        null);
                continue;
            }
            if (Names.isReservedEnv(name)) {
                problems.atKey(
                        at,
                        SpecCode.INVALID_ENV,
                        "environment variable " + Texts.quote(name)
                                + " uses the prefix `CAIRN_`, reserved for variables" + " Cairn sets",
                        null);
                continue;
            }
            String value = scalarText(field.getValue(), at, "a string (or a number or boolean, taken as written)");
            if (value != null) {
                out.put(name, value);
            }
        }
        return out;
    }

    /** A scalar's text: strings as they are, numbers and booleans as written. */
    private String scalarText(JsonNode node, String pointer, String expected) {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber() || node.isBoolean()) {
            Optional<String> text = map == null ? Optional.empty() : map.scalarText(pointer);
            return text.orElse(
                    node.isNumber() && node.isFloatingPointNumber()
                            ? node.decimalValue().toString()
                            : node.asText());
        }
        wrongType(pointer, expected, node);
        return null;
    }

    // ---------------------------------------------------------------- steps

    private List<StepDraft> steps(ObjectNode top, Set<String> params, Set<String> pipelineEnv) {
        JsonNode node = top.get("steps");
        List<StepDraft> drafts = new ArrayList<>();
        if (node == null) {
            missing("", "steps", "the list of steps");
            return drafts;
        }
        if (!node.isArray()) {
            wrongType("/steps", "a list of steps", node);
            return drafts;
        }
        if (node.isEmpty()) {
            problems.at("/steps", SpecCode.NO_STEPS, "the pipeline has no steps");
            return drafts;
        }
        for (int i = 0; i < node.size(); i++) {
            StepDraft draft = step(node.get(i), i, params);
            if (draft != null) {
                drafts.add(draft);
            }
        }
        List<StepGraph.Node> nodes = new ArrayList<>();
        for (StepDraft draft : drafts) {
            nodes.add(new StepGraph.Node(draft.id, draft.pointer + "/id", draft.needs));
        }
        StepGraph graph = new StepGraph(nodes);
        graph.check(problems);
        Map<String, StepDraft> byId = new HashMap<>();
        for (StepDraft draft : drafts) {
            if (draft.id != null) {
                byId.putIfAbsent(draft.id, draft);
            }
        }
        for (StepDraft draft : drafts) {
            Set<String> upstream = draft.id == null ? Set.of() : graph.upstream(draft.id);
            for (StepGraph.Edge edge : draft.inputSteps) {
                StepDraft source = byId.get(edge.target());
                if (!upstream(draft, edge, source, upstream, "an input")) {
                    continue;
                }
                if (!source.hasOutputs && !source.invalid.contains("outputs")) {
                    problems.at(
                            edge.pointer(),
                            SpecCode.NO_OUTPUTS,
                            "step `" + edge.target() + "` declares no `outputs`, so this input would be empty");
                }
            }
            if (draft.continues != null) {
                StepDraft source = byId.get(draft.continues.target());
                if (upstream(draft, draft.continues, source, upstream, "`continues`")) {
                    if (!source.capability.equals(StepSpec.COMMAND)) {
                        problems.at(
                                draft.continues.pointer(),
                                SpecCode.CONFLICTING_FIELDS,
                                "step `" + source.id + "` is not a command step, so it has no workspace to continue");
                    } else if (source.cacheOff) {
                        problems.at(
                                draft.continues.pointer(),
                                SpecCode.CONFLICTING_FIELDS,
                                "step `" + source.id
                                        + "` commits no workspace snapshot (its cache is off or it applies a"
                                        + " side effect), so no step can continue it",
                                "Continue a cached step, or pass files through `outputs` and `inputs` instead.");
                    }
                }
            }
            for (Map.Entry<String, String> secret : draft.secretEnv.entrySet()) {
                if (draft.envNames.contains(secret.getKey()) || pipelineEnv.contains(secret.getKey())) {
                    problems.at(
                            secret.getValue(),
                            SpecCode.CONFLICTING_FIELDS,
                            "secret variable `" + secret.getKey() + "` is also set in "
                                    + (draft.envNames.contains(secret.getKey()) ? "the step's" : "the pipeline's")
                                    + " `env`",
                            "Deliver the secret under another name (`env: OTHER_NAME`) or remove the env entry.");
                }
            }
        }
        return drafts;
    }

    /** Whether {@code edge} (an input or continues) names an upstream step; reports it when not. */
    private boolean upstream(
            StepDraft draft, StepGraph.Edge edge, StepDraft source, Set<String> upstream, String what) {
        if (source == null) {
            problems.at(
                    edge.pointer(),
                    SpecCode.UNKNOWN_STEP,
                    what + " names step `" + Texts.abbreviate(edge.target()) + "`, which does not exist"
                            + Texts.didYouMean(edge.target(), allIds));
            return false;
        }
        if (source == draft) {
            problems.at(edge.pointer(), SpecCode.NOT_UPSTREAM, what + " names the step itself");
            return false;
        }
        if (!upstream.contains(edge.target())) {
            problems.at(
                    edge.pointer(),
                    SpecCode.NOT_UPSTREAM,
                    what + " names step `" + edge.target() + "`, which is not upstream of `" + draft.id + "`",
                    "Add `" + edge.target() + "` to this step's `needs` (directly or through a step it needs).");
            return false;
        }
        return true;
    }

    private StepDraft step(JsonNode node, int index, Set<String> params) {
        String pointer = "/steps/" + index;
        ObjectNode object = object(node, pointer, "a step (a mapping with `id` and `run`)", STEP_FIELDS);
        if (object == null) {
            return null;
        }
        String id = string(object, "id", pointer);
        if (id == null && !object.has("id")) {
            missing(pointer, "id", "the step's id, e.g. `id: compile`");
        } else if (id != null && !Names.isId(id)) {
            problems.at(
                    pointer + "/id", SpecCode.INVALID_ID, "step id " + Texts.quote(id) + " is not " + Names.ID_RULE);
        }
        if (id != null) {
            allIds.add(id);
        }
        StepDraft d = new StepDraft(pointer, id);
        StepSpec.Builder b = d.builder;

        String description = string(object, "description", pointer);
        if (description != null) {
            b.description(description);
        }
        String capability = string(object, "capability", pointer);
        if (capability != null) {
            if (Names.isCapability(capability)) {
                d.capability = capability;
                b.capability(capability);
            } else {
                problems.at(
                        pointer + "/capability",
                        SpecCode.INVALID_CAPABILITY,
                        "capability " + Texts.quote(capability) + " is not valid");
                d.invalid.add("capability");
            }
        } else if (object.has("capability")) {
            d.invalid.add("capability");
        }
        boolean command = d.capability.equals(StepSpec.COMMAND) && !d.invalid.contains("capability");
        if (!command && !d.invalid.contains("capability")) {
            for (String field : COMMAND_ONLY) {
                if (object.has(field)) {
                    problems.atKey(
                            Pointers.child(pointer, field),
                            SpecCode.CONFLICTING_FIELDS,
                            "`" + field + "` applies to `command` steps only; this step's capability is `"
                                    + d.capability + "`",
                            "Remove it, or use `capability: command`.");
                }
            }
        }
        run(object, pointer, d, command, params);
        needs(object, pointer, d);
        String continues = string(object, "continues", pointer);
        if (continues != null) {
            d.continues = new StepGraph.Edge(continues, pointer + "/continues");
            b.continues(continues);
        }
        SortedMap<String, String> env = env(object.get("env"), pointer + "/env", Set.of());
        d.envNames.addAll(env.keySet());
        env.forEach((name, value) -> {
            if (references(value, Pointers.child(pointer + "/env", name), params)) {
                b.env(name, value);
            }
        });
        secrets(object.get("secrets"), pointer + "/secrets", d);
        inputs(object.get("inputs"), pointer + "/inputs", d, params);
        for (Map.Entry<String, String> glob :
                stringList(object.get("outputs"), pointer + "/outputs", "a list of globs", false)) {
            Optional<String> problem = Names.globProblem(glob.getValue());
            if (problem.isPresent()) {
                problems.at(
                        glob.getKey(),
                        SpecCode.INVALID_GLOB,
                        "output glob " + Texts.quote(glob.getValue()) + " " + problem.get());
                d.invalid.add("outputs");
            } else {
                b.output(glob.getValue());
                d.outputs.add(glob.getValue());
                d.hasOutputs = true;
            }
        }
        if (object.has("outputs") && !object.get("outputs").isArray()) {
            d.invalid.add("outputs");
        }
        sideEffects(object, pointer, d, params);
        if (object.has("retry")) {
            RetryPolicy retry = retry(object.get("retry"), pointer + "/retry");
            if (retry != null) {
                b.retry(retry);
            }
        }
        Duration timeout = duration(object, "timeout", pointer);
        if (timeout != null) {
            if (timeout.isZero() || timeout.compareTo(CommandStep.MAX_TIMEOUT) > 0) {
                problems.at(
                        pointer + "/timeout",
                        SpecCode.OUT_OF_RANGE,
                        "timeout " + Durations.format(timeout)
                                + " is out of range; it must be more than 0s and at most 7d");
            } else {
                b.timeout(timeout);
            }
        }
        for (Map.Entry<String, String> tag :
                stringList(object.get("tags"), pointer + "/tags", "a list of tags", false)) {
            if (!Names.isId(tag.getValue())) {
                problems.at(
                        tag.getKey(),
                        SpecCode.INVALID_ID,
                        "tag " + Texts.quote(tag.getValue()) + " is not " + Names.ID_RULE);
            } else if (tag.getValue().equals(StandardTags.APPLY_SIDE_EFFECT)
                    && d.sideEffect != SideEffectKind.APPLY_SIDE_EFFECT) {
                problems.at(
                        tag.getKey(),
                        SpecCode.CONFLICTING_FIELDS,
                        "the tag `apply_side_effect` is set by `side_effect: apply_side_effect`, which this step does not"
                                + " declare",
                        "Declare `side_effect: apply_side_effect` (the tag follows), or remove the tag.");
            } else if (!tag.getValue().equals(StandardTags.APPLY_SIDE_EFFECT)) {
                b.tag(tag.getValue());
                d.tags.add(tag.getValue());
            }
        }
        resources(object.get("resources"), pointer + "/resources", b);
        network(object.get("network"), pointer + "/network", b);
        if (command) {
            inference(object, pointer, d);
        }
        String cell = word(object, "cell", pointer, fields("sandbox", "process"));
        if (cell != null && command) {
            b.cell(CellProfile.valueOf(cell.toUpperCase(Locale.ROOT)));
        }
        String workdir = string(object, "workdir", pointer);
        if (workdir != null && command) {
            Optional<String> problem = Names.workspacePathProblem(workdir);
            if (problem.isPresent()) {
                problems.at(
                        pointer + "/workdir",
                        SpecCode.INVALID_PATH,
                        "workdir " + Texts.quote(workdir) + " " + problem.get());
            } else {
                b.workdir(workdir);
            }
        }
        labels(object.get("labels"), pointer + "/labels", b, params);
        for (Map.Entry<String, String> region :
                stringList(object.get("regions"), pointer + "/regions", "a list of regions", false)) {
            if (Names.isRegion(region.getValue())) {
                b.region(region.getValue());
            } else {
                problems.at(
                        region.getKey(),
                        SpecCode.INVALID_REGION,
                        "region " + Texts.quote(region.getValue()) + " is not valid");
            }
        }
        if (object.get("regions") instanceof ArrayNode regions && regions.isEmpty()) {
            problems.at(
                    pointer + "/regions",
                    SpecCode.INVALID_VALUE,
                    "`regions` lists no region",
                    "Leave `regions` out to run the step once.");
        }
        return d;
    }

    private void run(ObjectNode object, String pointer, StepDraft d, boolean command, Set<String> params) {
        JsonNode run = object.get("run");
        if (!command) {
            return; // `run` and `shell` are reported as not applicable (or the capability is invalid)
        }
        String shell = string(object, "shell", pointer);
        if (shell != null && !Names.isShell(shell)) {
            problems.at(
                    pointer + "/shell",
                    SpecCode.INVALID_VALUE,
                    "shell " + Texts.quote(shell) + " is not an absolute path");
            shell = null;
        }
        if (run == null) {
            missing(pointer, "run", "a script (`run: make test`) or an argv list (`run: [make, test]`)");
            return;
        }
        if (run.isTextual()) {
            String source = run.textValue();
            if (source.isBlank()) {
                problems.at(pointer + "/run", SpecCode.INVALID_COMMAND, "the script is empty");
                return;
            }
            if (references(source, pointer + "/run", params)) {
                d.builder.run(new Run.Script(shell == null ? Run.Script.DEFAULT_SHELL : shell, source));
            }
            return;
        }
        if (run.isArray()) {
            if (object.has("shell")) {
                problems.at(
                        pointer + "/shell",
                        SpecCode.CONFLICTING_FIELDS,
                        "`shell` applies to a script `run`, not to an argv list",
                        "Remove `shell`, or write `run` as a script string.");
            }
            if (run.isEmpty()) {
                problems.at(pointer + "/run", SpecCode.INVALID_COMMAND, "the argv list is empty");
                return;
            }
            List<String> argv = new ArrayList<>();
            boolean ok = true;
            for (int i = 0; i < run.size(); i++) {
                String at = pointer + "/run/" + i;
                String arg = scalarText(run.get(i), at, "a string (an argument)");
                if (arg == null) {
                    ok = false;
                    continue;
                }
                if (i == 0 && arg.isEmpty()) {
                    problems.at(at, SpecCode.INVALID_COMMAND, "the program (the first element of `run`) is empty");
                    ok = false;
                }
                ok &= references(arg, at, params);
                argv.add(arg);
            }
            if (ok) {
                d.builder.run(new Run.Argv(argv));
            }
            return;
        }
        wrongType(pointer + "/run", "a script (a string) or an argv list", run);
    }

    private void needs(ObjectNode object, String pointer, StepDraft d) {
        for (Map.Entry<String, String> need :
                stringList(object.get("needs"), pointer + "/needs", "a step id or a list of step ids", true)) {
            d.needs.add(new StepGraph.Edge(need.getValue(), need.getKey()));
            d.builder.needs(need.getValue());
        }
    }

    private void secrets(JsonNode node, String pointer, StepDraft d) {
        Set<String> names = new HashSet<>();
        Set<String> files = new HashSet<>();
        for (Map.Entry<String, JsonNode> entry : list(node, pointer, "a list of secret names", false)) {
            String at = entry.getKey();
            JsonNode item = entry.getValue();
            String name;
            SecretDelivery delivery;
            String deliveryPointer = at;
            if (item.isTextual()) {
                name = item.textValue();
                if (!Names.isSecretName(name)) {
                    problems.at(at, SpecCode.INVALID_SECRET_NAME, "secret name " + Texts.quote(name) + " is not valid");
                    continue;
                }
                delivery = null;
            } else {
                ObjectNode object =
                        object(item, at, "a secret name, or a mapping with `name` and `env` or `file`", SECRET_FIELDS);
                if (object == null) {
                    continue;
                }
                name = string(object, "name", at);
                if (name == null) {
                    if (!object.has("name")) {
                        missing(at, "name", "the secret's name, e.g. `name: DEPLOY_TOKEN`");
                    }
                    continue;
                }
                if (!Names.isSecretName(name)) {
                    problems.at(
                            at + "/name",
                            SpecCode.INVALID_SECRET_NAME,
                            "secret name " + Texts.quote(name) + " is not valid");
                    continue;
                }
                String env = string(object, "env", at);
                String file = string(object, "file", at);
                if (object.has("env") && object.has("file")) {
                    problems.at(
                            at + "/file",
                            SpecCode.CONFLICTING_FIELDS,
                            "a secret is delivered as `env` or as `file`, not both",
                            "Keep one of them.");
                    continue;
                }
                if (env != null) {
                    deliveryPointer = at + "/env";
                    if (!Names.isEnvName(env) || Names.isReservedEnv(env)) {
                        problems.at(
                                deliveryPointer,
                                SpecCode.INVALID_ENV,
                                "secret variable " + Texts.quote(env)
                                        + " is not a valid environment name (letters, digits,"
                                        + " `_`; not `CAIRN_*`)");
                        continue;
                    }
                    delivery = new SecretDelivery.Env(env);
                } else if (file != null) {
                    deliveryPointer = at + "/file";
                    if (!Names.isSecretFile(file)) {
                        problems.at(
                                deliveryPointer,
                                SpecCode.INVALID_SECRET_NAME,
                                "secret file name " + Texts.quote(file) + " is not letters, digits, `.`, `_` or `-`,"
                                        + " starting with a letter, digit or `_`");
                        continue;
                    }
                    if (!files.add(file)) {
                        problems.at(
                                deliveryPointer,
                                SpecCode.DUPLICATE_VALUE,
                                "two secrets are delivered to the file `" + file + "`");
                        continue;
                    }
                    delivery = new SecretDelivery.File(file);
                } else if (object.has("env") || object.has("file")) {
                    continue; // wrong type, reported
                } else {
                    delivery = null;
                }
            }
            if (delivery == null) {
                if (Names.isReservedEnv(name)) {
                    problems.at(
                            at,
                            SpecCode.INVALID_ENV,
                            "secret " + Texts.quote(name) + " would be delivered as a `CAIRN_*` variable",
                            "Deliver it under another name: `{name: " + name + ", env: OTHER_NAME}`.");
                    continue;
                }
                delivery = new SecretDelivery.Env(name);
            }
            if (!names.add(name)) {
                problems.at(at, SpecCode.DUPLICATE_VALUE, "secret `" + name + "` is listed twice");
                continue;
            }
            if (delivery instanceof SecretDelivery.Env env) {
                if (d.secretEnv.containsKey(env.variable())) {
                    problems.at(
                            deliveryPointer,
                            SpecCode.DUPLICATE_VALUE,
                            "two secrets are delivered as `" + env.variable() + "`");
                    continue;
                }
                d.secretEnv.put(env.variable(), deliveryPointer);
            }
            d.builder.secret(new SecretRef(name, delivery));
        }
    }

    private void inputs(JsonNode node, String pointer, StepDraft d, Set<String> params) {
        for (Map.Entry<String, JsonNode> entry : list(node, pointer, "a list of inputs", false)) {
            String at = entry.getKey();
            ObjectNode object = object(
                    entry.getValue(), at, "an input (a mapping with `path`, `step` or `artifact`)", INPUT_FIELDS);
            if (object == null) {
                continue;
            }
            List<String> kinds = new ArrayList<>();
            for (String kind : List.of("path", "step", "artifact")) {
                if (object.has(kind)) {
                    kinds.add(kind);
                }
            }
            if (kinds.isEmpty()) {
                problems.at(
                        at,
                        SpecCode.MISSING_FIELD,
                        "an input needs one of `path` (a local file or directory), `step` (an upstream step's outputs)"
                                + " or `artifact` (an artifact id)",
                        null);
                continue;
            }
            if (kinds.size() > 1) {
                problems.at(
                        at,
                        SpecCode.CONFLICTING_FIELDS,
                        "an input is one of `path`, `step` or `artifact`; this one has " + String.join(" and ", kinds),
                        "Split it into one input per source.");
                continue;
            }
            String kind = kinds.getFirst();
            if (object.has("files") && !kind.equals("step")) {
                problems.at(
                        at + "/files",
                        SpecCode.CONFLICTING_FIELDS,
                        "`files` selects among a step's outputs; it does not apply to a `" + kind + "` input",
                        "Remove `files`.");
                continue;
            }
            String to = string(object, "to", at);
            boolean toOk = to == null || workspacePath(to, at + "/to", params, "`to`");
            if (object.has("to") && to == null) {
                continue;
            }
            switch (kind) {
                case "path" -> {
                    String path = string(object, "path", at);
                    if (path == null) {
                        continue;
                    }
                    if (!references(path, at + "/path", params)) {
                        continue;
                    }
                    Optional<String> problem = Names.localPathProblem(Templates.sample(path, "p"));
                    if (problem.isPresent()) {
                        problems.at(
                                at + "/path",
                                SpecCode.INVALID_PATH,
                                "input path " + Texts.quote(path) + " " + problem.get());
                        continue;
                    }
                    if (to == null) {
                        if (Names.workspacePathProblem(Templates.sample(path, "p"))
                                .isPresent()) {
                            missing(
                                    at,
                                    "to",
                                    "where the input goes in the workspace, since `path` leaves the spec's directory");
                            continue;
                        }
                        to = path;
                    }
                    if (toOk) {
                        d.builder.input(new InputSpec.Local(path, to));
                    }
                }
                case "step" -> {
                    String step = string(object, "step", at);
                    String files = string(object, "files", at);
                    boolean filesOk =
                            files == null || (references(files, at + "/files", params) && glob(files, at + "/files"));
                    if (step == null || (object.has("files") && files == null)) {
                        continue;
                    }
                    d.inputSteps.add(new StepGraph.Edge(step, at + "/step"));
                    if (filesOk && toOk) {
                        d.builder.input(new InputSpec.FromStep(
                                step, files == null ? InputSpec.FromStep.ALL : files, to == null ? "." : to));
                    }
                }
                default -> {
                    String artifact = string(object, "artifact", at);
                    if (artifact == null) {
                        continue;
                    }
                    boolean ok = references(artifact, at + "/artifact", params);
                    if (ok && !Templates.isTemplate(artifact) && !isArtifactId(artifact)) {
                        problems.at(
                                at + "/artifact",
                                SpecCode.INVALID_ARTIFACT_ID,
                                "artifact id " + Texts.quote(artifact) + " is not 64 lowercase hex characters");
                        ok = false;
                    }
                    if (to == null) {
                        if (!object.has("to")) {
                            missing(at, "to", "where the artifact goes in the workspace, e.g. `to: data/input.csv`");
                        }
                        continue;
                    }
                    if (ok && toOk) {
                        d.builder.input(new InputSpec.Artifact(artifact, to));
                    }
                }
            }
        }
    }

    static boolean isArtifactId(String text) {
        try {
            ArtifactId.of(text);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private boolean workspacePath(String value, String pointer, Set<String> params, String what) {
        if (!references(value, pointer, params)) {
            return false;
        }
        Optional<String> problem = Names.workspacePathProblem(Templates.sample(value, "p"));
        if (problem.isPresent()) {
            problems.at(pointer, SpecCode.INVALID_PATH, what + " " + Texts.quote(value) + " " + problem.get());
            return false;
        }
        return true;
    }

    private boolean glob(String value, String pointer) {
        Optional<String> problem = Names.globProblem(Templates.sample(value, "p"));
        if (problem.isPresent()) {
            problems.at(pointer, SpecCode.INVALID_GLOB, "glob " + Texts.quote(value) + " " + problem.get());
            return false;
        }
        return true;
    }

    /**
     * {@code events: {sinks: [...]}}: sinks that receive each run's events, in the format of the
     * per-run sinks a submission brings ({@code EventsConfigs.parseSink}; secrets by name).
     */
    private List<EventSinkConfig> sinks(JsonNode node, String pointer) {
        List<EventSinkConfig> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        ObjectNode object = object(node, pointer, "the pipeline's event sinks (`{sinks: [...]}`)", EVENTS_FIELDS);
        if (object == null || object.get("sinks") == null) {
            return out;
        }
        JsonNode list = object.get("sinks");
        if (!list.isArray()) {
            wrongType(pointer + "/sinks", "a list of event sinks", list);
            return out;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = pointer + "/sinks/" + i;
            try {
                EventSinkConfig sink = EventsConfigs.parseSink(list.get(i), at);
                if (!names.add(sink.name())) {
                    problems.at(
                            at + "/name",
                            SpecCode.DUPLICATE_VALUE,
                            "the event sink name `" + sink.name() + "` is used twice");
                } else {
                    out.add(sink);
                }
            } catch (SinkException e) {
                problems.at(e.pointer().orElse(at), SpecCode.INVALID_VALUE, e.getMessage());
            }
        }
        return out;
    }

    /**
     * {@code inference: true | false | {max_tokens: N}}. A step that asks is not cached unless it
     * says {@code cache: true} ({@link StepSpec.Builder#build()}).
     */
    private void inference(ObjectNode object, String pointer, StepDraft d) {
        JsonNode node = object.get("inference");
        String at = Pointers.child(pointer, "inference");
        if (node == null || node.isNull()) {
            return;
        }
        if (node.isBoolean()) {
            if (node.booleanValue()) {
                d.builder.inference(InferenceGrant.DEFAULT);
                d.inference = true;
                if (!object.has("cache")) {
                    d.cacheOff = true;
                }
            }
            return;
        }
        ObjectNode grant = object(
                node,
                at,
                "whether the step uses inference: `true`, or `{max_tokens: N}` to cap each request",
                INFERENCE_FIELDS);
        if (grant == null) {
            return;
        }
        Long max = integer(grant, "max_tokens", at, 1, MAX_INFERENCE_TOKENS);
        if (max != null) {
            d.builder.inference(InferenceGrant.maxTokens(max));
            d.inference = true;
        } else if (!grant.has("max_tokens")) {
            d.builder.inference(InferenceGrant.DEFAULT);
            d.inference = true;
        }
        if (d.inference && !object.has("cache")) {
            d.cacheOff = true; // not cached unless asked: nothing to continue from
        }
    }

    private void sideEffects(ObjectNode object, String pointer, StepDraft d, Set<String> params) {
        String kind = word(object, "side_effect", pointer, fields("pure", "read_only_io", "apply_side_effect"));
        boolean kindOk = kind != null || !object.has("side_effect");
        if (kind != null) {
            d.sideEffect = SideEffectKind.valueOf(kind.toUpperCase(Locale.ROOT));
            d.builder.sideEffect(d.sideEffect);
        }
        boolean applies = d.sideEffect == SideEffectKind.APPLY_SIDE_EFFECT;
        Boolean cache = bool(object, "cache", pointer);
        if (cache != null && cache && applies) {
            problems.at(
                    pointer + "/cache",
                    SpecCode.CONFLICTING_FIELDS,
                    "a step that applies a side effect is never cached",
                    "Remove `cache: true`; side effects always run.");
        } else if (cache != null) {
            d.builder.cache(cache);
        }
        d.cacheOff = (cache != null && !cache) || applies || !kindOk;
        String key = string(object, "idempotency_key", pointer);
        if (key != null) {
            if (key.isEmpty()) {
                problems.at(pointer + "/idempotency_key", SpecCode.INVALID_VALUE, "the idempotency key is empty");
            } else if (kindOk && !applies) {
                problems.at(
                        pointer + "/idempotency_key",
                        SpecCode.CONFLICTING_FIELDS,
                        "`idempotency_key` applies to steps with `side_effect: apply_side_effect` only",
                        "Declare the side effect, or remove the key.");
            } else if (references(key, pointer + "/idempotency_key", params)) {
                d.builder.idempotencyKey(key);
            }
        }
    }

    private void resources(JsonNode node, String pointer, StepSpec.Builder b) {
        if (node == null) {
            return;
        }
        ObjectNode object = object(node, pointer, "a mapping of resource limits", RESOURCES_FIELDS);
        if (object == null) {
            return;
        }
        ResourceLimits limits = ResourceLimits.DEFAULTS;
        JsonNode memory = object.get("memory");
        if (memory != null) {
            Long bytes = null;
            if (memory.isIntegralNumber() && memory.canConvertToLong()) {
                bytes = memory.longValue();
            } else if (memory.isTextual()) {
                bytes = Sizes.parse(memory.textValue()).orElse(null);
                if (bytes == null) {
                    problems.at(
                            pointer + "/memory",
                            SpecCode.INVALID_SIZE,
                            "memory " + Texts.quote(memory.textValue()) + " is not a size such as `512MiB` or `2GiB`");
                }
            } else {
                wrongType(
                        pointer + "/memory", "a size (a whole number of bytes, or a string such as `512MiB`)", memory);
            }
            if (bytes != null && bytes < 1) {
                problems.at(pointer + "/memory", SpecCode.OUT_OF_RANGE, "memory must be at least 1 byte");
            } else if (bytes != null) {
                limits = limits.withMemoryBytes(bytes);
            }
        }
        Long pids = integer(object, "pids", pointer, 1, Integer.MAX_VALUE);
        if (pids != null) {
            limits = limits.withPids(pids.intValue());
        }
        Duration cpu = duration(object, "cpu_time", pointer);
        if (cpu != null) {
            if (cpu.toMillis() % 1000 != 0 || cpu.isZero()) {
                problems.at(
                        pointer + "/cpu_time",
                        SpecCode.OUT_OF_RANGE,
                        "cpu_time must be a positive whole number of seconds, got " + Durations.format(cpu));
            } else {
                limits = limits.withCpuSeconds(cpu.toSeconds());
            }
        }
        Long openFiles = integer(object, "open_files", pointer, 1, Integer.MAX_VALUE);
        if (openFiles != null) {
            limits = limits.withOpenFiles(openFiles.intValue());
        }
        b.resources(limits);
    }

    private void network(JsonNode node, String pointer, StepSpec.Builder b) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            if (!node.textValue().equals("none")) {
                problems.at(
                        pointer,
                        SpecCode.INVALID_VALUE,
                        "`network` is " + Texts.quote(node.textValue())
                                + "; expected `none` or `{allow: [host:port, ...]}`");
            }
            return;
        }
        ObjectNode object = object(node, pointer, "`none` or a mapping `{allow: [host:port, ...]}`", NETWORK_FIELDS);
        if (object == null) {
            return;
        }
        if (!object.has("allow")) {
            missing(pointer, "allow", "the destinations the step may reach, e.g. `allow: [\"pypi.org:443\"]`");
            return;
        }
        List<HostPort> hosts = new ArrayList<>();
        boolean ok = true;
        for (Map.Entry<String, String> host :
                stringList(object.get("allow"), pointer + "/allow", "a list of host:port", false)) {
            try {
                hosts.add(new HostPort(host.getValue()));
            } catch (RuntimeException e) {
                problems.at(
                        host.getKey(),
                        SpecCode.INVALID_HOST,
                        Texts.quote(host.getValue()) + " is not host:port with a port in 1..65535");
                ok = false;
            }
        }
        if (object.get("allow").isArray() && object.get("allow").isEmpty()) {
            problems.at(
                    pointer + "/allow",
                    SpecCode.INVALID_VALUE,
                    "`allow` lists no destination",
                    "Write `network: none` instead.");
            return;
        }
        if (ok && !hosts.isEmpty()) {
            b.network(new NetworkGrant.Allow(hosts));
        }
    }

    private void labels(JsonNode node, String pointer, StepSpec.Builder b, Set<String> params) {
        if (node == null) {
            return;
        }
        if (!(node instanceof ObjectNode object)) {
            wrongType(pointer, "a mapping of label keys to values", node);
            return;
        }
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            String key = field.getKey();
            String at = Pointers.child(pointer, key);
            if (!Names.isLabelKey(key)) {
                problems.atKey(at, SpecCode.INVALID_LABEL, "label key " + Texts.quote(key) + " is not valid", null);
                continue;
            }
            if (key.equals("region")) {
                problems.atKey(
                        at,
                        SpecCode.INVALID_LABEL,
                        "the label `region` is set from `regions`",
                        "Write `regions: ["
                                + (field.getValue().isTextual()
                                        ? field.getValue().textValue()
                                        : "eu") + "]` instead.");
                continue;
            }
            String value = scalarText(field.getValue(), at, "a string (or a number or boolean, taken as written)");
            if (value == null || !references(value, at, params)) {
                continue;
            }
            if (!Names.isLabelValue(Templates.sample(value, "x"))) {
                problems.at(
                        at,
                        SpecCode.INVALID_LABEL,
                        "label value " + Texts.quote(value) + " is not 1 to 63 letters, digits, `.`, `_` or `-`");
                continue;
            }
            b.label(key, value);
        }
    }

    // ---------------------------------------------------------------- tags and export

    private void checkSkipTags(JsonNode settings, List<StepDraft> steps) {
        if (!(settings instanceof ObjectNode object) || !(object.get("skip_tags") instanceof ArrayNode tags)) {
            return;
        }
        Set<String> known = new LinkedHashSet<>(STANDARD_TAGS);
        for (StepDraft step : steps) {
            known.addAll(step.tags);
        }
        for (int i = 0; i < tags.size(); i++) {
            JsonNode tag = tags.get(i);
            if (tag.isTextual() && Names.isId(tag.textValue()) && !known.contains(tag.textValue())) {
                problems.at(
                        "/settings/skip_tags/" + i,
                        SpecCode.UNKNOWN_TAG,
                        "no step carries the tag " + Texts.quote(tag.textValue())
                                + Texts.didYouMean(tag.textValue(), known));
            }
        }
    }

    private ExportSpec export(JsonNode node, String pointer, List<StepDraft> steps, Set<String> params) {
        if (node == null) {
            return ExportSpec.NONE;
        }
        ObjectNode object = object(node, pointer, "a mapping with `targets` and `artifacts`", EXPORT_FIELDS);
        if (object == null) {
            return ExportSpec.NONE;
        }
        SortedMap<String, ExportTarget> targets = new TreeMap<>();
        Set<String> targetNames = new LinkedHashSet<>();
        JsonNode targetsNode = object.get("targets");
        if (targetsNode != null && !(targetsNode instanceof ObjectNode)) {
            wrongType(pointer + "/targets", "a mapping of target names to targets", targetsNode);
        } else if (targetsNode != null) {
            for (Map.Entry<String, JsonNode> field : targetsNode.properties()) {
                String name = field.getKey();
                String at = Pointers.child(pointer + "/targets", name);
                targetNames.add(name);
                if (!Names.isId(name)) {
                    problems.atKey(
                            at,
                            SpecCode.INVALID_ID,
                            "target name " + Texts.quote(name) + " is not " + Names.ID_RULE,
                            null);
                    continue;
                }
                ExportTarget target = target(field.getValue(), at, params);
                if (target != null) {
                    targets.put(name, target);
                }
            }
        }
        Map<String, StepDraft> byId = new HashMap<>();
        for (StepDraft step : steps) {
            if (step.id != null) {
                byId.putIfAbsent(step.id, step);
            }
        }
        List<ExportArtifact> artifacts = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Map.Entry<String, JsonNode> entry :
                list(object.get("artifacts"), pointer + "/artifacts", "a list of artifacts to export", false)) {
            String at = entry.getKey();
            ObjectNode artifact = object(
                    entry.getValue(),
                    at,
                    "an artifact to export (a mapping with `name`, `step` and `path`)",
                    EXPORT_ARTIFACT_FIELDS);
            if (artifact == null) {
                continue;
            }
            boolean ok = true;
            for (String field : List.of("name", "step", "path")) {
                if (!artifact.has(field)) {
                    missing(
                            at,
                            field,
                            switch (field) {
                                case "name" -> "the exported name, e.g. `name: hello.tar.gz`";
                                case "step" -> "the step that captures the file";
                                default -> "the file's path in that step's workspace";
                            });
                    ok = false;
                }
            }
            String name = string(artifact, "name", at);
            if (name != null && !Names.isExportName(name)) {
                problems.at(
                        at + "/name",
                        SpecCode.INVALID_VALUE,
                        "export name " + Texts.quote(name) + " is not a file name of letters, digits, `.`, `_` or `-`");
                ok = false;
            } else if (name != null && !names.add(name)) {
                problems.at(at + "/name", SpecCode.DUPLICATE_VALUE, "the export name `" + name + "` is used twice");
                ok = false;
            }
            String step = string(artifact, "step", at);
            String path = string(artifact, "path", at);
            if (path != null) {
                Optional<String> problem = Names.workspacePathProblem(path);
                if (problem.isPresent()) {
                    problems.at(
                            at + "/path",
                            SpecCode.INVALID_PATH,
                            "export path " + Texts.quote(path) + " " + problem.get());
                    path = null;
                }
            }
            if (step != null) {
                StepDraft source = byId.get(step);
                if (source == null) {
                    problems.at(
                            at + "/step",
                            SpecCode.UNKNOWN_STEP,
                            "export names step " + Texts.quote(step) + ", which does not exist"
                                    + Texts.didYouMean(step, byId.keySet()));
                    ok = false;
                } else if (path != null && !source.invalid.contains("outputs") && !capturedBy(source.outputs, path)) {
                    problems.at(
                            at + "/path",
                            SpecCode.NOT_AN_OUTPUT,
                            "step `" + step + "` captures no file at " + Texts.quote(path)
                                    + (source.outputs.isEmpty()
                                            ? "; it declares no outputs"
                                            : "; its outputs are " + source.outputs));
                    ok = false;
                }
            }
            String target = string(artifact, "target", at);
            if (target != null && !targetNames.contains(target)) {
                problems.at(
                        at + "/target",
                        SpecCode.UNKNOWN_TARGET,
                        "export target " + Texts.quote(target) + " is not defined under `export.targets`"
                                + Texts.didYouMean(target, targetNames));
                ok = false;
            }
            String contentType = string(artifact, "content_type", at);
            if (contentType != null && !Names.isContentType(contentType)) {
                problems.at(
                        at + "/content_type",
                        SpecCode.INVALID_VALUE,
                        "content type " + Texts.quote(contentType) + " is not a media type such as `application/gzip`");
                ok = false;
            }
            if (ok && name != null && step != null && path != null) {
                artifacts.add(new ExportArtifact(
                        name, step, path, Optional.ofNullable(target), Optional.ofNullable(contentType)));
            }
        }
        return new ExportSpec(targets, artifacts);
    }

    private static boolean capturedBy(List<String> globs, String path) {
        return globs.stream().anyMatch(glob -> Names.globMatches(glob, path));
    }

    private ExportTarget target(JsonNode node, String pointer, Set<String> params) {
        ObjectNode object = object(node, pointer, "an export target (`{dir: PATH}` or `{url: URL}`)", TARGET_FIELDS);
        if (object == null) {
            return null;
        }
        if (object.has("dir") == object.has("url")) {
            problems.at(
                    pointer,
                    object.has("dir") ? SpecCode.CONFLICTING_FIELDS : SpecCode.MISSING_FIELD,
                    "an export target has exactly one of `dir` (a directory) or `url` (an HTTP PUT endpoint)",
                    null);
            return null;
        }
        if (object.has("bearer") && !object.has("url")) {
            problems.at(
                    pointer + "/bearer",
                    SpecCode.CONFLICTING_FIELDS,
                    "`bearer` applies to `url` targets only",
                    "Remove it.");
            return null;
        }
        if (object.has("dir")) {
            String dir = string(object, "dir", pointer);
            if (dir == null || !references(dir, pointer + "/dir", params)) {
                return null;
            }
            if (dir.isEmpty()) {
                problems.at(pointer + "/dir", SpecCode.INVALID_PATH, "the directory is empty");
                return null;
            }
            return new ExportTarget.Directory(dir);
        }
        String url = string(object, "url", pointer);
        String bearer = string(object, "bearer", pointer);
        if (url == null || (object.has("bearer") && bearer == null) || !references(url, pointer + "/url", params)) {
            return null;
        }
        boolean ok = true;
        Optional<String> urlProblem = urlProblem(Templates.sample(url, "x"));
        if (urlProblem.isPresent()) {
            problems.at(
                    pointer + "/url",
                    SpecCode.INVALID_URL,
                    "export URL " + Texts.quote(Templates.isTemplate(url) ? url : redactUserInfo(url)) + " "
                            + urlProblem.get());
            ok = false;
        }
        if (bearer != null && !Names.isSecretName(bearer)) {
            problems.at(
                    pointer + "/bearer",
                    SpecCode.INVALID_SECRET_NAME,
                    "secret name " + Texts.quote(bearer) + " is not valid");
            ok = false;
        }
        return ok ? new ExportTarget.HttpPut(url, Optional.ofNullable(bearer)) : null;
    }

    /** Why {@code url} is not an http(s) URL without user info or fragment; empty when it is one. */
    static Optional<String> urlProblem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return Optional.of("is not an http(s) URL");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("carries a user or password");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return Optional.of("has no host");
        }
        if (uri.getRawFragment() != null) {
            return Optional.of("has a fragment (`#...`)");
        }
        return Optional.empty();
    }

    private static String redactUserInfo(String url) {
        return url.replaceAll("//[^/@]*@", "//<redacted>@");
    }
}
