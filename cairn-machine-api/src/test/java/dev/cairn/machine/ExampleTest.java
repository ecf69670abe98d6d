package dev.cairn.machine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.machine.config.BuildProvenance;
import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.config.RunManifest;
import dev.cairn.machine.context.DynContext;
import dev.cairn.machine.engine.StartRun;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.errors.StateException;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.ContextKey;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.ids.OpId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.io.IoProvider;
import dev.cairn.machine.io.IoResult;
import dev.cairn.machine.meta.DependencyStrategy;
import dev.cairn.machine.meta.Idempotency;
import dev.cairn.machine.meta.SideEffectKind;
import dev.cairn.machine.meta.StateMeta;
import dev.cairn.machine.meta.Tag;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.plan.StateGraph;
import dev.cairn.machine.plan.StateNode;
import dev.cairn.machine.recorder.EventRecorder;
import dev.cairn.machine.state.SnapshotPolicy;
import dev.cairn.machine.state.State;
import dev.cairn.machine.state.StateOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The seed's crate-level example, in Java: a state, a context and a plan. */
class ExampleTest {

    static final class ExampleState implements State {
        @Override
        public StateMeta meta() {
            return new StateMeta(
                    List.of(new Tag("report")),
                    List.of(),
                    DependencyStrategy.LATEST,
                    SideEffectKind.PURE,
                    new Idempotency.None());
        }

        @Override
        public StateOutcome handle(DynContext ctx, IoProvider io, EventRecorder rec) throws StateException {
            return new StateOutcome(SnapshotPolicy.ON_SUCCESS);
        }
    }

    static final class NullContext implements DynContext {
        @Override
        public Optional<JsonNode> read(ContextKey key) {
            return Optional.empty();
        }

        @Override
        public void write(ContextKey key, JsonNode value) {}

        @Override
        public void delete(ContextKey key) {}

        @Override
        public JsonNode dump() {
            return JsonNodeFactory.instance.objectNode();
        }
    }

    /** Test double for a pure state: every IO operation fails. */
    static final class RefusingIo implements IoProvider {
        private static IoException refused(String what) {
            return IoException.other(
                    ErrorInfo.of("io_refused", ErrorCategory.UNKNOWN, false, "pure state attempted IO: " + what), null);
        }

        @Override
        public IoResult call(IoCall call) {
            throw refused("call " + call.namespace());
        }

        @Override
        public ArtifactId recordValue(FactKey key, JsonNode value) {
            throw refused("record_value");
        }

        @Override
        public Optional<ArtifactId> getRecordedFact(FactKey key) {
            throw refused("get_recorded_fact");
        }

        @Override
        public long nowMillis() {
            throw refused("now_millis");
        }

        @Override
        public byte[] randomBytes(int n) {
            throw refused("random_bytes");
        }
    }

    static ExecutionPlan examplePlan() {
        return new ExecutionPlan(
                OpId.of("portfolio_snapshot"),
                new StateGraph(
                        List.of(new StateNode(StateId.of("machine.main.report"), new ExampleState())), List.of()));
    }

    static StartRun exampleStartRun() {
        RunConfig config = RunConfig.builder().build();
        RunManifest manifest = new RunManifest(
                OpId.of("portfolio_snapshot"),
                "1",
                JsonNodeFactory.instance.objectNode(),
                config,
                BuildProvenance.empty());
        return new StartRun(manifest, ArtifactId.of("0".repeat(64)), examplePlan(), config, new NullContext());
    }

    @Test
    void theSeedsExampleCompilesAndRuns() {
        DynContext context = new NullContext();
        ExecutionPlan plan = examplePlan();
        assertThat(plan.opId().value()).isEqualTo("portfolio_snapshot");

        State state = plan.graph().states().get(0).state();
        assertThat(state.meta().tags()).containsExactly(new Tag("report"));
        List<DomainEvent> emitted = new ArrayList<>();
        EventRecorder recorder = new EventRecorder() {
            @Override
            public void emit(DomainEvent event) {
                emitted.add(event);
            }

            @Override
            public void emitMany(List<DomainEvent> events) {
                emitted.addAll(events);
            }
        };
        // ExampleState is pure: any IO it attempted would fail the test.
        assertThat(state.handle(context, new RefusingIo(), recorder))
                .isEqualTo(new StateOutcome(SnapshotPolicy.ON_SUCCESS));
        assertThat(emitted).isEmpty();
        assertThat(context.readTyped(new ContextKey("anything"), String.class)).isEmpty();
    }
}
