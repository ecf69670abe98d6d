package dev.cairn.machine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.config.BackoffPolicy;
import dev.cairn.machine.config.ExecutionMode;
import dev.cairn.machine.config.RetryPolicy;
import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.engine.RunPhase;
import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.StateException;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.plan.ExecutionPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * FanOutJoin: ready states run concurrently up to the cap, each on its own copy of the context;
 * writes merge in plan order; two writes of one key fail; and the log's order depends on the plan
 * and the outcomes only, never on timing.
 */
public abstract class FanOutContractTest {

    protected abstract StoresFactory stores();

    final Kit kit = new Kit();

    static RunConfig fanOut(int cap) {
        return RunConfig.builder()
                .executionMode(new ExecutionMode.FanOutJoin(cap))
                .build();
    }

    @Test
    void readyStatesRunConcurrentlyInWavesUpToTheCap() {
        Stores stores = stores().create();
        CyclicBarrier together = new CyclicBarrier(3);
        Plan.Builder b = Plan.builder("fan");
        for (String name : List.of("a", "b", "c", "d", "e", "f")) {
            b.pure(name, ctx -> {
                try {
                    // Three states can only pass this barrier if they run at the same time.
                    together.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw StateException.failed("not_concurrent", ErrorCategory.UNKNOWN, false, e.toString());
                }
            });
        }

        RunResult result = kit.engine()
                .build()
                .start(stores, StartRuns.of(b.build()).runConfig(fanOut(3)).build());

        assertThat(result.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(Kit.describe(stores, result.runId()))
                .containsExactly(
                        "RunStarted",
                        "Entered a#0",
                        "Entered b#0",
                        "Entered c#0",
                        "Completed a",
                        "Completed b",
                        "Completed c",
                        "Entered d#0",
                        "Entered e#0",
                        "Entered f#0",
                        "Completed d",
                        "Completed e",
                        "Completed f",
                        "RunCompleted COMPLETED");
    }

    @Test
    void neverMoreThanTheCapRunAtOnce() {
        Stores stores = stores().create();
        AtomicInteger now = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        Plan.Builder b = Plan.builder("fan");
        for (int i = 0; i < 12; i++) {
            b.pure("s" + i, ctx -> {
                max.accumulateAndGet(now.incrementAndGet(), Math::max);
                Thread.yield();
                now.decrementAndGet();
            });
        }

        kit.engine()
                .build()
                .start(stores, StartRuns.of(b.build()).runConfig(fanOut(4)).build());

        assertThat(max.get()).isBetween(1, 4);
    }

    @Test
    void dependantsWaitForTheJoin() {
        Stores stores = stores().create();
        ExecutionPlan plan = Plan.builder("fan")
                .pure("left", ctx -> ctx.put("left", 1))
                .pure("right", ctx -> ctx.put("right", 2))
                .pure(
                        "join",
                        ctx -> ctx.put("sum", ctx.require("left", Integer.class) + ctx.require("right", Integer.class)))
                .needs("left", "right")
                .build();

        RunResult result = kit.engine()
                .build()
                .start(stores, StartRuns.of(plan).runConfig(fanOut(8)).build());

        assertThat(Kit.describe(stores, result.runId()))
                .containsExactly(
                        "RunStarted",
                        "Entered left#0",
                        "Entered right#0",
                        "Completed left",
                        "Completed right",
                        "Entered join#0",
                        "Completed join",
                        "RunCompleted COMPLETED");
        assertThat(Kit.snapshot(stores, result.finalSnapshotId().orElseThrow())
                        .get("sum")
                        .intValue())
                .isEqualTo(3);
    }

    @Test
    void eachStateWorksOnItsOwnCopyAndWritesMergeInPlanOrder() {
        Stores stores = stores().create();
        ConcurrentHashMap<String, Boolean> sawSibling = new ConcurrentHashMap<>();
        CyclicBarrier wrote = new CyclicBarrier(2);
        ExecutionPlan plan = Plan.builder("fan")
                .pure("a", ctx -> {
                    ctx.put("x", 1);
                    await(wrote);
                    sawSibling.put("a", ctx.read("y").isPresent());
                })
                .pure("b", ctx -> {
                    ctx.put("y", 2);
                    await(wrote);
                    sawSibling.put("b", ctx.read("x").isPresent());
                })
                .build();

        RunResult result = kit.engine()
                .build()
                .start(stores, StartRuns.of(plan).runConfig(fanOut(2)).build());

        assertThat(sawSibling).containsEntry("a", false).containsEntry("b", false);
        List<KernelEvent> events = Kit.kernel(stores, result.runId());
        var afterA = (KernelEvent.StateCompleted) events.get(3);
        var afterB = (KernelEvent.StateCompleted) events.get(4);
        assertThat(Kit.snapshot(stores, afterA.contextSnapshotId()))
                .isEqualTo(Wire.mapper().createObjectNode().put("x", 1));
        assertThat(Kit.snapshot(stores, afterB.contextSnapshotId()))
                .isEqualTo(Wire.mapper().createObjectNode().put("x", 1).put("y", 2));
    }

    @Test
    void twoConcurrentWritesOfOneKeyFailTheRunNamingBothStatesAndTheKey() {
        Stores stores = stores().create();
        ExecutionPlan plan = Plan.builder("fan")
                .pure("a", ctx -> ctx.put("total", 1))
                .pure("b", ctx -> ctx.put("other", 1))
                .pure("c", ctx -> ctx.put("total", 2))
                .build();

        RunResult result = kit.engine()
                .build()
                .start(stores, StartRuns.of(plan).runConfig(fanOut(3)).build());

        assertThat(result.phase()).isEqualTo(RunPhase.FAILED);
        assertThat(Kit.describe(stores, result.runId()))
                .containsExactly(
                        "RunStarted",
                        "Entered a#0",
                        "Entered b#0",
                        "Entered c#0",
                        "Completed a",
                        "Completed b",
                        "Failed c:context_write_conflict",
                        "RunCompleted FAILED");
        var failed =
                (KernelEvent.StateFailed) Kit.kernel(stores, result.runId()).get(6);
        assertThat(failed.error().info().message())
                .contains("fan.main.a")
                .contains("fan.main.c")
                .contains("`total`");
        assertThat(failed.error().info().details().orElseThrow().get("key").textValue())
                .isEqualTo("total");
        assertThat(Kit.snapshot(stores, result.finalSnapshotId().orElseThrow())
                        .get("total")
                        .intValue())
                .as("never a silent overwrite: the first write stands")
                .isEqualTo(1);
    }

    @Test
    void deletingAKeyASiblingWroteIsAConflictToo() {
        Stores stores = stores().create();
        ExecutionPlan plan = Plan.builder("fan")
                .pure("seed", ctx -> ctx.put("k", 0))
                .pure("a", ctx -> ctx.put("k", 1))
                .needs("seed")
                .pure("b", ctx -> ctx.delete("k"))
                .needs("seed")
                .build();

        RunResult result = kit.engine()
                .build()
                .start(stores, StartRuns.of(plan).runConfig(fanOut(2)).build());

        assertThat(Kit.describe(stores, result.runId())).contains("Failed b:context_write_conflict");
    }

    @Test
    void aFailingStateLetsItsWaveFinishAndStartsNoFurtherWave() {
        Stores stores = stores().create();
        AtomicInteger later = new AtomicInteger();
        ExecutionPlan plan = Plan.builder("fan")
                .pure("a", ctx -> ctx.put("a", 1))
                .pure("b", ctx -> {
                    throw StateException.failed("broken", ErrorCategory.UNKNOWN, false, "b is broken");
                })
                .pure("c", ctx -> ctx.put("c", 1))
                .pure("d", ctx -> later.incrementAndGet())
                .needs("a")
                .build();

        RunResult result = kit.engine()
                .build()
                .start(stores, StartRuns.of(plan).runConfig(fanOut(3)).build());

        assertThat(later).hasValue(0);
        assertThat(Kit.describe(stores, result.runId()))
                .containsExactly(
                        "RunStarted",
                        "Entered a#0",
                        "Entered b#0",
                        "Entered c#0",
                        "Completed a",
                        "Failed b:broken",
                        "Completed c",
                        "RunCompleted FAILED");
    }

    @Test
    void aRetryableFailureRunsAgainInALaterWave() {
        Stores stores = stores().create();
        AtomicInteger calls = new AtomicInteger();
        ExecutionPlan plan = Plan.builder("fan")
                .pure("a", ctx -> {
                    if (calls.incrementAndGet() == 1) {
                        throw StateException.failed("flaky", ErrorCategory.RPC, true, "again");
                    }
                })
                .pure("b", ctx -> ctx.put("b", 1))
                .pure("c", ctx -> ctx.put("c", 1))
                .needs("b")
                .build();
        RunConfig config = RunConfig.builder()
                .executionMode(new ExecutionMode.FanOutJoin(2))
                .retryPolicy(new RetryPolicy(2, new BackoffPolicy.Fixed(Duration.ofSeconds(3))))
                .build();

        RunResult result = kit.engine()
                .build()
                .start(stores, StartRuns.of(plan).runConfig(config).build());

        assertThat(Kit.describe(stores, result.runId()))
                .containsExactly(
                        "RunStarted",
                        "Entered a#0",
                        "Entered b#0",
                        "Failed a:flaky",
                        "Completed b",
                        "Entered a#1",
                        "Entered c#0",
                        "Completed a",
                        "Completed c",
                        "RunCompleted COMPLETED");
        assertThat(kit.clock.sleeps()).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void theLogIsTheSameWhateverOrderConcurrentStatesFinishIn() {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        Random random = new Random(seed);
        List<String> names = List.of("a", "b", "c", "d", "e");
        List<String> reference = null;
        for (int round = 0; round < 15; round++) {
            List<String> finishOrder = new ArrayList<>(names);
            Collections.shuffle(finishOrder, random);
            ConcurrentHashMap<String, CountDownLatch> turn = new ConcurrentHashMap<>();
            names.forEach(n -> turn.put(n, new CountDownLatch(1)));
            turn.get(finishOrder.getFirst()).countDown();
            Plan.Builder b = Plan.builder("fan");
            for (String name : names) {
                b.readOnly(name, ctx -> {
                    await(turn.get(name));
                    ctx.put(name, name.toUpperCase());
                    ctx.emit("progress", JsonNodeFactory.instance.objectNode().put("state", name));
                    ctx.io().recordValue(new FactKey("seen:" + name), JsonNodeFactory.instance.textNode(name));
                    int next = finishOrder.indexOf(name) + 1;
                    if (next < finishOrder.size()) {
                        turn.get(finishOrder.get(next)).countDown();
                    }
                });
            }
            b.pure("sum", ctx -> ctx.put("n", names.size())).needs(names.toArray(String[]::new));
            Stores stores = stores().create();

            RunResult result = kit.engine()
                    .build()
                    .start(stores, StartRuns.of(b.build()).runConfig(fanOut(5)).build());

            List<String> shape = Kit.shape(stores, result.runId());
            if (reference == null) {
                reference = shape;
            }
            assertThat(shape).as("finish order %s", finishOrder).isEqualTo(reference);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out waiting for a turn");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
