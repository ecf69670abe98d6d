package dev.cairn.machine.meta;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Seed {@code meta::StateMeta}: metadata of a state, used for planning, replay and policy.
 *
 * <p>{@code depends_on} is an authoring-time <em>hint</em> (planners may turn it into edges);
 * execution order is governed only by the plan's explicit edges.
 *
 * @param tags classification tags of the state
 * @param dependsOn authoring-time dependency hints, as tags
 * @param dependsOnStrategy how tag-based dependency hints are resolved
 * @param sideEffects side-effect classification used by replay and retry policy
 * @param idempotency declared idempotency behaviour
 */
public record StateMeta(
        List<Tag> tags,
        List<Tag> dependsOn,
        DependencyStrategy dependsOnStrategy,
        SideEffectKind sideEffects,
        Idempotency idempotency) {

    public StateMeta {
        tags = List.copyOf(Objects.requireNonNull(tags, "tags"));
        dependsOn = List.copyOf(Objects.requireNonNull(dependsOn, "depends_on"));
        Objects.requireNonNull(dependsOnStrategy, "depends_on_strategy");
        Objects.requireNonNull(sideEffects, "side_effects");
        Objects.requireNonNull(idempotency, "idempotency");
    }

    /**
     * A builder; the side-effect classification has no default because it decides replay and retry
     * behaviour. Defaults: no tags, no dependency hints, {@link DependencyStrategy#LATEST}, {@link
     * Idempotency.None}.
     */
    public static Builder builder(SideEffectKind sideEffects) {
        return new Builder(sideEffects);
    }

    /** Builds a {@link StateMeta}; not thread-safe. */
    public static final class Builder {
        private final List<Tag> tags = new ArrayList<>();
        private final List<Tag> dependsOn = new ArrayList<>();
        private DependencyStrategy dependsOnStrategy = DependencyStrategy.LATEST;
        private final SideEffectKind sideEffects;
        private Idempotency idempotency = new Idempotency.None();

        private Builder(SideEffectKind sideEffects) {
            this.sideEffects = Objects.requireNonNull(sideEffects, "side_effects");
        }

        /** Adds classification tags, e.g. {@code tag(StandardTags.REPORT)}. */
        public Builder tag(String... values) {
            for (String value : values) {
                tags.add(new Tag(value));
            }
            return this;
        }

        public Builder tags(Collection<Tag> values) {
            tags.addAll(values);
            return this;
        }

        public Builder dependsOn(Collection<Tag> values) {
            dependsOn.addAll(values);
            return this;
        }

        public Builder dependsOnStrategy(DependencyStrategy value) {
            this.dependsOnStrategy = Objects.requireNonNull(value, "depends_on_strategy");
            return this;
        }

        public Builder idempotency(Idempotency value) {
            this.idempotency = Objects.requireNonNull(value, "idempotency");
            return this;
        }

        public StateMeta build() {
            return new StateMeta(tags, dependsOn, dependsOnStrategy, sideEffects, idempotency);
        }
    }
}
