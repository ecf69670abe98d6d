package dev.cairn.orchestrator.spec;

import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.machine.config.RetryPolicy;
import dev.cairn.machine.meta.StateMeta;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A step of a bound pipeline: every param substituted, every default applied; what the
 * orchestrator plans, routes and dispatches.
 *
 * @param id the step id (the state-id segment of its state)
 * @param capability the runner capability it needs
 * @param command what a {@code command} runner executes; empty for other capabilities
 * @param needs the steps it waits for
 * @param continues the upstream step whose committed snapshot its workspace starts from
 * @param env the step's environment: the pipeline's {@code env} overlaid with the step's
 * @param secrets the secrets its cell resolves, by name
 * @param inputs what its workspace starts with, substituted
 * @param outputs globs of the files captured after a successful run
 * @param cache whether the host may serve it from its cache
 * @param meta its state metadata: tags (with {@code apply_side_effect} for side effects), side
 *     effects, idempotency key
 * @param retry its retry policy: its own, or the run's
 * @param timeout its wall-clock bound
 * @param labels the labels a runner must carry (without the region)
 * @param regions the regions it runs in, once each; empty: once, anywhere
 */
public record CompiledStep(
        String id,
        String capability,
        Optional<CommandStep> command,
        List<String> needs,
        Optional<String> continues,
        SortedMap<String, String> env,
        List<SecretRef> secrets,
        List<InputSpec> inputs,
        List<String> outputs,
        boolean cache,
        StateMeta meta,
        RetryPolicy retry,
        Duration timeout,
        SortedMap<String, String> labels,
        List<String> regions) {

    /** The label that carries a runner's region. */
    public static final String REGION_LABEL = "region";

    public CompiledStep {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(command, "command");
        needs = List.copyOf(needs);
        Objects.requireNonNull(continues, "continues");
        env = Collections.unmodifiableSortedMap(new TreeMap<>(env));
        secrets = List.copyOf(secrets);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(timeout, "timeout");
        labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
        regions = List.copyOf(regions);
    }

    /**
     * The labels a runner must carry to take this step in {@code region}: {@link #labels()} plus
     * {@code region=<region>} (seed 003's multi-region runs).
     */
    public SortedMap<String, String> routingLabels(Optional<String> region) {
        TreeMap<String, String> out = new TreeMap<>(labels);
        region.ifPresent(r -> out.put(REGION_LABEL, r));
        return Collections.unmodifiableSortedMap(out);
    }
}
