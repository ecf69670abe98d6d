package dev.cairn.machine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.Canonical;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.config.BuildProvenance;
import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.config.RunManifest;
import dev.cairn.machine.context.DynContext;
import dev.cairn.machine.engine.StartRun;
import dev.cairn.machine.errors.RunException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.plan.ExecutionPlan;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds a {@link StartRun} from a plan: the manifest (operation, version, input parameters, run
 * configuration, provenance) and its content-addressed id, so callers need not hash anything.
 *
 * <pre>{@code
 * StartRun run = StartRuns.of(plan)
 *         .opVersion("1.2.0")
 *         .inputParams(params)
 *         .runConfig(RunConfig.builder().executionMode(new ExecutionMode.FanOutJoin(4)).build())
 *         .build();
 * }</pre>
 */
public final class StartRuns {

    private StartRuns() {}

    /** A builder for a run of {@code plan}. */
    public static Builder of(ExecutionPlan plan) {
        return new Builder(plan);
    }

    /**
     * The manifest's id: the SHA-256 of its RFC 8785 canonical JSON.
     *
     * @throws RunException {@code manifest_not_canonical} when it has no canonical form
     */
    public static ArtifactId manifestId(RunManifest manifest) {
        return new ArtifactId(ArtifactIds.ofBytes(canonicalBytes(manifest)));
    }

    /**
     * The manifest's RFC 8785 canonical JSON, the bytes stored as its artifact (their SHA-256 is
     * {@link #manifestId}).
     *
     * @throws RunException {@code manifest_not_canonical} when it has no canonical form
     */
    public static byte[] canonicalBytes(RunManifest manifest) {
        try {
            return Canonical.canonicalize(Wire.toTree(manifest));
        } catch (JsonException e) {
            throw RunException.invalidPlan(
                    KernelCodes.MANIFEST_NOT_CANONICAL,
                    "the run manifest has no canonical JSON form (" + e.code() + " at " + e.path() + ")");
        }
    }

    /** Builds a {@link StartRun}; not thread-safe. */
    public static final class Builder {
        private final ExecutionPlan plan;
        private String opVersion = "0";
        private JsonNode inputParams = JsonNodeFactory.instance.objectNode();
        private RunConfig runConfig = RunConfig.builder().build();
        private BuildProvenance build = BuildProvenance.empty();
        private DynContext initialContext = JsonContext.empty();
        private Optional<RunId> runId = Optional.empty();

        private Builder(ExecutionPlan plan) {
            this.plan = Objects.requireNonNull(plan, "plan");
        }

        /** The operation's version (part of the manifest hash); default {@code "0"}. */
        public Builder opVersion(String value) {
            this.opVersion = Objects.requireNonNull(value, "op_version");
            return this;
        }

        /** The input parameters (must not hold secrets); default {@code {}}. */
        public Builder inputParams(JsonNode value) {
            this.inputParams = Objects.requireNonNull(value, "input_params");
            return this;
        }

        /** The run configuration; default {@code RunConfig.builder().build()}. */
        public Builder runConfig(RunConfig value) {
            this.runConfig = Objects.requireNonNull(value, "run_config");
            return this;
        }

        /** Build provenance; default empty. */
        public Builder build(BuildProvenance value) {
            this.build = Objects.requireNonNull(value, "build");
            return this;
        }

        /** The context the run starts from; default empty. */
        public Builder initialContext(DynContext value) {
            this.initialContext = Objects.requireNonNull(value, "initial_context");
            return this;
        }

        /** The run's id; default drawn by the engine. */
        public Builder runId(RunId value) {
            this.runId = Optional.of(value);
            return this;
        }

        public StartRun build() {
            RunManifest manifest = new RunManifest(plan.opId(), opVersion, inputParams, runConfig, build);
            return new StartRun(manifest, manifestId(manifest), plan, runConfig, initialContext, runId);
        }
    }
}
