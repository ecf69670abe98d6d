package dev.cairn.machine;

import static dev.cairn.machine.Fixtures.HELLO;
import static dev.cairn.machine.Fixtures.PRICES;
import static dev.cairn.machine.Fixtures.READ_ETH;
import static dev.cairn.machine.Fixtures.RUN;
import static dev.cairn.machine.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ShortNode;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.context.DynContext;
import dev.cairn.machine.engine.RunPhase;
import dev.cairn.machine.engine.StartRun;
import dev.cairn.machine.events.ArtifactWritten;
import dev.cairn.machine.events.ChildRunCompleted;
import dev.cairn.machine.events.ChildRunSpawned;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.FactRecorded;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.events.OpBoundary;
import dev.cairn.machine.events.RunStatus;
import dev.cairn.machine.ids.OpPath;
import dev.cairn.machine.meta.StandardTags;
import dev.cairn.machine.plan.DependencyEdge;
import dev.cairn.machine.plan.StateGraph;
import dev.cairn.machine.stores.ArtifactKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Value semantics the kernel relies on: equal wire forms are equal records, constants are the seed's. */
class ValuesTest {

    @Test
    void jsonBuiltInJavaEqualsItselfReadBackFromTheWire() {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("long", 5L);
        payload.set("short", ShortNode.valueOf((short) 7));
        payload.put("big", 9_000_000_000L);
        payload.set("huge", BigIntegerNode.valueOf(BigInteger.TWO.pow(70)));
        payload.set("float", FloatNode.valueOf(0.1f));
        payload.set("decimal", DecimalNode.valueOf(new BigDecimal("1.25")));
        payload.putArray("list").add(1L).add(2.5f);
        DomainEvent event = DomainEvent.of("numbers", payload);
        EventEnvelope envelope = EventEnvelope.domain(RUN, 1, event);
        assertThat(Wire.read(Wire.write(envelope), EventEnvelope.class)).isEqualTo(envelope);
        assertThat(event.payload()).isEqualTo(json(Wire.write(payload)));
    }

    @Test
    void recordsCopyJsonSoLaterMutationDoesNotLeakIn() {
        ObjectNode payload = (ObjectNode) json("{\"a\":1}");
        DomainEvent event = DomainEvent.of("n", payload);
        payload.put("a", 2);
        assertThat(event.payload()).isEqualTo(json("{\"a\":1}"));
    }

    @Test
    void envelopesStartAtSequenceOne() {
        KernelEvent done = new KernelEvent.RunCompleted(RunStatus.COMPLETED, Optional.empty());
        assertThat(EventEnvelope.kernel(RUN, 1, done).seq()).isEqualTo(1);
        assertThatThrownBy(() -> EventEnvelope.kernel(RUN, 0, done)).hasMessageContaining("seq starts at 1");
        assertThatThrownBy(() ->
                        new EventEnvelope(RUN, 1, Optional.of(-1L), new dev.cairn.machine.events.Event.Kernel(done)))
                .hasMessageContaining("ts_millis");
        assertThatThrownBy(() -> new KernelEvent.StateEntered(READ_ETH, -1, HELLO))
                .hasMessageContaining("attempt");
    }

    @Test
    void standardPayloadsBecomeTheirNamedDomainEvents() {
        assertThat(DomainEvent.DOMAIN_EVENT_FACT_RECORDED).isEqualTo("fact_recorded");
        assertThat(DomainEvent.DOMAIN_EVENT_ARTIFACT_WRITTEN).isEqualTo("artifact_written");
        assertThat(DomainEvent.DOMAIN_EVENT_OP_BOUNDARY).isEqualTo("op_boundary");
        assertThat(DomainEvent.DOMAIN_EVENT_CHILD_RUN_SPAWNED).isEqualTo("child_run_spawned");
        assertThat(DomainEvent.DOMAIN_EVENT_CHILD_RUN_COMPLETED).isEqualTo("child_run_completed");

        FactRecorded fact = new FactRecorded(PRICES, HELLO, json("{}"));
        assertThat(fact.toDomainEvent())
                .isEqualTo(new DomainEvent("fact_recorded", Wire.toTree(fact), Optional.empty()));
        assertThat(Wire.fromTree(fact.toDomainEvent().payload(), FactRecorded.class))
                .isEqualTo(fact);
        assertThat(new ArtifactWritten(HELLO, new ArtifactKind.Output(), json("{}"))
                        .toDomainEvent()
                        .name())
                .isEqualTo("artifact_written");
        assertThat(new OpBoundary(OpPath.of("m.s"), OpBoundary.STARTED)
                        .toDomainEvent()
                        .payload())
                .isEqualTo(json("{\"op_path\":\"m.s\",\"phase\":\"started\"}"));
        assertThat(new ChildRunSpawned(RUN, RUN, HELLO).toDomainEvent().name()).isEqualTo("child_run_spawned");
        assertThat(new ChildRunCompleted(RUN, RunStatus.FAILED, Optional.empty())
                        .toDomainEvent()
                        .name())
                .isEqualTo("child_run_completed");
    }

    @Test
    void standardTagsAreTheSeeds() {
        assertThat(List.of(
                        StandardTags.CONFIG,
                        StandardTags.FETCH_DATA,
                        StandardTags.COMPUTE,
                        StandardTags.EXECUTE,
                        StandardTags.REPORT,
                        StandardTags.APPLY_SIDE_EFFECT,
                        StandardTags.IMPURE))
                .containsExactly("config", "fetch_data", "compute", "execute", "report", "apply_side_effect", "impure");
    }

    @Test
    void runPhasesFollowRunStatuses() {
        assertThat(RunPhase.of(RunStatus.COMPLETED)).isEqualTo(RunPhase.COMPLETED);
        assertThat(RunPhase.of(RunStatus.FAILED)).isEqualTo(RunPhase.FAILED);
        assertThat(RunPhase.of(RunStatus.CANCELLED)).isEqualTo(RunPhase.CANCELLED);
        assertThat(RunPhase.RUNNING.terminal()).isFalse();
        assertThat(RunPhase.FAILED.terminal()).isTrue();
    }

    @Test
    void graphsAreImmutableCopies() {
        List<DependencyEdge> edges = new ArrayList<>();
        StateGraph graph = new StateGraph(List.of(), edges);
        edges.add(new DependencyEdge(READ_ETH, READ_ETH));
        assertThat(graph.edges()).isEmpty();
        assertThatThrownBy(() -> graph.states().add(null)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void startRunLetsTheCallerNameTheRun() {
        StartRun run = ExampleTest.exampleStartRun();
        assertThat(run.runId()).isEmpty();
        assertThat(run.withRunId(RUN).runId()).contains(RUN);
        assertThat(run.withRunId(RUN).plan()).isSameAs(run.plan());
        DynContext ctx = run.initialContext();
        assertThat(ctx.dump()).isEqualTo(json("{}"));
    }
}
