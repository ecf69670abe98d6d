package dev.cairn.machine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.engine.RunPhase;
import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.StateException;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.meta.Tag;
import dev.cairn.machine.plan.ExecutionPlan;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The run and attempt lifecycles are transition tables (STYLE rule 4): the engine refuses moves
 * outside them, and this test fails if a move in a table is never exercised by real runs.
 */
class LifecycleCoverageTest {

    final Kit kit = new Kit();

    @Test
    void everyMoveOfBothTablesIsExercised() throws Exception {
        completedFailedAndSkipped();
        cancelled();
        crashedThenResumed();

        Set<String> expected = new LinkedHashSet<>();
        RunLifecycle.TABLE.moves().forEach(m -> expected.add("run " + m));
        AttemptLifecycle.TABLE.moves().forEach(m -> expected.add("attempt " + m));
        assertThat(Set.copyOf(kit.transitions)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aMoveOutsideTheTableIsRefused() {
        assertThat(RunLifecycle.TABLE.allows(RunLifecycle.COMPLETED, RunLifecycle.RUNNING))
                .isFalse();
        assertThatThrownBy(() -> AttemptLifecycle.TABLE.check(AttemptLifecycle.COMPLETED, AttemptLifecycle.RUNNING))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("attempt lifecycle does not allow COMPLETED -> RUNNING");
    }

    private void completedFailedAndSkipped() {
        Stores stores = InMemoryStores.FACTORY.create();
        ExecutionPlan ok = Plan.builder("ok").pure("a", ctx -> {}).build();
        ExecutionPlan bad = Plan.builder("bad")
                .pure("skip", ctx -> {})
                .tag("dry")
                .pure("boom", ctx -> {
                    throw StateException.failed("boom", ErrorCategory.UNKNOWN, false, "boom");
                })
                .build();
        RunConfig dry = RunConfig.builder().skipTags(List.of(new Tag("dry"))).build();
        assertThat(kit.engine().build().start(stores, StartRuns.of(ok).build()).phase())
                .isEqualTo(RunPhase.COMPLETED);
        assertThat(kit.engine()
                        .build()
                        .start(stores, StartRuns.of(bad).runConfig(dry).build())
                        .phase())
                .isEqualTo(RunPhase.FAILED);
    }

    private void cancelled() throws Exception {
        Stores stores = InMemoryStores.FACTORY.create();
        CountDownLatch running = new CountDownLatch(1);
        ExecutionPlan plan = Plan.builder("wait")
                .pure("w", ctx -> {
                    running.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })
                .build();
        Engine engine = kit.engine().build();
        RunHandle handle = engine.submit(stores, StartRuns.of(plan).build());
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        handle.cancel();
        assertThat(handle.await().phase()).isEqualTo(RunPhase.CANCELLED);
    }

    private void crashedThenResumed() {
        Stores stores = InMemoryStores.FACTORY.create();
        AtomicBoolean crashPure = new AtomicBoolean(true);
        AtomicBoolean crashSend = new AtomicBoolean(true);
        ExecutionPlan plan = Plan.builder("mix")
                .pure("p", ctx -> {
                    if (crashPure.getAndSet(false)) {
                        throw new SimulatedCrash("kill -9");
                    }
                })
                .sideEffect("send", ctx -> {
                    if (crashSend.getAndSet(false)) {
                        throw new SimulatedCrash("kill -9");
                    }
                })
                .needs("p")
                .build();
        RunId runId = new RunId(new UUID(7, 7));
        Engine.Builder engine = kit.engine().planResolver(m -> plan).durability(Durability.everyEvent());
        assertThatThrownBy(() -> engine.build()
                        .start(stores, StartRuns.of(plan).runId(runId).build()))
                .isInstanceOf(SimulatedCrash.class);
        assertThatThrownBy(() -> engine.build().resume(stores, runId)).isInstanceOf(SimulatedCrash.class);
        assertThat(engine.build().resume(stores, runId).phase()).isEqualTo(RunPhase.FAILED);
    }
}
