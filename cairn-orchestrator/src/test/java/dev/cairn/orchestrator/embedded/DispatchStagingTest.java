package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.machine.config.BackoffPolicy;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A staged dispatch is either taken by its run's next append or withdrawn by its transport, never
 * both; a taken one tells its transport what the append committed (the end-to-end path, with the
 * barrier's append enqueueing the task, runs in every pipeline test).
 */
class DispatchStagingTest {

    private static final RunId RUN = new RunId(UUID.fromString("00000000-0000-4000-8000-000000000001"));

    private static TaskRequest request() {
        return new TaskRequest(
                "a",
                "/examples/hello/v1",
                new TreeMap<>(),
                JsonNodeFactory.instance.objectNode(),
                List.of(),
                Duration.ofMinutes(1),
                new BackoffPolicy.Fixed(Duration.ZERO),
                "pipeline");
    }

    @Test
    void aDispatchNoAppendTookIsWithdrawnAndNotTakenLater() {
        DispatchStaging staging = new DispatchStaging();
        DispatchStaging.Staged staged = staging.stage(RUN, new StateId("op.a.main"), 0, request());

        assertThat(staging.resolve(staged)).isEmpty();
        assertThat(staging.take(RUN.toString())).isEmpty();
    }

    @Test
    void aTakenDispatchResolvesToWhatItsAppendCommitted() {
        DispatchStaging staging = new DispatchStaging();
        DispatchStaging.Staged a = staging.stage(RUN, new StateId("op.a.main"), 0, request());
        DispatchStaging.Staged b = staging.stage(RUN, new StateId("op.b.main"), 0, request());

        assertThat(staging.take(RUN.toString())).containsExactly(a, b);
        assertThat(staging.take(RUN.toString())).isEmpty();

        TaskQueue.Dispatch committed = new TaskQueue.Dispatch(UUID.randomUUID(), 0, true);
        a.done(Optional.of(committed));
        b.done(Optional.empty()); // its append rolled back: the transport dispatches by itself
        assertThat(staging.resolve(a)).contains(committed);
        assertThat(staging.resolve(b)).isEmpty();
    }

    @Test
    void anotherRunsAppendDoesNotTakeIt() {
        DispatchStaging staging = new DispatchStaging();
        DispatchStaging.Staged staged = staging.stage(RUN, new StateId("op.a.main"), 0, request());

        assertThat(staging.take(UUID.randomUUID().toString())).isEmpty();
        assertThat(staging.take(RUN.toString())).containsExactly(staged);
    }
}
