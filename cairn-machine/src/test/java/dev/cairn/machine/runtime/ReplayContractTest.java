package dev.cairn.machine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.config.BackoffPolicy;
import dev.cairn.machine.config.ExecutionMode;
import dev.cairn.machine.config.IoMode;
import dev.cairn.machine.config.RetryPolicy;
import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.config.RunManifest;
import dev.cairn.machine.engine.RunPhase;
import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.StateException;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.runtime.io.IoTransportRegistry;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Replay-verified runs: a replay re-executes the plan in Replay mode from the original's facts into
 * a new run, performs no live IO, and reports the first state whose snapshot differs.
 */
public abstract class ReplayContractTest {

    protected abstract StoresFactory stores();

    final Kit kit = new Kit();
    final AtomicInteger liveCalls = new AtomicInteger();

    IoTransportRegistry transports() {
        return IoTransportRegistry.builder()
                .register("prices", (call, context) -> JsonNodeFactory.instance
                        .objectNode()
                        .put("price", 100 + liveCalls.incrementAndGet()))
                .build();
    }

    Engine engine(ExecutionPlan plan) {
        return kit.engine()
                .planResolver(manifest -> plan)
                .transports(transports())
                .build();
    }

    /** A plan whose every input is a recorded fact: IO by fact key, clock, randomness, recorded values. */
    static ExecutionPlan deterministic() {
        return Plan.builder("quote")
                .readOnly("price", ctx -> {
                    var r = ctx.io()
                            .call(new IoCall(
                                    "prices",
                                    JsonNodeFactory.instance.objectNode().put("sku", "tea"),
                                    Optional.of(new FactKey("price:tea"))));
                    ctx.put("price", r.response().get("price").intValue());
                })
                .pure("stamp", ctx -> {
                    ctx.put("at", ctx.io().nowMillis());
                    ctx.put("nonce", HexFormat.of().formatHex(ctx.io().randomBytes(8)));
                })
                .needs("price")
                .pure("fx", ctx -> ctx.io().recordValue(new FactKey("fx:eur"), JsonNodeFactory.instance.numberNode(2)))
                .needs("price")
                .pure("total", ctx -> ctx.put("total", ctx.require("price", Integer.class) * 2))
                .needs("stamp", "fx")
                .build();
    }

    @Test
    void aDeterministicRunVerifiesWithoutAnyLiveIo() {
        Stores stores = stores().create();
        ExecutionPlan plan = deterministic();
        Engine engine = engine(plan);
        RunResult original = engine.start(stores, StartRuns.of(plan).build());
        kit.clock.advance(Duration.ofHours(3));
        int callsBefore = liveCalls.get();

        ReplayReport report = engine.replay(stores, original.runId());

        assertThat(report.verified()).isTrue();
        assertThat(report.statesVerified()).isEqualTo(4);
        assertThat(report.result().phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(report.result().finalSnapshotId()).isEqualTo(original.finalSnapshotId());
        assertThat(liveCalls.get()).as("replay performs no live IO").isEqualTo(callsBefore);
        assertThat(report.replayRunId()).isNotEqualTo(original.runId());
        assertThat(Kit.describe(stores, report.replayRunId()))
                .containsExactly(
                        "RunStarted",
                        "Domain replay_of",
                        "Entered price#0",
                        "Completed price",
                        "Entered stamp#0",
                        "Completed stamp",
                        "Entered fx#0",
                        "Completed fx",
                        "Entered total#0",
                        "Completed total",
                        "RunCompleted COMPLETED");
        var started = (KernelEvent.RunStarted)
                Kit.kernel(stores, report.replayRunId()).getFirst();
        RunManifest manifest = Wire.read(stores.artifacts().get(started.manifestId()), RunManifest.class);
        assertThat(manifest.runConfig().ioMode()).isEqualTo(IoMode.REPLAY);
    }

    @Test
    void everyContextSnapshotOfTheReplayEqualsTheOriginals() {
        Stores stores = stores().create();
        ExecutionPlan plan = deterministic();
        Engine engine = engine(plan);
        RunResult original = engine.start(stores, StartRuns.of(plan).build());

        ReplayReport report = engine.replay(stores, original.runId());

        assertThat(completions(stores, report.replayRunId())).isEqualTo(completions(stores, original.runId()));
    }

    @Test
    void aFanOutRunWithRetriesReplaysInTheOriginalsWaveOrder() {
        Stores stores = stores().create();
        AtomicInteger flaky = new AtomicInteger();
        ExecutionPlan plan = Plan.builder("fan")
                .pure("a", ctx -> {
                    if (ctx.attempt().ioMode() == IoMode.LIVE && flaky.incrementAndGet() == 1) {
                        throw StateException.failed("flaky", ErrorCategory.RPC, true, "again");
                    }
                    ctx.put("a", ctx.io().nowMillis());
                })
                .pure("b", ctx -> ctx.put("b", 1))
                .pure("c", ctx -> ctx.put("c", 2))
                .needs("b")
                .build();
        RunConfig config = RunConfig.builder()
                .executionMode(new ExecutionMode.FanOutJoin(2))
                .retryPolicy(new RetryPolicy(2, new BackoffPolicy.Fixed(Duration.ofSeconds(1))))
                .build();
        Engine engine = engine(plan);
        RunResult original =
                engine.start(stores, StartRuns.of(plan).runConfig(config).build());

        ReplayReport report = engine.replay(stores, original.runId());

        assertThat(report.verified()).isTrue();
        assertThat(completions(stores, report.replayRunId())).isEqualTo(completions(stores, original.runId()));
        assertThat(Kit.describe(stores, report.replayRunId()))
                .containsExactly(
                        "RunStarted",
                        "Domain replay_of",
                        "Entered b#0",
                        "Completed b",
                        "Entered a#0",
                        "Entered c#0",
                        "Completed a",
                        "Completed c",
                        "RunCompleted COMPLETED");
    }

    @Test
    void aStateKeyingItsOwnFactsByItsFactAttemptFindsThemInTheReplayOfALaterAttempt() {
        Stores stores = stores().create();
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutionPlan plan = Plan.builder("own")
                .readOnly("quote", ctx -> {
                    AttemptInfo attempt = ctx.attempt();
                    seen.add(attempt.ioMode() + " " + attempt.attempt() + "/" + attempt.factAttempt());
                    var r = ctx.io()
                            .call(new IoCall(
                                    "prices",
                                    JsonNodeFactory.instance.objectNode().put("sku", "tea"),
                                    Optional.of(new FactKey("price:tea|attempt:" + attempt.factAttempt()))));
                    if (attempt.attempt() == 0 && attempt.ioMode() == IoMode.LIVE) {
                        throw StateException.failed("flaky", ErrorCategory.RPC, true, "again");
                    }
                    ctx.put("price", r.response().get("price").intValue());
                })
                .build();
        RunConfig config = RunConfig.builder()
                .retryPolicy(new RetryPolicy(2, new BackoffPolicy.Fixed(Duration.ofSeconds(1))))
                .build();
        Engine engine = engine(plan);
        RunResult original =
                engine.start(stores, StartRuns.of(plan).runConfig(config).build());
        assertThat(original.phase()).isEqualTo(RunPhase.COMPLETED);

        ReplayReport report = engine.replay(stores, original.runId());

        // the replay runs the final attempt as its first, under the final attempt's fact keys
        assertThat(seen).containsExactly("LIVE 0/0", "LIVE 1/1", "REPLAY 0/1");
        assertThat(report.verified())
                .as("the replay read the price the final attempt recorded")
                .isTrue();
        assertThat(liveCalls.get()).isEqualTo(2);
    }

    @Test
    void aHandlerReadingTheHostClockIsCaughtAsADeterminismViolationNamingTheState() {
        Stores stores = stores().create();
        ExecutionPlan plan = Plan.builder("clock")
                .pure("fine", ctx -> ctx.put("fine", 1))
                .pure("leaky", ctx -> ctx.put("t", System.nanoTime()))
                .needs("fine")
                .pure("after", ctx -> ctx.put("after", 1))
                .needs("leaky")
                .build();
        Engine engine = engine(plan);
        RunResult original = engine.start(stores, StartRuns.of(plan).build());

        ReplayReport report = engine.replay(stores, original.runId());

        assertThat(report.verified()).isFalse();
        EngineEvents.ReplayDiverged divergence = report.divergence().orElseThrow();
        assertThat(divergence.stateId()).isEqualTo(new StateId("clock.main.leaky"));
        assertThat(divergence.reason()).isEqualTo("snapshot_mismatch");
        assertThat(divergence.expectedSnapshotId()).isNotEqualTo(divergence.actualSnapshotId());
        assertThat(report.statesVerified()).isEqualTo(1);
        assertThat(report.result().phase()).isEqualTo(RunPhase.FAILED);
        assertThat(Kit.describe(stores, report.replayRunId()))
                .containsExactly(
                        "RunStarted",
                        "Domain replay_of",
                        "Entered fine#0",
                        "Completed fine",
                        "Entered leaky#0",
                        "Completed leaky",
                        "Domain replay_diverged",
                        "RunCompleted FAILED");
    }

    @Test
    void aStateThatNeedsAFactTheOriginalNeverRecordedDivergesWithMissingFact() {
        Stores stores = stores().create();
        AtomicInteger runs = new AtomicInteger();
        ExecutionPlan plan = Plan.builder("drift")
                .pure("a", ctx -> {
                    if (runs.incrementAndGet() > 1) {
                        ctx.io().nowMillis(); // the replay asks for a fact the original never recorded
                    }
                    ctx.put("a", 1);
                })
                .build();
        Engine engine = engine(plan);
        RunResult original = engine.start(stores, StartRuns.of(plan).build());

        ReplayReport report = engine.replay(stores, original.runId());

        assertThat(report.divergence().orElseThrow().reason()).isEqualTo("failed_but_original_completed");
        assertThat(Kit.describe(stores, report.replayRunId())).contains("Failed a:missing_fact");
    }

    @Test
    void aFailedRunReplaysToTheSameFailure() {
        Stores stores = stores().create();
        ExecutionPlan plan = Plan.builder("bad")
                .pure("ok", ctx -> ctx.put("ok", 1))
                .pure("boom", ctx -> {
                    throw StateException.failed("bad_input", ErrorCategory.PARSING_INPUT, false, "no");
                })
                .needs("ok")
                .build();
        Engine engine = engine(plan);
        RunResult original = engine.start(stores, StartRuns.of(plan).build());

        ReplayReport report = engine.replay(stores, original.runId());

        assertThat(original.phase()).isEqualTo(RunPhase.FAILED);
        assertThat(report.verified()).isTrue();
        assertThat(report.statesVerified()).isEqualTo(2);
        assertThat(report.result().phase()).isEqualTo(RunPhase.FAILED);
    }

    @Test
    void childRunsAreReadFromTheOriginalsFactsAndNotStartedAgain() {
        Stores stores = stores().create();
        AtomicInteger childWork = new AtomicInteger();
        ExecutionPlan child = Plan.builder("child")
                .pure("work", ctx -> ctx.put("n", childWork.incrementAndGet()))
                .build();
        ExecutionPlan parent = Plan.builder("parent")
                .pure(
                        "spawn",
                        ctx -> ctx.put(
                                "n",
                                ctx.children()
                                        .run(StartRuns.of(child).build())
                                        .finalContext()
                                        .get("n")
                                        .intValue()))
                .build();
        Engine engine = kit.engine()
                .planResolver(m -> m.opId().value().equals("parent") ? parent : child)
                .build();
        RunResult original = engine.start(stores, StartRuns.of(parent).build());

        ReplayReport report = engine.replay(stores, original.runId());

        assertThat(report.verified()).isTrue();
        assertThat(childWork).hasValue(1);
        assertThat(Kit.domain(stores, report.replayRunId(), "child_run_spawned"))
                .isEmpty();
    }

    @Test
    void aReplayRunInterruptedByACrashResumesAndStillComparesWithTheOriginal() {
        Stores stores = stores().create();
        ExecutionPlan plan = deterministic();
        Engine engine = engine(plan);
        RunResult original = engine.start(stores, StartRuns.of(plan).build());
        Stores crashing = new Stores(
                new CrashingEventStore(
                        stores.events(), 2, CrashingEventStore.Mode.AFTER, id -> !id.equals(original.runId())),
                stores.artifacts());
        RunId[] replayRun = new RunId[1];
        try {
            kit.engine()
                    .planResolver(m -> plan)
                    .durability(Durability.everyEvent())
                    .transitionListener((runId, state, move) -> replayRun[0] = runId)
                    .build()
                    .replay(crashing, original.runId());
        } catch (SimulatedCrash expected) {
            // the replay stopped half way
        }

        RunResult resumed = engine.resume(stores, replayRun[0]);

        assertThat(resumed.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(resumed.finalSnapshotId()).isEqualTo(original.finalSnapshotId());
        assertThat(Kit.domain(stores, replayRun[0], EngineEvents.REPLAY_DIVERGED))
                .isEmpty();
    }

    private static List<String> completions(Stores stores, RunId runId) {
        return Kit.kernel(stores, runId).stream()
                .filter(KernelEvent.StateCompleted.class::isInstance)
                .map(e -> ((KernelEvent.StateCompleted) e).stateId().local() + "="
                        + ((KernelEvent.StateCompleted) e).contextSnapshotId())
                .sorted()
                .toList();
    }
}
