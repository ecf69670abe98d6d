package dev.cairn.machine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.machine.config.BackoffPolicy;
import dev.cairn.machine.config.ExecutionMode;
import dev.cairn.machine.config.RetryPolicy;
import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.engine.RunPhase;
import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.engine.StartRun;
import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.RunError;
import dev.cairn.machine.errors.RunException;
import dev.cairn.machine.errors.StateException;
import dev.cairn.machine.errors.StorageError;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.meta.Idempotency;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.runtime.io.IoTransportRegistry;
import dev.cairn.machine.stores.EventStore;
import dev.cairn.machine.time.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Resume after a crash: the rules for interrupted attempts, the operator's retry, finished runs,
 * two engines on one log, child runs, and a sweep that crashes a run at every append.
 */
public abstract class ResumeContractTest {

    protected abstract StoresFactory stores();

    final Kit kit = new Kit();

    private final AtomicInteger ids = new AtomicInteger();

    RunId newRunId() {
        return new RunId(new UUID(0x5eed, ids.incrementAndGet()));
    }

    // ------------------------------------------------------------------ interrupted attempts

    @Test
    void anInterruptedPureStateRunsAgainAsTheNextAttempt() {
        Stores stores = stores().create();
        AtomicBoolean crashOnce = new AtomicBoolean(true);
        ExecutionPlan plan = Plan.builder("demo")
                .pure("a", ctx -> ctx.put("a", 1))
                .pure("b", ctx -> {
                    ctx.put("b", 2);
                    if (crashOnce.getAndSet(false)) {
                        throw new SimulatedCrash("kill -9 while b runs");
                    }
                })
                .needs("a")
                .build();
        RunId runId = crashAndResumable(stores, plan, Durability.everyEvent());

        RunResult result = engine(plan).build().resume(stores, runId);

        assertThat(result.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(Kit.describe(stores, runId))
                .containsExactly(
                        "RunStarted",
                        "Entered a#0",
                        "Completed a",
                        "Entered b#0",
                        "Entered b#1",
                        "Completed b",
                        "RunCompleted COMPLETED");
        var retry = (KernelEvent.StateEntered) Kit.kernel(stores, runId).get(4);
        var first = (KernelEvent.StateEntered) Kit.kernel(stores, runId).get(3);
        assertThat(retry.baseSnapshotId()).isEqualTo(first.baseSnapshotId());
    }

    @Test
    void anInterruptedReadOnlyStateRunsAgain() {
        Stores stores = stores().create();
        AtomicInteger calls = new AtomicInteger();
        ExecutionPlan plan = Plan.builder("demo")
                .readOnly("read", ctx -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new SimulatedCrash("kill -9 while read runs");
                    }
                    ctx.put("read", true);
                })
                .build();
        RunId runId = crashAndResumable(stores, plan, Durability.batched());

        RunResult result = engine(plan).build().resume(stores, runId);

        assertThat(result.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(calls).hasValue(2);
        assertThat(Kit.describe(stores, runId))
                .containsExactly(
                        "RunStarted", "Entered read#0", "Entered read#1", "Completed read", "RunCompleted COMPLETED");
    }

    @Test
    void anInterruptedSideEffectWithAKeyRunsAgainAndSeesTheSameKey() {
        Stores stores = stores().create();
        List<String> seen = new CopyOnWriteArrayList<>();
        ExecutionPlan plan = Plan.builder("shop")
                .sideEffect("charge", new Idempotency.Key("charge-order-17"), ctx -> {
                    seen.add(ctx.attempt().attempt() + ":"
                            + ctx.attempt().idempotencyKey().orElseThrow());
                    if (seen.size() == 1) {
                        throw new SimulatedCrash("kill -9 after the charge, before it is recorded");
                    }
                })
                .build();
        RunId runId = crashAndResumable(stores, plan, Durability.batched());

        RunResult result = engine(plan).build().resume(stores, runId);

        assertThat(result.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(seen).containsExactly("0:charge-order-17", "1:charge-order-17");
    }

    @Test
    void anInterruptedSideEffectWithoutAKeyIsNotRunAgainAndFailsInterrupted() {
        Stores stores = stores().create();
        AtomicInteger calls = new AtomicInteger();
        ExecutionPlan plan = unkeyed(calls);
        RunId runId = crashAndResumable(stores, plan, Durability.batched());

        RunResult result = engine(plan).build().resume(stores, runId);

        assertThat(result.phase()).isEqualTo(RunPhase.FAILED);
        assertThat(calls).hasValue(1);
        assertThat(Kit.describe(stores, runId))
                .containsExactly(
                        "RunStarted",
                        "Entered prepare#0",
                        "Completed prepare",
                        "Entered send#0",
                        "Failed send:interrupted_side_effect",
                        "RunCompleted FAILED");
        var failed = (KernelEvent.StateFailed) Kit.kernel(stores, runId).get(4);
        assertThat(failed.error().info().retryable()).isFalse();
        assertThat(failed.error()
                        .info()
                        .details()
                        .orElseThrow()
                        .get("interrupted_attempt")
                        .intValue())
                .isZero();
        assertThat(failed.failureSnapshotId()).isEmpty();
    }

    @Test
    void anOperatorCanAllowTheInterruptedSideEffectToRunAgainAndTheDecisionIsRecorded() {
        Stores stores = stores().create();
        AtomicInteger calls = new AtomicInteger();
        ExecutionPlan plan = unkeyed(calls);
        RunId runId = crashAndResumable(stores, plan, Durability.batched());

        RunResult result =
                engine(plan).build().resume(stores, runId, ResumeOptions.allowRetry(new StateId("mail.main.send")));

        assertThat(result.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(calls).hasValue(2);
        assertThat(Kit.describe(stores, runId))
                .containsExactly(
                        "RunStarted",
                        "Entered prepare#0",
                        "Completed prepare",
                        "Entered send#0",
                        "Domain operator_retry_allowed",
                        "Entered send#1",
                        "Completed send",
                        "RunCompleted COMPLETED");
        var decision =
                Kit.domain(stores, runId, EngineEvents.OPERATOR_RETRY_ALLOWED).getFirst();
        assertThat(dev.cairn.json.wire.Wire.fromTree(decision.payload(), EngineEvents.OperatorRetryAllowed.class))
                .isEqualTo(new EngineEvents.OperatorRetryAllowed(new StateId("mail.main.send"), 0));
    }

    @Test
    void holdingInterruptedSideEffectsRefusesWithoutWritingSoAnOperatorCanDecide() {
        Stores stores = stores().create();
        AtomicInteger calls = new AtomicInteger();
        ExecutionPlan plan = unkeyed(calls);
        RunId runId = crashAndResumable(stores, plan, Durability.batched());
        long head = stores.events().headSeq(runId);

        RunException held = EngineContractTest.catchRun(
                () -> engine(plan).build().resume(stores, runId, ResumeOptions.holdInterrupted()));

        assertThat(held.code()).isEqualTo(KernelCodes.INTERRUPTED_SIDE_EFFECT);
        assertThat(held.hint()).contains("allowRetry(mail.main.send)");
        assertThat(stores.events().headSeq(runId)).isEqualTo(head);
        assertThat(engine(plan)
                        .build()
                        .resume(stores, runId, ResumeOptions.allowRetry(new StateId("mail.main.send")))
                        .phase())
                .isEqualTo(RunPhase.COMPLETED);
    }

    @Test
    void allowRetryForAStateWithNothingInterruptedIsRefusedBeforeWriting() {
        Stores stores = stores().create();
        AtomicInteger calls = new AtomicInteger();
        ExecutionPlan plan = unkeyed(calls);
        RunId runId = crashAndResumable(stores, plan, Durability.batched());
        long head = stores.events().headSeq(runId);

        RunException e = EngineContractTest.catchRun(() ->
                engine(plan).build().resume(stores, runId, ResumeOptions.allowRetry(new StateId("mail.main.prepare"))));

        assertThat(e.code()).isEqualTo(KernelCodes.ALLOW_RETRY_NOT_APPLICABLE);
        assertThat(stores.events().headSeq(runId)).isEqualTo(head);
    }

    private static ExecutionPlan unkeyed(AtomicInteger calls) {
        return Plan.builder("mail")
                .pure("prepare", ctx -> ctx.put("body", "hello"))
                .sideEffect("send", ctx -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new SimulatedCrash("kill -9 while the mail is sent");
                    }
                })
                .needs("prepare")
                .build();
    }

    @Test
    void aSkippedSideEffectInterruptedByACrashIsSkippedAgainNotFailed() {
        Stores stores = stores().create();
        AtomicInteger calls = new AtomicInteger();
        ExecutionPlan plan = Plan.builder("mail")
                .sideEffect("send", ctx -> calls.incrementAndGet())
                .build();
        RunConfig dryRun = RunConfig.builder()
                .skipTags(
                        List.of(new dev.cairn.machine.meta.Tag(dev.cairn.machine.meta.StandardTags.APPLY_SIDE_EFFECT)))
                .build();
        RunId runId = newRunId();
        Stores crashing = new Stores(
                new CrashingEventStore(stores.events(), 2, CrashingEventStore.Mode.BEFORE), stores.artifacts());
        assertThatThrownBy(() -> engine(plan)
                        .durability(Durability.everyEvent())
                        .build()
                        .start(
                                crashing,
                                StartRuns.of(plan)
                                        .runConfig(dryRun)
                                        .runId(runId)
                                        .build()))
                .isInstanceOf(SimulatedCrash.class);
        assertThat(Kit.describe(stores, runId)).containsExactly("RunStarted", "Entered send#0");

        RunResult result = engine(plan).build().resume(stores, runId);

        assertThat(result.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(calls).hasValue(0);
        assertThat(Kit.describe(stores, runId))
                .containsExactly(
                        "RunStarted",
                        "Entered send#0",
                        "Entered send#1",
                        "Domain state_skipped",
                        "Completed send",
                        "RunCompleted COMPLETED");
    }

    @Test
    void aRetryableFailureFollowedByACrashIsRetriedOnResume() {
        Stores stores = stores().create();
        AtomicInteger calls = new AtomicInteger();
        ExecutionPlan plan = Plan.builder("demo")
                .pure("flaky", ctx -> {
                    if (calls.incrementAndGet() == 1) {
                        throw StateException.failed("flaky", ErrorCategory.RPC, true, "again");
                    }
                })
                .build();
        RunConfig config = RunConfig.builder()
                .retryPolicy(new RetryPolicy(3, new BackoffPolicy.Fixed(Duration.ofSeconds(1))))
                .build();
        RunId runId = newRunId();
        Sleeper crashWhileWaiting = d -> {
            throw new SimulatedCrash("kill -9 during the backoff");
        };
        assertThatThrownBy(() -> engine(plan)
                        .durability(Durability.everyEvent())
                        .sleeper(crashWhileWaiting)
                        .build()
                        .start(
                                stores,
                                StartRuns.of(plan)
                                        .runConfig(config)
                                        .runId(runId)
                                        .build()))
                .isInstanceOf(SimulatedCrash.class);

        RunResult result = engine(plan).build().resume(stores, runId);

        assertThat(result.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(Kit.describe(stores, runId))
                .containsExactly(
                        "RunStarted",
                        "Entered flaky#0",
                        "Failed flaky:flaky",
                        "Entered flaky#1",
                        "Completed flaky",
                        "RunCompleted COMPLETED");
        assertThat(kit.clock.sleeps()).containsExactly(Duration.ofSeconds(1));
    }

    // ------------------------------------------------------------------ finished, unknown, contested runs

    @Test
    void resumingAFinishedRunReturnsItsResultAndAppendsNothing() {
        Stores stores = stores().create();
        ExecutionPlan plan = EngineContractTest.chain(3);
        RunResult done = engine(plan).build().start(stores, StartRuns.of(plan).build());
        CountingStores counting = new CountingStores(stores);

        RunResult again = Engine.builder().build().resume(counting.stores, done.runId());

        assertThat(again).isEqualTo(done);
        assertThat(counting.nothingWritten()).isTrue();
    }

    @Test
    void resumingAnUnknownRunIsRunNotFound() {
        RunException e =
                EngineContractTest.catchRun(() -> Engine.builder().build().resume(stores().create(), newRunId()));

        assertThat(e.code()).isEqualTo("run_not_found");
        assertThat(e.error()).isInstanceOf(RunError.Storage.class);
    }

    @Test
    void resumingWithoutAPlanResolverSaysSo() {
        Stores stores = stores().create();
        AtomicInteger calls = new AtomicInteger();
        ExecutionPlan plan = unkeyed(calls);
        RunId runId = crashAndResumable(stores, plan, Durability.batched());

        RunException e =
                EngineContractTest.catchRun(() -> Engine.builder().build().resume(stores, runId));

        assertThat(e.code()).isEqualTo(KernelCodes.NO_PLAN_RESOLVER);
    }

    @Test
    void twoEnginesResumingOneRunOneWinsAndTheOtherStopsWithConcurrencyWithoutWriting() throws Exception {
        Stores stores = stores().create();
        AtomicBoolean crashOnce = new AtomicBoolean(true);
        ExecutionPlan plan = Plan.builder("demo")
                .readOnly("read", ctx -> {
                    if (crashOnce.getAndSet(false)) {
                        throw new SimulatedCrash("kill -9");
                    }
                    ctx.put("read", 1);
                })
                .pure("after", ctx -> ctx.put("after", 2))
                .needs("read")
                .build();
        RunId runId = crashAndResumable(stores, plan, Durability.batched());
        CyclicBarrier bothReady = new CyclicBarrier(2);
        List<Object> outcomes = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Stores gated = new Stores(new GatedEventStore(stores.events(), bothReady), stores.artifacts());
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    outcomes.add(engine(plan).build().resume(gated, runId));
                } catch (RunException e) {
                    outcomes.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(20));
        }

        assertThat(outcomes).hasSize(2);
        List<RunResult> results = outcomes.stream()
                .filter(RunResult.class::isInstance)
                .map(RunResult.class::cast)
                .toList();
        List<RunException> losers = outcomes.stream()
                .filter(RunException.class::isInstance)
                .map(RunException.class::cast)
                .toList();
        assertThat(results).hasSize(1);
        assertThat(results.getFirst().phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(losers).hasSize(1);
        assertThat(losers.getFirst().error()).isInstanceOf(RunError.Storage.class);
        assertThat(((RunError.Storage) losers.getFirst().error()).error()).isInstanceOf(StorageError.Concurrency.class);
        assertValidCompletedLog(stores, runId, plan);
    }

    /** Holds each engine's first append until both engines reach theirs. */
    private static final class GatedEventStore implements EventStore {
        private final EventStore delegate;
        private final CyclicBarrier barrier;
        private final AtomicBoolean first = new AtomicBoolean(true);

        GatedEventStore(EventStore delegate, CyclicBarrier barrier) {
            this.delegate = delegate;
            this.barrier = barrier;
        }

        @Override
        public long headSeq(RunId runId) {
            return delegate.headSeq(runId);
        }

        @Override
        public long append(RunId runId, long expectedSeq, List<EventEnvelope> events) {
            if (first.getAndSet(false)) {
                try {
                    barrier.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return delegate.append(runId, expectedSeq, events);
        }

        @Override
        public List<EventEnvelope> readRange(RunId runId, long fromSeq, Optional<Long> toSeq) {
            return delegate.readRange(runId, fromSeq, toSeq);
        }
    }

    // ------------------------------------------------------------------ child runs

    @Test
    void resumingTheParentNeverStartsItsChildTwice() {
        Stores stores = stores().create();
        AtomicInteger childWork = new AtomicInteger();
        AtomicInteger parentCalls = new AtomicInteger();
        ExecutionPlan child = Plan.builder("child")
                .pure("work", ctx -> ctx.put("n", childWork.incrementAndGet()))
                .build();
        ExecutionPlan parent = Plan.builder("parent")
                .readOnly("spawn", ctx -> {
                    ChildRunResult r = ctx.children().run(StartRuns.of(child).build());
                    ctx.put("child_n", r.finalContext().get("n").intValue());
                    if (parentCalls.incrementAndGet() == 1) {
                        throw new SimulatedCrash("kill -9 after the child finished, before the parent recorded it");
                    }
                })
                .build();
        PlanResolver resolver = m -> m.opId().value().equals("parent") ? parent : child;
        RunId runId = newRunId();
        assertThatThrownBy(() -> kit.engine()
                        .planResolver(resolver)
                        .build()
                        .start(stores, StartRuns.of(parent).runId(runId).build()))
                .isInstanceOf(SimulatedCrash.class);

        RunResult result = kit.engine().planResolver(resolver).build().resume(stores, runId);

        assertThat(result.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(childWork).hasValue(1);
        assertThat(parentCalls).hasValue(2);
        var spawned = Kit.domain(stores, runId, "child_run_spawned").stream()
                .map(e -> e.payload().get("child_run_id").textValue())
                .distinct()
                .toList();
        assertThat(spawned).hasSize(1);
        RunId childId = RunId.parse(spawned.getFirst());
        assertThat(Kit.describe(stores, childId).stream().filter("RunStarted"::equals))
                .hasSize(1);
        assertThat(Kit.snapshot(stores, result.finalSnapshotId().orElseThrow())
                        .get("child_n")
                        .intValue())
                .isEqualTo(1);
    }

    // ------------------------------------------------------------------ resume reads pages

    @Test
    void resumeReadsTheLogInBoundedPages() {
        Stores stores = stores().create();
        AtomicBoolean crashOnce = new AtomicBoolean(true);
        Plan.Builder b = Plan.builder("long");
        for (int i = 0; i < 60; i++) {
            b.pure("s" + i, ctx -> {});
            if (i > 0) {
                b.needs("s" + (i - 1));
            }
        }
        b.readOnly("last", ctx -> {
                    if (crashOnce.getAndSet(false)) {
                        throw new SimulatedCrash("kill -9");
                    }
                })
                .needs("s59");
        ExecutionPlan plan = b.build();
        RunId runId = crashAndResumable(stores, plan, Durability.batched());
        List<Long> pageSizes = new CopyOnWriteArrayList<>();
        EventStore paged = new EventStore() {
            @Override
            public long headSeq(RunId id) {
                return stores.events().headSeq(id);
            }

            @Override
            public long append(RunId id, long expected, List<EventEnvelope> events) {
                return stores.events().append(id, expected, events);
            }

            @Override
            public List<EventEnvelope> readRange(RunId id, long from, Optional<Long> to) {
                assertThat(to).as("resume never reads an unbounded range").isPresent();
                pageSizes.add(to.get() - from + 1);
                return stores.events().readRange(id, from, to);
            }
        };

        RunResult result = engine(plan).resumePageSize(16).build().resume(new Stores(paged, stores.artifacts()), runId);

        assertThat(result.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(pageSizes).isNotEmpty().allMatch(n -> n <= 16);
        assertThat(pageSizes.size()).isGreaterThanOrEqualTo(122 / 16);
    }

    @Test
    void resumeReadsOnlyTheKernelEventsAndTheDomainEventsItUses() {
        Stores stores = stores().create();
        AtomicBoolean crashOnce = new AtomicBoolean(true);
        AtomicInteger quotes = new AtomicInteger();
        ExecutionPlan plan = Plan.builder("chatty")
                .readOnly("quote", ctx -> {
                    for (int i = 0; i < 300; i++) {
                        ctx.emit(
                                "progress",
                                JsonNodeFactory.instance.objectNode().put("i", i));
                    }
                    var r = ctx.io()
                            .call(new IoCall(
                                    "quotes",
                                    JsonNodeFactory.instance.objectNode().put("sku", "tea"),
                                    Optional.of(new FactKey("quote:tea"))));
                    ctx.put("price", r.response().get("price").intValue());
                })
                .pure("after", ctx -> {
                    if (crashOnce.getAndSet(false)) {
                        throw new SimulatedCrash("kill -9");
                    }
                    ctx.put("done", true);
                })
                .needs("quote")
                .build();
        IoTransportRegistry transports = IoTransportRegistry.builder()
                .register("quotes", (call, context) -> {
                    quotes.incrementAndGet();
                    return JsonNodeFactory.instance.objectNode().put("price", 42);
                })
                .build();
        RunId runId = newRunId();
        assertThatThrownBy(() -> engine(plan)
                        .transports(transports)
                        .build()
                        .start(stores, StartRuns.of(plan).runId(runId).build()))
                .isInstanceOf(SimulatedCrash.class);
        List<String> returned = new CopyOnWriteArrayList<>();
        EventStore selective = new EventStore() {
            @Override
            public long headSeq(RunId id) {
                return stores.events().headSeq(id);
            }

            @Override
            public long append(RunId id, long expected, List<EventEnvelope> events) {
                return stores.events().append(id, expected, events);
            }

            @Override
            public List<EventEnvelope> readRange(RunId id, long from, Optional<Long> to) {
                // Beyond the last event (does the log end the run?), resume reads selectively.
                assertThat(to).as("a read of the last event only").contains(from);
                assertThat(from).isEqualTo(headSeq(id));
                return stores.events().readRange(id, from, to);
            }

            @Override
            public java.util.stream.Stream<EventEnvelope> stream(
                    RunId id, long from, int pageSize, dev.cairn.machine.stores.EventSelection selection) {
                assertThat(selection).isEqualTo(RunHistory.SELECTION);
                return stores.events().stream(id, from, pageSize, selection).peek(e -> returned.add(Kit.describe(e)));
            }
        };

        RunResult result =
                engine(plan).transports(transports).build().resume(new Stores(selective, stores.artifacts()), runId);

        assertThat(result.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(quotes).as("the recorded fact was found again").hasValue(1);
        assertThat(Kit.domain(stores, runId, "progress")).hasSize(300);
        assertThat(returned).doesNotContain("Domain progress").contains("Domain fact_recorded", "Completed quote");
        assertValidCompletedLog(stores, runId, plan);
    }

    @Test
    void eventsTheScanLeavesOutStillCannotBreakTheLog() {
        Stores stores = stores().create();
        ExecutionPlan plan = EngineContractTest.chain(2);
        RunResult done = engine(plan).build().start(stores, StartRuns.of(plan).build());
        long head = stores.events().headSeq(done.runId());
        stores.events()
                .append(
                        done.runId(),
                        head,
                        List.of(EventEnvelope.domain(
                                done.runId(),
                                head + 1,
                                dev.cairn.machine.events.DomainEvent.of(
                                        "progress", JsonNodeFactory.instance.objectNode()))));
        RunException afterEnd =
                EngineContractTest.catchRun(() -> engine(plan).build().resume(stores, done.runId()));
        assertThat(afterEnd.code()).isEqualTo("invalid_event_log");
        assertThat(afterEnd.getMessage()).contains("an event follows RunCompleted");

        RunId headless = newRunId();
        stores.events()
                .append(
                        headless,
                        0,
                        List.of(EventEnvelope.domain(
                                headless,
                                1,
                                dev.cairn.machine.events.DomainEvent.of(
                                        "progress", JsonNodeFactory.instance.objectNode()))));
        RunException noStart =
                EngineContractTest.catchRun(() -> engine(plan).build().resume(stores, headless));
        assertThat(noStart.code()).isEqualTo("invalid_event_log");
        assertThat(noStart.getMessage()).contains("does not start with RunStarted");
    }

    // ------------------------------------------------------------------ the crash sweep

    @Test
    void aRunCrashedAtAnyAppendResumesToTheSameResult() {
        for (Durability durability : List.of(Durability.everyEvent(), Durability.batched())) {
            for (ExecutionMode mode : List.of(new ExecutionMode.Sequential(), new ExecutionMode.FanOutJoin(2))) {
                sweep(durability, mode);
            }
        }
    }

    private void sweep(Durability durability, ExecutionMode mode) {
        RunConfig config = RunConfig.builder().executionMode(mode).build();
        Effects reference = new Effects();
        Stores clean = stores().create();
        CountingStores counting = new CountingStores(clean);
        RunResult expected = engine(reference.plan)
                .transports(reference.transports())
                .durability(durability)
                .build()
                .start(
                        counting.stores,
                        StartRuns.of(reference.plan).runConfig(config).build());
        int appends = counting.appends.get();
        assertThat(expected.phase()).isEqualTo(RunPhase.COMPLETED);
        for (int n = 0; n < appends; n++) {
            for (CrashingEventStore.Mode crash : CrashingEventStore.Mode.values()) {
                String label = durability + " " + mode + " crash at append " + n + " " + crash;
                Stores stores = stores().create();
                Effects effects = new Effects();
                RunId runId = newRunId();
                Stores crashing = new Stores(new CrashingEventStore(stores.events(), n, crash), stores.artifacts());
                assertThatThrownBy(() -> engine(effects.plan)
                                .transports(effects.transports())
                                .durability(durability)
                                .build()
                                .start(
                                        crashing,
                                        StartRuns.of(effects.plan)
                                                .runConfig(config)
                                                .runId(runId)
                                                .build()))
                        .as(label)
                        .isInstanceOf(SimulatedCrash.class);
                if (stores.events().headSeq(runId) == 0) {
                    RunException e = EngineContractTest.catchRun(
                            () -> engine(effects.plan).build().resume(stores, runId));
                    assertThat(e.code()).as(label).isEqualTo("run_not_found");
                    continue;
                }

                RunResult result = engine(effects.plan)
                        .transports(effects.transports())
                        .durability(durability)
                        .build()
                        .resume(stores, runId);

                assertThat(result.phase()).as(label).isEqualTo(RunPhase.COMPLETED);
                assertThat(result.finalSnapshotId()).as(label).isEqualTo(expected.finalSnapshotId());
                assertValidCompletedLog(stores, runId, effects.plan);
                assertThat(effects.chargedKeys).as(label).containsOnlyKeys("charge-order-17");
            }
        }
    }

    @Test
    void randomDoubleCrashesStillEndInTheUninterruptedResult() {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        Random random = new Random(seed);
        RunConfig config = RunConfig.builder()
                .executionMode(new ExecutionMode.FanOutJoin(3))
                .build();
        Effects reference = new Effects();
        RunResult expected = engine(reference.plan)
                .transports(reference.transports())
                .durability(Durability.everyEvent())
                .build()
                .start(
                        stores().create(),
                        StartRuns.of(reference.plan).runConfig(config).build());
        for (int round = 0; round < 60; round++) {
            Stores stores = stores().create();
            Effects effects = new Effects();
            RunId runId = newRunId();
            StartRun run =
                    StartRuns.of(effects.plan).runConfig(config).runId(runId).build();
            CrashingEventStore.Mode m1 =
                    random.nextBoolean() ? CrashingEventStore.Mode.AFTER : CrashingEventStore.Mode.BEFORE;
            try {
                engine(effects.plan)
                        .transports(effects.transports())
                        .durability(Durability.everyEvent())
                        .build()
                        .start(
                                new Stores(
                                        new CrashingEventStore(stores.events(), 1 + random.nextInt(14), m1),
                                        stores.artifacts()),
                                run);
            } catch (SimulatedCrash expectedCrash) {
                // the first crash
            }
            try {
                engine(effects.plan)
                        .transports(effects.transports())
                        .durability(Durability.everyEvent())
                        .build()
                        .resume(
                                new Stores(
                                        new CrashingEventStore(
                                                stores.events(), random.nextInt(6), CrashingEventStore.Mode.AFTER),
                                        stores.artifacts()),
                                runId);
            } catch (SimulatedCrash expectedCrash) {
                // the second crash, during resume
            }

            RunResult result = engine(effects.plan)
                    .transports(effects.transports())
                    .build()
                    .resume(stores, runId);

            assertThat(result.finalSnapshotId()).as("round " + round).isEqualTo(expected.finalSnapshotId());
            assertValidCompletedLog(stores, runId, effects.plan);
        }
    }

    /** A plan mixing every side-effect kind, with the effects it applies. */
    static final class Effects {
        final Map<String, AtomicInteger> chargedKeys = new ConcurrentHashMap<>();
        final AtomicInteger quotes = new AtomicInteger();
        final ExecutionPlan plan = Plan.builder("mix")
                .pure("p1", ctx -> ctx.put("p1", 1))
                .readOnly("quote", ctx -> {
                    var r = ctx.io()
                            .call(new IoCall(
                                    "quotes",
                                    JsonNodeFactory.instance.objectNode().put("sku", "tea"),
                                    Optional.of(new FactKey("quote:tea"))));
                    ctx.put("price", r.response().get("price").intValue());
                })
                .needs("p1")
                .sideEffect("charge", new Idempotency.Key("charge-order-17"), ctx -> {
                    chargedKeys
                            .computeIfAbsent(ctx.attempt().idempotencyKey().orElseThrow(), k -> new AtomicInteger())
                            .incrementAndGet();
                    ctx.put("charged", ctx.require("price", Integer.class));
                })
                .needs("quote")
                .pure("p2", ctx -> ctx.put("p2", 2))
                .needs("charge")
                .pure("p3", ctx -> ctx.put("p3", 3))
                .needs("charge")
                .pure("p4", ctx -> ctx.put("p4", ctx.require("p2", Integer.class) + ctx.require("p3", Integer.class)))
                .needs("p2", "p3")
                .build();

        IoTransportRegistry transports() {
            return IoTransportRegistry.builder()
                    .register("quotes", (call, context) -> {
                        quotes.incrementAndGet();
                        return JsonNodeFactory.instance.objectNode().put("price", 42);
                    })
                    .build();
        }
    }

    // ------------------------------------------------------------------ helpers

    Engine.Builder engine(ExecutionPlan plan) {
        return kit.engine().planResolver(manifest -> plan);
    }

    private RunId crashAndResumable(Stores stores, ExecutionPlan plan, Durability durability) {
        RunId runId = newRunId();
        assertThatThrownBy(() -> engine(plan)
                        .durability(durability)
                        .build()
                        .start(stores, StartRuns.of(plan).runId(runId).build()))
                .isInstanceOf(SimulatedCrash.class);
        assertThat(stores.events().headSeq(runId)).isPositive();
        return runId;
    }

    /**
     * The invariants of a completed log: seq contiguous from 1, one RunStarted first and one
     * RunCompleted last, every plan state completed exactly once, attempts of a state increasing,
     * every terminal event closing an entered attempt.
     */
    static void assertValidCompletedLog(Stores stores, RunId runId, ExecutionPlan plan) {
        List<EventEnvelope> log = Kit.log(stores, runId);
        for (int i = 0; i < log.size(); i++) {
            assertThat(log.get(i).seq()).isEqualTo(i + 1);
        }
        List<KernelEvent> kernel = Kit.kernel(stores, runId);
        assertThat(kernel.getFirst()).isInstanceOf(KernelEvent.RunStarted.class);
        assertThat(kernel.getLast()).isInstanceOf(KernelEvent.RunCompleted.class);
        assertThat(kernel.stream().filter(KernelEvent.RunStarted.class::isInstance))
                .hasSize(1);
        assertThat(kernel.stream().filter(KernelEvent.RunCompleted.class::isInstance))
                .hasSize(1);
        Map<StateId, Integer> completed = new HashMap<>();
        Map<StateId, Integer> lastAttempt = new HashMap<>();
        Map<StateId, Boolean> open = new HashMap<>();
        for (KernelEvent e : kernel) {
            switch (e) {
                case KernelEvent.StateEntered s -> {
                    assertThat(s.attempt()).isGreaterThan(lastAttempt.getOrDefault(s.stateId(), -1));
                    lastAttempt.put(s.stateId(), s.attempt());
                    open.put(s.stateId(), true);
                }
                case KernelEvent.StateCompleted c -> {
                    assertThat(open.get(c.stateId())).isTrue();
                    open.put(c.stateId(), false);
                    completed.merge(c.stateId(), 1, Integer::sum);
                }
                case KernelEvent.StateFailed f -> {
                    assertThat(open.get(f.stateId())).isTrue();
                    open.put(f.stateId(), false);
                }
                default -> {}
            }
        }
        assertThat(completed).hasSize(plan.graph().states().size());
        assertThat(completed.values()).allMatch(n -> n == 1);
    }
}
