package dev.cairn.machine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.meta.Idempotency;
import dev.cairn.machine.meta.SideEffectKind;
import dev.cairn.machine.meta.StandardTags;
import dev.cairn.machine.meta.StateMeta;
import dev.cairn.machine.meta.Tag;
import dev.cairn.machine.plan.DependencyEdge;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.plan.PlanValidationError;
import dev.cairn.machine.plan.PlanValidationException;
import dev.cairn.machine.plan.StateGraph;
import dev.cairn.machine.plan.StateNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanAndValidatorTest {

    static StateId id(String local) {
        return new StateId("op.main." + local);
    }

    @Test
    void theBuilderNamesStatesUnderTheOperationAndTurnsNeedsIntoEdges() {
        ExecutionPlan plan = Plan.builder("op")
                .readOnly("fetch", ctx -> {})
                .pure("load.parse", ctx -> {})
                .needs("fetch")
                .sideEffect("other.step.publish", new Idempotency.Key("k"), ctx -> {})
                .needs("load.parse", "fetch")
                .build();

        assertThat(plan.graph().states().stream().map(StateNode::id).map(StateId::value))
                .containsExactly("op.main.fetch", "op.load.parse", "other.step.publish");
        assertThat(plan.graph().edges())
                .containsExactly(
                        new DependencyEdge(id("fetch"), new StateId("op.load.parse")),
                        new DependencyEdge(new StateId("op.load.parse"), new StateId("other.step.publish")),
                        new DependencyEdge(id("fetch"), new StateId("other.step.publish")));
        StateMeta publish = plan.graph().states().get(2).state().meta();
        assertThat(publish.sideEffects()).isEqualTo(SideEffectKind.APPLY_SIDE_EFFECT);
        assertThat(publish.idempotency()).isEqualTo(new Idempotency.Key("k"));
        assertThat(publish.tags()).containsExactly(new Tag(StandardTags.APPLY_SIDE_EFFECT));
        assertThat(plan.graph().states().get(0).state().meta().sideEffects()).isEqualTo(SideEffectKind.READ_ONLY_IO);
    }

    @Test
    void theBuilderValidatesAndReportsMisuse() {
        assertThatThrownBy(() -> Plan.builder("op")
                        .pure("a", ctx -> {})
                        .pure("a", ctx -> {})
                        .build())
                .isInstanceOfSatisfying(PlanValidationException.class, e -> assertThat(e.error())
                        .isEqualTo(new PlanValidationError.DuplicateStateId(id("a"))));
        assertThatThrownBy(() ->
                        Plan.builder("op").pure("a", ctx -> {}).needs("ghost").build())
                .isInstanceOfSatisfying(PlanValidationException.class, e -> assertThat(e.error())
                        .isEqualTo(new PlanValidationError.MissingStateForEdge(id("ghost"))));
        assertThatThrownBy(() -> Plan.builder("op").needs("a")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Plan.builder("Bad-Op")).hasMessageContaining("op_id");
        assertThatThrownBy(() -> Plan.builder("op").pure("Bad Name", ctx -> {})).hasMessageContaining("state_id");
        assertThat(Plan.builder("op")
                        .pure("a", ctx -> {})
                        .tag("x", "y")
                        .build()
                        .graph()
                        .states()
                        .getFirst()
                        .state()
                        .meta()
                        .tags())
                .containsExactly(new Tag("x"), new Tag("y"));
    }

    @Test
    void cyclesAreNamedInDependencyOrderFromTheFirstStateReached() {
        ExecutionPlan plan = graph(
                List.of("start", "a", "b", "c"),
                List.of(edge("start", "a"), edge("a", "b"), edge("b", "c"), edge("c", "a")));

        assertThatThrownBy(() -> GraphPlanValidator.INSTANCE.validate(plan))
                .isInstanceOfSatisfying(PlanValidationException.class, e -> assertThat(e.error())
                        .isEqualTo(new PlanValidationError.CircularDependency(List.of(id("a"), id("b"), id("c")))));
        assertThatThrownBy(() ->
                        GraphPlanValidator.INSTANCE.validate(graph(List.of("self"), List.of(edge("self", "self")))))
                .isInstanceOfSatisfying(PlanValidationException.class, e -> assertThat(e.error())
                        .isEqualTo(new PlanValidationError.CircularDependency(List.of(id("self")))));
    }

    @Test
    void checksComeInTheDocumentedOrder() {
        // A plan that is both cyclic and has a dangling edge reports the edge first.
        ExecutionPlan both = graph(List.of("a", "b"), List.of(edge("a", "b"), edge("b", "a"), edge("a", "zz")));
        assertThatThrownBy(() -> GraphPlanValidator.INSTANCE.validate(both))
                .isInstanceOfSatisfying(PlanValidationException.class, e -> assertThat(e.error())
                        .isInstanceOf(PlanValidationError.MissingStateForEdge.class));
        assertThatThrownBy(() -> GraphPlanValidator.INSTANCE.validate(graph(List.of(), List.of())))
                .isInstanceOfSatisfying(PlanValidationException.class, e -> assertThat(e.error())
                        .isInstanceOf(PlanValidationError.EmptyPlan.class));
    }

    @Test
    void tagHintsMustNameATagSomeStateCarries() {
        StateMeta hinted = StateMeta.builder(SideEffectKind.PURE)
                .dependsOn(List.of(new Tag("fetch_data")))
                .build();
        StateMeta carrier =
                StateMeta.builder(SideEffectKind.PURE).tag("fetch_data").build();
        ExecutionPlan ok = new ExecutionPlan(
                new dev.cairn.machine.ids.OpId("op"),
                new StateGraph(
                        List.of(
                                new StateNode(id("h"), new HandlerState(hinted, c -> {})),
                                new StateNode(id("c"), new HandlerState(carrier, c -> {}))),
                        List.of()));
        ExecutionPlan dangling = new ExecutionPlan(
                new dev.cairn.machine.ids.OpId("op"),
                new StateGraph(List.of(new StateNode(id("h"), new HandlerState(hinted, c -> {}))), List.of()));

        GraphPlanValidator.INSTANCE.validate(ok);
        assertThatThrownBy(() -> GraphPlanValidator.INSTANCE.validate(dangling))
                .isInstanceOfSatisfying(PlanValidationException.class, e -> assertThat(e.error())
                        .isEqualTo(new PlanValidationError.DanglingDependencyTag(id("h"), new Tag("fetch_data"))));
    }

    @Test
    void aLongChainValidatesWithoutRecursion() {
        List<String> names = new ArrayList<>();
        List<DependencyEdge> edges = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            names.add("s" + i);
            if (i > 0) {
                edges.add(edge("s" + (i - 1), "s" + i));
            }
        }
        GraphPlanValidator.INSTANCE.validate(graph(names, edges));
        edges.add(edge("s199999", "s0"));

        assertThatThrownBy(() -> GraphPlanValidator.INSTANCE.validate(graph(names, edges)))
                .isInstanceOfSatisfying(PlanValidationException.class, e -> assertThat(
                                ((PlanValidationError.CircularDependency) e.error()).cycle())
                        .hasSize(200_000));
    }

    static DependencyEdge edge(String from, String to) {
        return new DependencyEdge(id(from), id(to));
    }

    static ExecutionPlan graph(List<String> names, List<DependencyEdge> edges) {
        List<StateNode> nodes = new ArrayList<>();
        for (String n : names) {
            nodes.add(new StateNode(
                    id(n),
                    new HandlerState(StateMeta.builder(SideEffectKind.PURE).build(), c -> {})));
        }
        return new ExecutionPlan(new dev.cairn.machine.ids.OpId("op"), new StateGraph(nodes, edges));
    }
}
