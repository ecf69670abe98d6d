package dev.cairn.executor.protocol;

import dev.cairn.json.ArtifactIds;
import dev.cairn.json.wire.WireDefault;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Cairn addition: what the orchestrator (the host of seed 002) asks of the {@code command}
 * capability, carried as the {@code meta} of the task's seed-000 {@code TaskSpec}. The runner
 * honours {@code cache} without deciding again: on a {@link CacheDecision.Hit} it serves {@code
 * cached} and runs nothing; otherwise it starts from {@code parentSnapshot} when present (a chain)
 * or else materializes {@code inputs} in a fresh workspace, hands the declared {@code secrets} to
 * that cell only, runs {@code step}, captures the files matching {@code step.outputs}, and completes
 * the task with the {@link StepResult} as its result. After a successful run that is not a hit, the
 * result's {@code committed_snapshot} is the workspace's tree in Cairn's {@code tree:<id>} form; the
 * host records it in its action cache under the key of a {@link CacheDecision.MissBuildAs} (the
 * runner never writes the host's cache, so remote runners need no access to it).
 *
 * <p>Every field but {@code run_id}, {@code step_id} and {@code step} may be absent on the wire.
 *
 * @param runId the run (a UUID string)
 * @param stepId the pipeline step ({@code build}, or {@code build@eu} for one region of a step)
 * @param step the command
 * @param inputs files to place in the workspace first; paths are unique
 * @param cache the host's decision; default {@link CacheDecision.MissNoCommit}
 * @param cacheKey the action-cache key the decision was made for (64 lowercase hex), for logs and
 *     diagnostics; absent when the step is not cacheable
 * @param cached the cache entry to serve; present exactly when {@code cache} is a hit
 * @param parentSnapshot the snapshot a chained step starts from instead of {@code inputs}
 * @param secrets the secrets the step declared, by name; names are unique
 */
public record CommandTask(
        String runId,
        String stepId,
        CommandStep step,
        @WireDefault List<InputFile> inputs,
        @WireDefault CacheDecision cache,
        @WireDefault Optional<String> cacheKey,
        @WireDefault Optional<CachedResult> cached,
        @WireDefault Optional<SnapshotRef> parentSnapshot,
        @WireDefault List<SecretMount> secrets) {

    /** A task without cache decision, chain or secrets: runs {@code step} on {@code inputs}. */
    public CommandTask(String runId, String stepId, CommandStep step, List<InputFile> inputs) {
        this(runId, stepId, step, inputs, null, null, null, null, null);
    }

    public CommandTask {
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(stepId, "step_id");
        Objects.requireNonNull(step, "step");
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        Set<String> seen = new HashSet<>();
        for (InputFile file : inputs) {
            if (!seen.add(file.path())) {
                throw ExecutorProtocolException.invalidPath("inputs", file.path(), "is listed twice");
            }
        }
        cache = cache == null ? new CacheDecision.MissNoCommit() : cache;
        cacheKey = cacheKey == null ? Optional.empty() : cacheKey;
        cacheKey.ifPresent(key -> {
            if (!ArtifactIds.isValid(key)) {
                throw ExecutorProtocolException.invalidTask(
                        "cache_key",
                        "`" + key + "` is not 64 lowercase hex characters",
                        "Give the SHA-256 of the key's preimage.");
            }
        });
        cached = cached == null ? Optional.empty() : cached;
        if (cache instanceof CacheDecision.Hit != cached.isPresent()) {
            throw ExecutorProtocolException.invalidTask(
                    "cached",
                    cached.isPresent()
                            ? "is present but the decision is not a hit"
                            : "is absent but the decision is a hit",
                    "Send the cache entry with a `hit` decision, and only then.");
        }
        parentSnapshot = parentSnapshot == null ? Optional.empty() : parentSnapshot;
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
        Set<String> names = new HashSet<>();
        for (SecretMount secret : secrets) {
            if (!names.add(secret.name())) {
                throw ExecutorProtocolException.invalidTask(
                        "secrets", "name `" + secret.name() + "` is listed twice", "Declare each secret once.");
            }
        }
    }

    /** The region of a multi-region step, from its step id. */
    public Optional<String> region() {
        int at = stepId.indexOf('@');
        return at < 0 ? Optional.empty() : Optional.of(stepId.substring(at + 1));
    }
}
