package dev.cairn.orchestrator.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.executor.protocol.CellProfile;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.HostPort;
import dev.cairn.executor.protocol.NetworkGrant;
import dev.cairn.executor.protocol.ResourceLimits;
import dev.cairn.executor.protocol.Run;
import dev.cairn.machine.config.BackoffPolicy;
import dev.cairn.machine.config.EventProfile;
import dev.cairn.machine.config.ExecutionMode;
import dev.cairn.machine.config.RetryPolicy;
import dev.cairn.machine.meta.SideEffectKind;
import dev.cairn.machine.meta.Tag;
import dev.cairn.sinks.config.EventsConfigs;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link PipelineSpec} in the spec format, as JSON: every field explicit except absent
 * optional ones, durations and sizes in their shortest exact form. Reading the result back gives an
 * equal spec (durations are kept to the millisecond, the format's precision).
 */
public final class SpecWriter {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SpecWriter() {}

    /** The spec as a JSON tree in the spec format. */
    public static ObjectNode toJson(PipelineSpec spec) {
        ObjectNode out = NODES.objectNode();
        out.put("op", spec.op().value());
        out.put("version", spec.version());
        spec.description().ifPresent(d -> out.put("description", d));
        if (!spec.params().isEmpty()) {
            ObjectNode params = out.putObject("params");
            for (ParamSpec param : spec.params()) {
                ObjectNode p = params.putObject(param.name());
                p.put("type", param.type().word());
                param.defaultValue().ifPresent(v -> p.set("default", value(v)));
                param.description().ifPresent(d -> p.put("description", d));
            }
        }
        out.set("settings", settings(spec.settings()));
        if (!spec.env().isEmpty()) {
            out.set("env", strings(spec.env()));
        }
        ArrayNode steps = out.putArray("steps");
        for (StepSpec step : spec.steps()) {
            steps.add(step(step));
        }
        if (!spec.export().isEmpty()) {
            out.set("export", export(spec.export()));
        }
        if (!spec.sinks().isEmpty()) {
            ArrayNode sinks = out.putObject("events").putArray("sinks");
            spec.sinks().forEach(sink -> sinks.add(EventsConfigs.toTree(sink)));
        }
        return out;
    }

    /** The spec as indented JSON text. */
    public static String toJsonString(PipelineSpec spec) {
        try {
            return PRETTY.writeValueAsString(toJson(spec)) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode value(ParamValue value) {
        return switch (value) {
            case ParamValue.StringValue s -> NODES.textNode(s.value());
            case ParamValue.NumberValue n -> NODES.numberNode(n.value());
            case ParamValue.BooleanValue b -> NODES.booleanNode(b.value());
        };
    }

    private static ObjectNode settings(RunSettings settings) {
        ObjectNode out = NODES.objectNode();
        switch (settings.mode()) {
            case ExecutionMode.Sequential s -> out.put("mode", "sequential");
            case ExecutionMode.FanOutJoin f -> {
                out.put("mode", "parallel");
                out.put("max_concurrency", f.maxConcurrency());
            }
        }
        out.set("retry", retry(settings.retry()));
        out.set("skip_tags", tags(settings.skipTags()));
        out.put("dry_run", settings.dryRun());
        out.put("events", events(settings.events()));
        return out;
    }

    static String events(EventProfile events) {
        return switch (events) {
            case EventProfile.Minimal m -> "minimal";
            case EventProfile.Normal n -> "normal";
            case EventProfile.Verbose v -> "verbose";
            case EventProfile.Custom c -> "custom:" + c.value();
        };
    }

    private static ObjectNode retry(RetryPolicy retry) {
        ObjectNode out = NODES.objectNode();
        out.put("attempts", retry.maxAttempts());
        switch (retry.backoff()) {
            case BackoffPolicy.Fixed f -> {
                out.put("backoff", "fixed");
                out.put("delay", Durations.format(f.delay()));
            }
            case BackoffPolicy.Exponential e -> {
                out.put("backoff", "exponential");
                out.put("delay", Durations.format(e.baseDelay()));
                out.put("max_delay", Durations.format(e.maxDelay()));
            }
        }
        return out;
    }

    private static ArrayNode tags(List<Tag> tags) {
        ArrayNode out = NODES.arrayNode();
        tags.forEach(t -> out.add(t.value()));
        return out;
    }

    private static ArrayNode list(List<String> values) {
        ArrayNode out = NODES.arrayNode();
        values.forEach(out::add);
        return out;
    }

    private static ObjectNode strings(Map<String, String> values) {
        ObjectNode out = NODES.objectNode();
        values.forEach(out::put);
        return out;
    }

    private static ObjectNode step(StepSpec step) {
        ObjectNode out = NODES.objectNode();
        out.put("id", step.id());
        step.description().ifPresent(d -> out.put("description", d));
        out.put("capability", step.capability());
        step.run().ifPresent(run -> {
            switch (run) {
                case Run.Argv argv -> out.set("run", list(argv.value()));
                case Run.Script script -> {
                    out.put("run", script.source());
                    if (!script.shell().equals(Run.Script.DEFAULT_SHELL)) {
                        out.put("shell", script.shell());
                    }
                }
            }
        });
        out.set("needs", list(step.needs()));
        step.continues().ifPresent(c -> out.put("continues", c));
        out.set("env", strings(step.env()));
        ArrayNode secrets = out.putArray("secrets");
        for (SecretRef secret : step.secrets()) {
            switch (secret.delivery()) {
                case SecretDelivery.Env env when env.variable().equals(secret.name()) -> secrets.add(secret.name());
                case SecretDelivery.Env env ->
                    secrets.addObject().put("name", secret.name()).put("env", env.variable());
                case SecretDelivery.File file ->
                    secrets.addObject().put("name", secret.name()).put("file", file.fileName());
            }
        }
        ArrayNode inputs = out.putArray("inputs");
        for (InputSpec input : step.inputs()) {
            ObjectNode in = inputs.addObject();
            switch (input) {
                case InputSpec.Local local -> in.put("path", local.path()).put("to", local.to());
                case InputSpec.FromStep from ->
                    in.put("step", from.step()).put("files", from.files()).put("to", from.to());
                case InputSpec.Artifact artifact ->
                    in.put("artifact", artifact.artifact()).put("to", artifact.to());
            }
        }
        out.set("outputs", list(step.outputs()));
        out.put("cache", step.cache());
        step.retry().ifPresent(r -> out.set("retry", retry(r)));
        out.put("timeout", Durations.format(step.timeout()));
        out.set("tags", tags(step.tags()));
        out.put("side_effect", step.sideEffect().name().toLowerCase(Locale.ROOT));
        step.idempotencyKey().ifPresent(k -> out.put("idempotency_key", k));
        out.set("resources", resources(step.resources()));
        switch (step.network()) {
            case NetworkGrant.None none -> out.put("network", "none");
            case NetworkGrant.Allow allow -> {
                ArrayNode hosts = out.putObject("network").putArray("allow");
                allow.value().stream().map(HostPort::value).forEach(hosts::add);
            }
        }
        if (step.isCommand() || step.cell() != CellProfile.SANDBOX) {
            out.put("cell", step.cell().name().toLowerCase(Locale.ROOT));
        }
        if (step.isCommand() || !step.workdir().equals(CommandStep.ROOT)) {
            out.put("workdir", step.workdir());
        }
        out.set("labels", strings(step.labels()));
        if (!step.regions().isEmpty()) {
            out.set("regions", list(step.regions()));
        }
        // written only when asked, so that the spec (and its id) of a step without it is unchanged
        step.inference().ifPresent(grant -> {
            if (grant.maxTokens().isEmpty()) {
                out.put("inference", true);
            } else {
                out.putObject("inference").put("max_tokens", grant.maxTokens().get());
            }
        });
        return out;
    }

    private static ObjectNode resources(ResourceLimits limits) {
        ObjectNode out = NODES.objectNode();
        out.put("memory", Sizes.format(limits.memoryBytes()));
        out.put("pids", limits.pids());
        out.put("cpu_time", Durations.format(Duration.ofSeconds(limits.cpuSeconds())));
        out.put("open_files", limits.openFiles());
        return out;
    }

    private static ObjectNode export(ExportSpec export) {
        ObjectNode out = NODES.objectNode();
        ObjectNode targets = out.putObject("targets");
        export.targets().forEach((name, target) -> {
            ObjectNode t = targets.putObject(name);
            switch (target) {
                case ExportTarget.Directory d -> t.put("dir", d.dir());
                case ExportTarget.HttpPut h -> {
                    t.put("url", h.url());
                    h.bearer().ifPresent(b -> t.put("bearer", b));
                }
            }
        });
        ArrayNode artifacts = out.putArray("artifacts");
        for (ExportArtifact artifact : export.artifacts()) {
            ObjectNode a = artifacts.addObject();
            a.put("name", artifact.name()).put("step", artifact.step()).put("path", artifact.path());
            artifact.target().ifPresent(t -> a.put("target", t));
            artifact.contentType().ifPresent(c -> a.put("content_type", c));
        }
        return out;
    }

    static String sideEffectWord(SideEffectKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
