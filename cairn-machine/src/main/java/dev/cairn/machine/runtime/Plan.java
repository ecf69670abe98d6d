package dev.cairn.machine.runtime;

import dev.cairn.machine.ids.OpId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.meta.Idempotency;
import dev.cairn.machine.meta.SideEffectKind;
import dev.cairn.machine.meta.StateMeta;
import dev.cairn.machine.meta.Tag;
import dev.cairn.machine.plan.DependencyEdge;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.plan.PlanValidationException;
import dev.cairn.machine.plan.StateGraph;
import dev.cairn.machine.plan.StateNode;
import dev.cairn.machine.state.State;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds {@link ExecutionPlan}s that read like the DAG they describe:
 *
 * <pre>{@code
 * ExecutionPlan plan = Plan.builder("report")
 *         .readOnly("fetch", ctx -> ctx.put("rows", fetchRows(ctx.io())))
 *         .pure("sum", ctx -> ctx.put("total", sum(ctx.require("rows", Rows.class))))
 *         .needs("fetch")
 *         .sideEffect("publish", new Idempotency.Key("report-2026-11"), ctx -> publish(ctx))
 *         .needs("sum")
 *         .build();
 * }</pre>
 *
 * <p>State names become {@link StateId}s under the operation: {@code fetch} is {@code
 * report.main.fetch}, {@code load.fetch} is {@code report.load.fetch}, and a full {@code
 * machine.step.state} id is taken as is. {@code needs} and {@code tag} apply to the state added
 * last; {@code needs} may name states added later. States are listed in the order they are added
 * (the tie-break among ready states). {@link Builder#build()} validates the plan with {@link
 * GraphPlanValidator}.
 */
public final class Plan {

    private Plan() {}

    /** A builder for a plan of operation {@code opId} (an {@link OpId}: {@code ^[a-z][a-z0-9_]{0,62}$}). */
    public static Builder builder(String opId) {
        return new Builder(new OpId(opId));
    }

    /** Builds an {@link ExecutionPlan}; not thread-safe. */
    public static final class Builder {
        private final OpId opId;
        private final Map<StateId, State> states = new LinkedHashMap<>();
        private final List<StateId> duplicates = new ArrayList<>();
        private final List<String[]> edges = new ArrayList<>();
        private StateId last;

        private Builder(OpId opId) {
            this.opId = opId;
        }

        /** Adds a {@code Pure} state: no IO; re-run freely after a crash. */
        public Builder pure(String name, StateHandler handler) {
            return state(name, StateMeta.builder(SideEffectKind.PURE).build(), handler);
        }

        /** Adds a {@code ReadOnlyIo} state: reads the outside world; re-run after a crash. */
        public Builder readOnly(String name, StateHandler handler) {
            return state(name, StateMeta.builder(SideEffectKind.READ_ONLY_IO).build(), handler);
        }

        /**
         * Adds an {@code ApplySideEffect} state without an idempotency key: after a crash that
         * interrupted it, it is not re-run blindly (it fails with {@code interrupted_side_effect}).
         */
        public Builder sideEffect(String name, StateHandler handler) {
            return sideEffect(name, new Idempotency.None(), handler);
        }

        /**
         * Adds an {@code ApplySideEffect} state; with {@link Idempotency.Key} it is re-run after a
         * crash and sees the same key ({@link AttemptInfo#idempotencyKey()}).
         */
        public Builder sideEffect(String name, Idempotency idempotency, StateHandler handler) {
            return state(
                    name,
                    StateMeta.builder(SideEffectKind.APPLY_SIDE_EFFECT)
                            .tag(dev.cairn.machine.meta.StandardTags.APPLY_SIDE_EFFECT)
                            .idempotency(idempotency)
                            .build(),
                    handler);
        }

        /** Adds a state with explicit metadata. */
        public Builder state(String name, StateMeta meta, StateHandler handler) {
            return state(name, new HandlerState(meta, handler));
        }

        /** Adds a state implemented as a class. */
        public Builder state(String name, State state) {
            Objects.requireNonNull(state, "state");
            StateId id = id(name);
            if (states.putIfAbsent(id, state) != null) {
                duplicates.add(id);
            }
            last = id;
            return this;
        }

        /** Makes the state added last depend on {@code names}: it runs after all of them completed. */
        public Builder needs(String... names) {
            StateId to = requireLast("needs");
            for (String name : names) {
                edges.add(new String[] {name, to.value()});
            }
            return this;
        }

        /** Adds classification tags (e.g. for {@code skip_tags}) to the lambda state added last. */
        public Builder tag(String... tags) {
            StateId target = requireLast("tag");
            if (!(states.get(target) instanceof HandlerState handler)) {
                throw new IllegalStateException(
                        "tag() applies to lambda states; a State class declares its own meta()");
            }
            StateMeta meta = handler.meta();
            List<Tag> all = new ArrayList<>(meta.tags());
            for (String tag : tags) {
                all.add(new Tag(tag));
            }
            states.put(
                    target,
                    handler.withMeta(new StateMeta(
                            all, meta.dependsOn(), meta.dependsOnStrategy(), meta.sideEffects(), meta.idempotency())));
            return this;
        }

        /** Adds the edge {@code from → to}. */
        public Builder edge(String from, String to) {
            edges.add(new String[] {from, to});
            return this;
        }

        /**
         * The plan.
         *
         * @throws PlanValidationException the first problem {@link GraphPlanValidator} finds
         */
        public ExecutionPlan build() {
            if (!duplicates.isEmpty()) {
                throw PlanValidationException.duplicateStateId(duplicates.getFirst());
            }
            List<StateNode> nodes = new ArrayList<>(states.size());
            states.forEach((id, state) -> nodes.add(new StateNode(id, state)));
            List<DependencyEdge> deps = new ArrayList<>(edges.size());
            for (String[] edge : edges) {
                deps.add(new DependencyEdge(id(edge[0]), id(edge[1])));
            }
            ExecutionPlan plan = new ExecutionPlan(opId, new StateGraph(nodes, deps));
            GraphPlanValidator.INSTANCE.validate(plan);
            return plan;
        }

        private StateId requireLast(String method) {
            if (last == null) {
                throw new IllegalStateException(method + "() needs a state added before it");
            }
            return last;
        }

        private StateId id(String name) {
            Objects.requireNonNull(name, "name");
            long dots = name.chars().filter(c -> c == '.').count();
            if (dots == 0) {
                return new StateId(opId.value() + ".main." + name);
            }
            if (dots == 1) {
                return new StateId(opId.value() + "." + name);
            }
            return new StateId(name);
        }
    }
}
