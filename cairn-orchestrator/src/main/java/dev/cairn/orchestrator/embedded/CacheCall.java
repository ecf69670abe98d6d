package dev.cairn.orchestrator.embedded;

import dev.cairn.executor.protocol.CacheDecision;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.InputFile;
import dev.cairn.executor.protocol.SecretMount;
import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireDefault;
import dev.cairn.json.wire.WireEnum;
import dev.cairn.runner.api.lease.OutputArtifact;
import dev.cairn.sinks.events.CairnEventTypes;
import dev.cairn.workspace.cache.CacheKey;
import dev.cairn.workspace.cache.CacheKeyPreimage;
import dev.cairn.workspace.cache.SnapshotRefs;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The requests and answers of the {@code cache} IO namespace ({@link CacheTransport}). A step
 * state makes both calls with fact keys, so a cache decision and a commit are recorded facts: a
 * replay reads them and never touches the action cache.
 */
final class CacheCall {

    /** The IO namespace of cache decisions and commits. */
    static final String NAMESPACE = "cache";

    /** What users see of a decision ({@code StepView.cache}, the {@value #EVENT} event). */
    static final String HIT = "hit";

    static final String MISS = "miss";
    static final String OFF = "off";

    /** The domain event a command step emits with its cache decision. */
    static final String EVENT = CairnEventTypes.Names.CACHE_DECIDED;

    private CacheCall() {}

    /** A request of the {@code cache} namespace. */
    @WireEnum(tag = "op", variants = VariantCase.SNAKE_CASE)
    sealed interface Request {

        /**
         * Decide the cache outcome of one attempt of a command step (docs/workspaces.md, "The cache
         * protocol"), pinning what the attempt uses for {@code owner}.
         *
         * @param stepId the step, for messages
         * @param step the command, with the effective environment
         * @param inputs its input files (their tree is the key's {@code workspace} input)
         * @param parentTree the tree a chained step starts from
         * @param cacheable false when the step switched caching off or applies a side effect
         * @param secrets the secrets it declares (names and delivery; versions come from the host's
         *     secret catalog)
         * @param owner the owner of the pins taken for the attempt
         * @param pinTtl how long the pins last at most
         */
        record Decide(
                String stepId,
                CommandStep step,
                List<InputFile> inputs,
                Optional<String> parentTree,
                boolean cacheable,
                List<SecretMount> secrets,
                String owner,
                Duration pinTtl)
                implements Request {
            public Decide {
                Objects.requireNonNull(stepId, "step_id");
                Objects.requireNonNull(step, "step");
                inputs = List.copyOf(inputs);
                Objects.requireNonNull(parentTree, "parent_tree");
                secrets = List.copyOf(secrets);
                Objects.requireNonNull(owner, "owner");
                Objects.requireNonNull(pinTtl, "pin_ttl");
            }
        }

        /**
         * The attempt's result is recorded: commit it when {@code commit} is present, then release
         * the attempt's pins.
         */
        record Finish(String owner, Optional<Commit> commit) implements Request {
            public Finish {
                Objects.requireNonNull(owner, "owner");
                Objects.requireNonNull(commit, "commit");
            }
        }
    }

    /**
     * A successful {@code MissBuildAs} attempt's snapshot, to commit under its key.
     *
     * @param key the key of the decision
     * @param snapshot the tree the runner reported ({@code committed_snapshot = tree:<id>})
     * @param outputs the outputs the runner captured
     * @param preimage what the key is made of
     * @param origin who built it ({@code run/<id>/step/<id>})
     */
    record Commit(String key, String snapshot, List<OutputArtifact> outputs, CacheKeyPreimage preimage, String origin) {
        Commit {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(snapshot, "snapshot");
            outputs = List.copyOf(outputs);
            Objects.requireNonNull(preimage, "preimage");
            Objects.requireNonNull(origin, "origin");
        }
    }

    /**
     * A decision.
     *
     * @param cache {@value #HIT}, {@value #MISS} or {@value #OFF}
     * @param key the cache key (absent when off)
     * @param reason why the step is not cached, when off
     * @param preimage what the key is made of (for a miss, to commit with the entry)
     * @param snapshot a hit's committed tree
     * @param outputs a hit's outputs (with their executable bits, from the tree)
     */
    record Decision(
            String cache,
            Optional<String> key,
            Optional<String> reason,
            Optional<CacheKeyPreimage> preimage,
            Optional<String> snapshot,
            @WireDefault List<OutputArtifact> outputs) {
        Decision {
            Objects.requireNonNull(cache, "cache");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(preimage, "preimage");
            Objects.requireNonNull(snapshot, "snapshot");
            outputs = outputs == null ? List.of() : List.copyOf(outputs);
        }

        boolean hit() {
            return cache.equals(HIT);
        }

        /** The protocol's decision. */
        CacheDecision protocol() {
            return switch (cache) {
                case HIT -> new CacheDecision.Hit(SnapshotRefs.cacheTag(new CacheKey(key.orElseThrow())));
                case MISS -> new CacheDecision.MissBuildAs(SnapshotRefs.cacheTag(new CacheKey(key.orElseThrow())));
                default -> new CacheDecision.MissNoCommit();
            };
        }
    }

    /** The answer to {@link Request.Finish}. */
    record Finished(boolean committed) {}
}
