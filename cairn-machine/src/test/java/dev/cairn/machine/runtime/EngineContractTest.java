package dev.cairn.machine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.Canonical;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.config.BackoffPolicy;
import dev.cairn.machine.config.ContextCheckpointing;
import dev.cairn.machine.config.EventProfile;
import dev.cairn.machine.config.RetryPolicy;
import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.config.RunManifest;
import dev.cairn.machine.context.DynContext;
import dev.cairn.machine.engine.RunPhase;
import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.engine.StartRun;
import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.RunError;
import dev.cairn.machine.errors.RunException;
import dev.cairn.machine.errors.StateException;
import dev.cairn.machine.errors.StorageError;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.ids.OpId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.meta.Idempotency;
import dev.cairn.machine.meta.SideEffectKind;
import dev.cairn.machine.meta.StandardTags;
import dev.cairn.machine.meta.StateMeta;
import dev.cairn.machine.meta.Tag;
import dev.cairn.machine.plan.DependencyEdge;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.plan.PlanValidationException;
import dev.cairn.machine.plan.StateGraph;
import dev.cairn.machine.plan.StateNode;
import dev.cairn.machine.runtime.io.IoTransportRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The engine's start semantics: event order, snapshots, validation before anything is written,
 * retries, skip tags, event profiles, secrets, cancellation, durability barriers and child runs.
 * Abstract over the stores; {@link InMemoryEngineContractTest} runs it on the in-memory stores.
 */
public abstract class EngineContractTest {

    protected abstract StoresFactory stores();

    final Kit kit = new Kit();

    /** A secret-looking value tests put where it must never be persisted. */
    static final String GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";

    record Order(String sku, int quantity) {}

    // ------------------------------------------------------------------ order of events

    @Test
    void sequentialRunAppendsEachAttemptBetweenEnteredAndTerminal() {
        Stores stores = stores().create();
        ExecutionPlan plan = Plan.builder("demo")
                .pure("a", ctx -> ctx.put("a", 1))
                .pure("b", ctx -> ctx.put("b", ctx.require("a", Integer.class) + 1))
                .needs("a")
                .pure("c", ctx -> ctx.put("c", ctx.require("b", Integer.class) + 1))
                .needs("b")
                .build();
        StartRun run = StartRuns.of(plan).build();

        RunResult result = kit.engine().build().start(stores, run);

        assertThat(result.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(Kit.describe(stores, result.runId()))
                .containsExactly(
                        "RunStarted",
                        "Entered a#0",
                        "Completed a",
                        "Entered b#0",
                        "Completed b",
                        "Entered c#0",
                        "Completed c",
                        "RunCompleted COMPLETED");
        List<EventEnvelope> log = Kit.log(stores, result.runId());
        for (int i = 0; i < log.size(); i++) {
            assertThat(log.get(i).seq()).isEqualTo(i + 1);
            assertThat(log.get(i).tsMillis()).contains(kit.clock.nowMillis());
        }
        assertThat(Kit.snapshot(stores, result.finalSnapshotId().orElseThrow()))
                .isEqualTo(
                        Wire.mapper().createObjectNode().put("a", 1).put("b", 2).put("c", 3));
    }

    @Test
    void manifestAndInitialSnapshotAreStoredBeforeRunStarted() {
        Stores stores = stores().create();
        ExecutionPlan plan = Plan.builder("demo").pure("a", ctx -> {}).build();
        ObjectNode params = JsonNodeFactory.instance.objectNode().put("region", "eu");
        StartRun run = StartRuns.of(plan)
                .opVersion("1.0")
                .inputParams(params)
                .initialContext(JsonContext.empty().with("greeting", "hi"))
                .build();

        RunResult result = kit.engine().build().start(stores, run);

        KernelEvent.RunStarted started =
                (KernelEvent.RunStarted) Kit.kernel(stores, result.runId()).getFirst();
        assertThat(started.opId()).isEqualTo(new OpId("demo"));
        assertThat(started.manifestId()).isEqualTo(run.manifestId());
        byte[] manifest = stores.artifacts().get(run.manifestId());
        assertThat(manifest).isEqualTo(Canonical.canonicalize(Wire.toTree(run.manifest())));
        assertThat(Wire.read(manifest, RunManifest.class)).isEqualTo(run.manifest());
        assertThat(Kit.snapshot(stores, started.initialSnapshotId()))
                .isEqualTo(Wire.mapper().createObjectNode().put("greeting", "hi"));
        assertThat(started.initialSnapshotId().value())
                .isEqualTo(ArtifactIds.ofJson(Wire.mapper().createObjectNode().put("greeting", "hi")));
    }

    @Test
    void stateEnteredCarriesTheBaseSnapshotAndStateCompletedTheNewCheckpoint() {
        Stores stores = stores().create();
        ExecutionPlan plan = Plan.builder("demo")
                .pure("a", ctx -> ctx.put("x", 1))
                .pure("b", ctx -> ctx.put("y", 2))
                .needs("a")
                .build();

        RunResult result = kit.engine().build().start(stores, StartRuns.of(plan).build());

        List<KernelEvent> events = Kit.kernel(stores, result.runId());
        var started = (KernelEvent.RunStarted) events.get(0);
        var enteredA = (KernelEvent.StateEntered) events.get(1);
        var completedA = (KernelEvent.StateCompleted) events.get(2);
        var enteredB = (KernelEvent.StateEntered) events.get(3);
        var completedB = (KernelEvent.StateCompleted) events.get(4);
        assertThat(enteredA.baseSnapshotId()).isEqualTo(started.initialSnapshotId());
        assertThat(enteredB.baseSnapshotId()).isEqualTo(completedA.contextSnapshotId());
        assertThat(Kit.snapshot(stores, completedA.contextSnapshotId()))
                .isEqualTo(Wire.mapper().createObjectNode().put("x", 1));
        assertThat(Kit.snapshot(stores, completedB.contextSnapshotId()))
                .isEqualTo(Wire.mapper().createObjectNode().put("x", 1).put("y", 2));
        assertThat(result.finalSnapshotId()).contains(completedB.contextSnapshotId());
    }

    @Test
    void equalContextsGiveEqualSnapshotIds() {
        Stores stores = stores().create();
        ExecutionPlan plan = Plan.builder("demo")
                .pure("noop", ctx -> {})
                .pure("write", ctx -> ctx.put("k", "v"))
                .needs("noop")
                .pure("delete", ctx -> ctx.delete("k"))
                .needs("write")
                .build();
        Engine engine = kit.engine().build();

        RunResult first = engine.start(stores, StartRuns.of(plan).build());
        RunResult second = engine.start(stores, StartRuns.of(plan).build());

        List<KernelEvent> events = Kit.kernel(stores, first.runId());
        ArtifactId initial = ((KernelEvent.RunStarted) events.get(0)).initialSnapshotId();
        ArtifactId afterNoop = ((KernelEvent.StateCompleted) events.get(2)).contextSnapshotId();
        ArtifactId afterWrite = ((KernelEvent.StateCompleted) events.get(4)).contextSnapshotId();
        ArtifactId afterDelete = ((KernelEvent.StateCompleted) events.get(6)).contextSnapshotId();
        assertThat(afterNoop).isEqualTo(initial);
        assertThat(afterWrite).isNotEqualTo(initial);
        assertThat(afterDelete).isEqualTo(initial);
        assertThat(first.runId()).isNotEqualTo(second.runId());
        assertThat(second.finalSnapshotId()).isEqualTo(first.finalSnapshotId());
    }

    @Test
    void typedContextAccessReadsAndWritesWireTypes() {
        Stores stores = stores().create();
        AtomicReference<Order> seen = new AtomicReference<>();
        ExecutionPlan plan = Plan.builder("shop")
                .pure("order", ctx -> ctx.put("order", new Order("tea", 2)))
                .pure(
                        "check",
                        ctx -> seen.set(ctx.readTyped("order", Order.class).orElseThrow()))
                .needs("order")
                .build();

        RunResult result = kit.engine().build().start(stores, StartRuns.of(plan).build());

        assertThat(seen.get()).isEqualTo(new Order("tea", 2));
        assertThat(Kit.snapshot(stores, result.finalSnapshotId().orElseThrow()).get("order"))
                .isEqualTo(Wire.mapper().createObjectNode().put("sku", "tea").put("quantity", 2));
    }

    @Test
    void aTypedReadOfTheWrongShapeFailsTheStateWithTheSeedsCode() {
        Stores stores = stores().create();
        ExecutionPlan plan = Plan.builder("shop")
                .pure("order", ctx -> ctx.put("order", "not an order"))
                .pure("check", ctx -> ctx.require("order", Order.class))
                .needs("order")
                .build();

        RunResult result = kit.engine().build().start(stores, StartRuns.of(plan).build());

        assertThat(result.phase()).isEqualTo(RunPhase.FAILED);
        assertThat(Kit.describe(stores, result.runId())).contains("Failed check:context_deserialize_failed");
    }

    @Test
    void aStateClassGetsTheEngineContextThroughStateContextFrom() {
        Stores stores = stores().create();
        AtomicReference<AttemptInfo> info = new AtomicReference<>();
        dev.cairn.machine.state.State state = new dev.cairn.machine.state.State() {
            @Override
            public StateMeta meta() {
                return StateMeta.builder(SideEffectKind.PURE)
                        .tag(StandardTags.COMPUTE)
                        .build();
            }

            @Override
            public dev.cairn.machine.state.StateOutcome handle(
                    DynContext ctx, dev.cairn.machine.io.IoProvider io, dev.cairn.machine.recorder.EventRecorder rec) {
                info.set(StateContext.from(ctx).attempt());
                return new dev.cairn.machine.state.StateOutcome(dev.cairn.machine.state.SnapshotPolicy.ON_SUCCESS);
            }
        };
        ExecutionPlan plan = Plan.builder("demo").state("klass", state).build();

        RunResult result = kit.engine().build().start(stores, StartRuns.of(plan).build());

        assertThat(info.get().stateId()).isEqualTo(new StateId("demo.main.klass"));
        assertThat(info.get().runId()).isEqualTo(result.runId());
        assertThat(info.get().attempt()).isZero();
        assertThatThrownBy(() -> StateContext.from(JsonContext.empty()))
                .hasMessageContaining("not created by the Cairn engine");
    }

    // ------------------------------------------------------------------ refused before anything is written

    @Test
    void aBadPlanIsRefusedBeforeAnythingIsWritten() {
        StateNode a = node("demo.main.a", StateMeta.builder(SideEffectKind.PURE).build());
        StateNode b = node("demo.main.b", StateMeta.builder(SideEffectKind.PURE).build());
        StateNode c = node("demo.main.c", StateMeta.builder(SideEffectKind.PURE).build());
        StateNode hinted = node(
                "demo.main.h",
                StateMeta.builder(SideEffectKind.PURE)
                        .dependsOn(List.of(new Tag("nobody")))
                        .build());
        assertRefused(graph(List.of(), List.of()), "empty_plan");
        assertRefused(graph(List.of(a, a), List.of()), "duplicate_state_id");
        assertRefused(graph(List.of(a), List.of(edge("demo.main.a", "demo.main.zz"))), "missing_state_for_edge");
        assertRefused(graph(List.of(a, hinted), List.of()), "dangling_dependency_tag");
        RunException cycle = assertRefused(
                graph(
                        List.of(a, b, c),
                        List.of(
                                edge("demo.main.a", "demo.main.b"),
                                edge("demo.main.b", "demo.main.c"),
                                edge("demo.main.c", "demo.main.a"))),
                "circular_dependency");
        assertThat(cycle.getMessage()).contains("demo.main.a, demo.main.b, demo.main.c");
        assertThat(cycle.getCause()).isInstanceOf(PlanValidationException.class);
    }

    private RunException assertRefused(StateGraph graph, String code) {
        CountingStores counting = new CountingStores(stores().create());
        ExecutionPlan plan = new ExecutionPlan(new OpId("demo"), graph);
        RunConfig config = RunConfig.builder().build();
        RunManifest manifest =
                new RunManifest(plan.opId(), "0", JsonNodeFactory.instance.objectNode(), config, noProvenance());
        StartRun run = new StartRun(manifest, StartRuns.manifestId(manifest), plan, config, JsonContext.empty());
        RunException e = catchRun(() -> kit.engine().build().start(counting.stores, run));
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.error()).isInstanceOf(RunError.InvalidPlan.class);
        assertThat(counting.nothingWritten()).isTrue();
        return e;
    }

    @Test
    void startInputsThatDisagreeAreRefusedBeforeAnythingIsWritten() {
        ExecutionPlan plan = Plan.builder("demo").pure("a", ctx -> {}).build();
        StartRun good = StartRuns.of(plan).build();
        RunManifest other = new RunManifest(
                new OpId("other"),
                "0",
                good.manifest().inputParams(),
                good.runConfig(),
                good.manifest().build());
        RunConfig sequentialVerbose =
                RunConfig.builder().eventProfile(new EventProfile.Verbose()).build();

        assertStartRefused(
                new StartRun(
                        good.manifest(), new ArtifactId("0".repeat(64)), plan, good.runConfig(), JsonContext.empty()),
                KernelCodes.MANIFEST_ID_MISMATCH);
        assertStartRefused(
                new StartRun(other, StartRuns.manifestId(other), plan, good.runConfig(), JsonContext.empty()),
                KernelCodes.MANIFEST_OP_ID_MISMATCH);
        assertStartRefused(
                new StartRun(good.manifest(), good.manifestId(), plan, sequentialVerbose, JsonContext.empty()),
                KernelCodes.RUN_CONFIG_MISMATCH);
        assertStartRefused(
                StartRuns.of(plan)
                        .runConfig(RunConfig.builder()
                                .contextCheckpointing(new ContextCheckpointing.Custom("every_3"))
                                .build())
                        .build(),
                KernelCodes.UNSUPPORTED_CHECKPOINTING);
        assertStartRefused(
                StartRuns.of(plan)
                        .runConfig(RunConfig.builder()
                                .eventProfile(new EventProfile.Custom("audit"))
                                .build())
                        .build(),
                KernelCodes.UNKNOWN_EVENT_PROFILE);
    }

    @Test
    void secretsInInputParamsOrInTheInitialContextAreRefusedNamingThePointerNotTheValue() {
        ExecutionPlan plan = Plan.builder("demo").pure("a", ctx -> {}).build();
        ObjectNode params = JsonNodeFactory.instance.objectNode();
        params.putObject("github").put("token", GITHUB_TOKEN);

        RunException inParams =
                assertStartRefused(StartRuns.of(plan).inputParams(params).build(), KernelCodes.SECRET_IN_INPUT_PARAMS);
        RunException inContext = assertStartRefused(
                StartRuns.of(plan)
                        .initialContext(JsonContext.empty().with("db_password", "hunter2hunter2"))
                        .build(),
                KernelCodes.SECRET_IN_CONTEXT);

        assertThat(inParams.getMessage()).contains("/input_params/github/token").doesNotContain(GITHUB_TOKEN);
        assertThat(inContext.getMessage()).contains("/db_password").doesNotContain("hunter2");
    }

    @Test
    void aRunIdThatAlreadyHasEventsIsRefusedWithConcurrencyAndNothingIsWritten() {
        Stores stores = stores().create();
        ExecutionPlan plan = Plan.builder("demo").pure("a", ctx -> {}).build();
        RunResult first = kit.engine().build().start(stores, StartRuns.of(plan).build());
        CountingStores counting = new CountingStores(stores);

        RunException e = catchRun(() -> kit.engine()
                .build()
                .start(counting.stores, StartRuns.of(plan).runId(first.runId()).build()));

        assertThat(e.error()).isInstanceOf(RunError.Storage.class);
        assertThat(((RunError.Storage) e.error()).error()).isInstanceOf(StorageError.Concurrency.class);
        assertThat(counting.nothingWritten()).isTrue();
    }

    @Test
    void aManifestChangedBetweenTwoStartsIsCheckedAgain() {
        ExecutionPlan plan = Plan.builder("demo").pure("a", ctx -> {}).build();
        ObjectNode params = JsonNodeFactory.instance.objectNode().put("n", 1);
        StartRun run = StartRuns.of(plan).inputParams(params).build();
        Engine engine = kit.engine().build();
        engine.start(stores().create(), run);
        // an equal manifest of its own starts as well (the engine keeps the canonical form it computed)
        StartRun equal = StartRuns.of(plan).inputParams(params.deepCopy()).build();
        assertThat(equal.manifestId()).isEqualTo(run.manifestId());
        engine.start(stores().create(), equal);

        // the manifest's input is a tree its holder can still change: the id no longer matches
        ((ObjectNode) run.manifest().inputParams()).put("n", 2);
        CountingStores counting = new CountingStores(stores().create());
        RunException e = catchRun(() -> engine.start(counting.stores, run));
        assertThat(e.code()).isEqualTo(KernelCodes.MANIFEST_ID_MISMATCH);
        assertThat(counting.nothingWritten()).isTrue();
    }

    private RunException assertStartRefused(StartRun run, String code) {
        CountingStores counting = new CountingStores(stores().create());
        RunException e = catchRun(() -> kit.engine().build().start(counting.stores, run));
        assertThat(e.code()).isEqualTo(code);
        assertThat(counting.nothingWritten()).as("nothing written").isTrue();
        return e;
    }

    // ------------------------------------------------------------------ failures and retries

    @Test
    void retryableFailuresAreRetriedWithFixedBackoffOnTheSleeperPort() {
        Stores stores = stores().create();
        AtomicInteger calls = new AtomicInteger();
        ExecutionPlan plan = Plan.builder("demo")
                .pure("flaky", ctx -> {
                    if (calls.incrementAndGet() < 3) {
                        throw StateException.failed("flaky", ErrorCategory.OFF_CHAIN, true, "try again");
                    }
                    ctx.put("ok", true);
                })
                .build();
        RunConfig config = RunConfig.builder()
                .retryPolicy(new RetryPolicy(3, new BackoffPolicy.Fixed(Duration.ofSeconds(2))))
                .build();

        RunResult result = kit.engine()
                .build()
                .start(stores, StartRuns.of(plan).runConfig(config).build());

        assertThat(result.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(Kit.describe(stores, result.runId()))
                .containsExactly(
                        "RunStarted",
                        "Entered flaky#0",
                        "Failed flaky:flaky",
                        "Entered flaky#1",
                        "Failed flaky:flaky",
                        "Entered flaky#2",
                        "Completed flaky",
                        "RunCompleted COMPLETED");
        assertThat(kit.clock.sleeps()).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    @Test
    void exponentialBackoffDoublesUpToItsCapAndMaxAttemptsCountsTheFirstTry() {
        Stores stores = stores().create();
        AtomicInteger calls = new AtomicInteger();
        ExecutionPlan plan = Plan.builder("demo")
                .pure("down", ctx -> {
                    calls.incrementAndGet();
                    throw StateException.failed("down", ErrorCategory.RPC, true, "service down");
                })
                .build();
        RunConfig config = RunConfig.builder()
                .retryPolicy(new RetryPolicy(
                        5, new BackoffPolicy.Exponential(Duration.ofMillis(100), Duration.ofMillis(500))))
                .build();

        RunResult result = kit.engine()
                .build()
                .start(stores, StartRuns.of(plan).runConfig(config).build());

        assertThat(result.phase()).isEqualTo(RunPhase.FAILED);
        assertThat(calls).hasValue(5);
        assertThat(kit.clock.sleeps())
                .containsExactly(
                        Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(500));
        assertThat(Kit.describe(stores, result.runId())).endsWith("Failed down:down", "RunCompleted FAILED");
    }

    @Test
    void nonRetryableFailuresAreNotRetriedAndStopTheRun() {
        Stores stores = stores().create();
        AtomicInteger after = new AtomicInteger();
        ExecutionPlan plan = Plan.builder("demo")
                .pure("bad", ctx -> {
                    ctx.put("partial", 1);
                    throw StateException.failed("bad_input", ErrorCategory.PARSING_INPUT, false, "no");
                })
                .pure("after", ctx -> after.incrementAndGet())
                .needs("bad")
                .build();
        RunConfig config = RunConfig.builder()
                .retryPolicy(new RetryPolicy(5, new BackoffPolicy.Fixed(Duration.ofSeconds(1))))
                .build();

        RunResult result = kit.engine()
                .build()
                .start(stores, StartRuns.of(plan).runConfig(config).build());

        assertThat(result.phase()).isEqualTo(RunPhase.FAILED);
        assertThat(after).hasValue(0);
        assertThat(kit.clock.sleeps()).isEmpty();
        var failed =
                (KernelEvent.StateFailed) Kit.kernel(stores, result.runId()).get(2);
        assertThat(failed.error().stateId()).contains(new StateId("demo.main.bad"));
        assertThat(failed.error().info().message()).isEqualTo("no");
        assertThat(Kit.snapshot(stores, failed.failureSnapshotId().orElseThrow())
                        .get("partial")
                        .intValue())
                .as("the failure snapshot is diagnostic: the attempt's own context")
                .isEqualTo(1);
        var completed =
                (KernelEvent.RunCompleted) Kit.kernel(stores, result.runId()).getLast();
        assertThat(Kit.snapshot(stores, completed.finalSnapshotId().orElseThrow())
                        .has("partial"))
                .as("the failed attempt's writes are not part of the run's context")
                .isFalse();
    }

    @Test
    void maxAttemptsZeroStillRunsTheFirstAttempt() {
        Stores stores = stores().create();
        AtomicInteger calls = new AtomicInteger();
        ExecutionPlan plan = Plan.builder("demo")
                .pure("once", ctx -> {
                    calls.incrementAndGet();
                    throw StateException.failed("x", ErrorCategory.RPC, true, "retryable");
                })
                .build();
        RunConfig config = RunConfig.builder()
                .retryPolicy(new RetryPolicy(0, new BackoffPolicy.Fixed(Duration.ZERO)))
                .build();

        kit.engine().build().start(stores, StartRuns.of(plan).runConfig(config).build());

        assertThat(calls).hasValue(1);
    }

    @Test
    void aHandlerThrowingSomethingElseFailsWithUnexpectedExceptionAndNoSecretInTheMessage() {
        Stores stores = stores().create();
        ExecutionPlan plan = Plan.builder("demo")
                .pure("npe", ctx -> {
                    throw new IllegalStateException("boom");
                })
                .pure("leak", ctx -> {
                    throw new IllegalStateException("token " + GITHUB_TOKEN);
                })
                .build();
        RunConfig fanOut = RunConfig.builder()
                .executionMode(new dev.cairn.machine.config.ExecutionMode.FanOutJoin(2))
                .build();

        RunResult result = kit.engine()
                .build()
                .start(stores, StartRuns.of(plan).runConfig(fanOut).build());

        List<String> messages = Kit.kernel(stores, result.runId()).stream()
                .filter(KernelEvent.StateFailed.class::isInstance)
                .map(e -> ((KernelEvent.StateFailed) e).error().info())
                .peek(info -> assertThat(info.code().value()).isEqualTo(KernelCodes.UNEXPECTED_EXCEPTION))
                .map(info -> info.message())
                .toList();
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0)).contains("IllegalStateException: boom");
        assertThat(messages.get(1)).contains("IllegalStateException").doesNotContain(GITHUB_TOKEN);
    }

    // ------------------------------------------------------------------ skip tags

    @Test
    void statesCarryingASkipTagAreRecordedAsSkippedAndTheirHandlersNeverRun() {
        Stores stores = stores().create();
        AtomicInteger applied = new AtomicInteger();
        ExecutionPlan plan = Plan.builder("deploy")
                .pure("plan", ctx -> ctx.put("plan", "v2"))
                .sideEffect("apply", ctx -> applied.incrementAndGet())
                .needs("plan")
                .pure("report", ctx -> ctx.put("report", "done"))
                .needs("apply")
                .build();
        RunConfig dryRun = RunConfig.builder()
                .skipTags(List.of(new Tag(StandardTags.APPLY_SIDE_EFFECT)))
                .build();

        RunResult result = kit.engine()
                .build()
                .start(stores, StartRuns.of(plan).runConfig(dryRun).build());

        assertThat(result.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(applied).hasValue(0);
        assertThat(Kit.describe(stores, result.runId()))
                .containsExactly(
                        "RunStarted",
                        "Entered plan#0",
                        "Completed plan",
                        "Entered apply#0",
                        "Domain state_skipped",
                        "Completed apply",
                        "Entered report#0",
                        "Completed report",
                        "RunCompleted COMPLETED");
        DomainEvent skipped =
                Kit.domain(stores, result.runId(), EngineEvents.STATE_SKIPPED).getFirst();
        assertThat(Wire.fromTree(skipped.payload(), EngineEvents.StateSkipped.class))
                .isEqualTo(new EngineEvents.StateSkipped(
                        new StateId("deploy.main.apply"), List.of(new Tag(StandardTags.APPLY_SIDE_EFFECT))));
        List<KernelEvent> events = Kit.kernel(stores, result.runId());
        assertThat(((KernelEvent.StateCompleted) events.get(4)).contextSnapshotId())
                .as("a skipped state leaves the context as it was")
                .isEqualTo(((KernelEvent.StateEntered) events.get(3)).baseSnapshotId());
    }

    // ------------------------------------------------------------------ event profiles

    @Test
    void eventProfilesKeepWhatTheyDocument() {
        ExecutionPlan plan = Plan.builder("demo")
                .pure("a", ctx -> {
                    ctx.emit("invoice_sent", new Order("tea", 1));
                    ctx.put("x", 1);
                    ctx.io().recordValue(new FactKey("price"), JsonNodeFactory.instance.numberNode(3));
                })
                .build();

        assertThat(names(plan, new EventProfile.Minimal())).containsExactly("fact_recorded");
        assertThat(names(plan, new EventProfile.Normal())).containsExactly("invoice_sent", "fact_recorded");
        assertThat(names(plan, new EventProfile.Verbose()))
                .containsExactly("invoice_sent", "fact_recorded", EngineEvents.STATE_CONTEXT_DIFF);
        assertThat(names(plan, new EventProfile.Custom("facts_and_diffs")))
                .containsExactly("fact_recorded", EngineEvents.STATE_CONTEXT_DIFF);
    }

    private List<String> names(ExecutionPlan plan, EventProfile profile) {
        Stores stores = stores().create();
        Engine engine = kit.engine()
                .eventProfile("facts_and_diffs", (event, eventClass) -> eventClass == EventClass.DIAGNOSTIC)
                .build();
        RunConfig config = RunConfig.builder().eventProfile(profile).build();
        RunResult result =
                engine.start(stores, StartRuns.of(plan).runConfig(config).build());
        return Kit.describe(stores, result.runId()).stream()
                .filter(s -> s.startsWith("Domain "))
                .map(s -> s.substring("Domain ".length()))
                .toList();
    }

    @Test
    void verboseRecordsScheduledRetries() {
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
                .eventProfile(new EventProfile.Verbose())
                .retryPolicy(new RetryPolicy(2, new BackoffPolicy.Fixed(Duration.ofMillis(250))))
                .build();

        RunResult result = kit.engine()
                .build()
                .start(stores, StartRuns.of(plan).runConfig(config).build());

        DomainEvent retry = Kit.domain(stores, result.runId(), EngineEvents.STATE_RETRY_SCHEDULED)
                .getFirst();
        assertThat(Wire.fromTree(retry.payload(), EngineEvents.StateRetryScheduled.class))
                .isEqualTo(new EngineEvents.StateRetryScheduled(
                        new StateId("demo.main.flaky"), 0, 1, Duration.ofMillis(250)));
    }

    @Test
    void handlersMayNotEmitTheEnginesEventNames() {
        Stores stores = stores().create();
        ExecutionPlan plan = Plan.builder("demo")
                .pure("forge", ctx -> ctx.events()
                        .emit(DomainEvent.of(
                                DomainEvent.DOMAIN_EVENT_FACT_RECORDED, JsonNodeFactory.instance.objectNode())))
                .build();

        RunResult result = kit.engine().build().start(stores, StartRuns.of(plan).build());

        assertThat(Kit.describe(stores, result.runId())).contains("Failed forge:reserved_event_name");
        assertThat(Kit.domain(stores, result.runId(), DomainEvent.DOMAIN_EVENT_FACT_RECORDED))
                .isEmpty();
    }

    // ------------------------------------------------------------------ secrets after start

    @Test
    void aDomainEventOrAContextHoldingASecretFailsTheStateAndIsNeverPersisted() {
        Stores stores = stores().create();
        AtomicReference<RunException> refused = new AtomicReference<>();
        ExecutionPlan plan = Plan.builder("demo")
                .pure("emit", ctx -> {
                    try {
                        ctx.events()
                                .emit(DomainEvent.of(
                                        "login",
                                        JsonNodeFactory.instance.objectNode().put("api_key", "sk-live-123456789")));
                    } catch (RunException e) {
                        refused.set(e);
                        throw e;
                    }
                })
                .build();
        ExecutionPlan context = Plan.builder("demo")
                .pure(
                        "store",
                        ctx -> ctx.put(
                                "github", JsonNodeFactory.instance.objectNode().put("token", GITHUB_TOKEN)))
                .build();

        RunResult first = kit.engine().build().start(stores, StartRuns.of(plan).build());
        RunResult second =
                kit.engine().build().start(stores, StartRuns.of(context).build());

        assertThat(refused.get().code()).isEqualTo(KernelCodes.SECRET_IN_DOMAIN_EVENT);
        assertThat(refused.get().getMessage()).contains("/payload/api_key").doesNotContain("sk-live");
        assertThat(Kit.describe(stores, first.runId())).contains("Failed emit:secret_in_domain_event");
        assertThat(Kit.describe(stores, second.runId())).contains("Failed store:secret_in_context");
        var failed =
                (KernelEvent.StateFailed) Kit.kernel(stores, second.runId()).get(2);
        assertThat(failed.failureSnapshotId())
                .as("no snapshot holds the secret")
                .isEmpty();
        assertThat(failed.error().info().message()).contains("/github/token");
        String persisted = String.join("\n", Kit.shape(stores, first.runId()))
                + String.join("\n", Kit.shape(stores, second.runId()));
        assertThat(persisted).doesNotContain("sk-live").doesNotContain(GITHUB_TOKEN);
    }

    // ------------------------------------------------------------------ cancellation

    @Test
    void cancelFromAnotherThreadInterruptsTheRunningStateAndEndsTheRunCancelled() throws Exception {
        Stores stores = stores().create();
        CountDownLatch running = new CountDownLatch(1);
        AtomicInteger after = new AtomicInteger();
        AtomicReference<Boolean> sawCancelled = new AtomicReference<>();
        ExecutionPlan plan = Plan.builder("demo")
                .pure("wait", ctx -> {
                    running.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        sawCancelled.set(ctx.cancelled());
                        Thread.currentThread().interrupt();
                        ctx.io().nowMillis(); // IO fails fast once cancelled
                    }
                })
                .pure("after", ctx -> after.incrementAndGet())
                .needs("wait")
                .build();
        Engine engine = kit.engine().build();
        RunHandle handle = engine.submit(stores, StartRuns.of(plan).build());
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(engine.cancel(handle.runId())).isTrue();
        RunResult result = handle.await();

        assertThat(result.phase()).isEqualTo(RunPhase.CANCELLED);
        assertThat(sawCancelled.get()).isTrue();
        assertThat(after).hasValue(0);
        assertThat(Kit.describe(stores, result.runId()))
                .containsExactly("RunStarted", "Entered wait#0", "Failed wait:cancelled", "RunCompleted CANCELLED");
        var failed =
                (KernelEvent.StateFailed) Kit.kernel(stores, result.runId()).get(2);
        assertThat(failed.error()
                        .info()
                        .details()
                        .orElseThrow()
                        .get("cause_code")
                        .textValue())
                .isEqualTo("interrupted");
        assertThat(engine.cancel(handle.runId())).as("no longer active").isFalse();
        assertThat(engine.activeRuns()).isEmpty();
    }

    @Test
    void interruptingTheThreadThatRunsStartCancelsTheRunAndKeepsTheInterruptFlag() throws Exception {
        Stores stores = stores().create();
        CountDownLatch running = new CountDownLatch(1);
        ExecutionPlan plan = Plan.builder("demo")
                .pure("wait", ctx -> {
                    running.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        throw StateException.failed("stopped", ErrorCategory.UNKNOWN, false, "interrupted");
                    }
                })
                .build();
        AtomicReference<RunResult> result = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            result.set(kit.engine().build().start(stores, StartRuns.of(plan).build()));
            flag.set(Thread.currentThread().isInterrupted());
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        caller.interrupt();
        caller.join(Duration.ofSeconds(10));

        assertThat(result.get().phase()).isEqualTo(RunPhase.CANCELLED);
        assertThat(flag.get()).isTrue();
        assertThat(Kit.describe(stores, result.get().runId()))
                .endsWith("Failed wait:cancelled", "RunCompleted CANCELLED");
    }

    @Test
    void aRunExecutesOnceAtATimeInAnEngine() throws Exception {
        Stores stores = stores().create();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutionPlan plan = Plan.builder("demo")
                .pure("wait", ctx -> {
                    running.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })
                .build();
        Engine engine = kit.engine().build();
        RunHandle handle = engine.submit(stores, StartRuns.of(plan).build());
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        RunException again = catchRun(() -> engine.resume(stores, handle.runId()));
        release.countDown();

        assertThat(again.code()).isEqualTo(KernelCodes.RUN_ALREADY_ACTIVE);
        assertThat(handle.await().phase()).isEqualTo(RunPhase.COMPLETED);
    }

    // ------------------------------------------------------------------ durability

    @Test
    void everyEventDurabilityAppendsEachEventOnItsOwn() {
        CountingStores counting = new CountingStores(stores().create());
        ExecutionPlan plan = chain(5);

        RunResult result = kit.engine()
                .durability(Durability.everyEvent())
                .build()
                .start(counting.stores, StartRuns.of(plan).build());

        int events = Kit.log(counting.stores, result.runId()).size();
        assertThat(events).isEqualTo(12);
        assertThat(counting.appends).hasValue(events);
    }

    @Test
    void batchedDurabilityMakesAPureRunDurableInOneAppendBeforeStartReturns() {
        CountingStores counting = new CountingStores(stores().create());
        ExecutionPlan plan = chain(50);

        RunResult result =
                kit.engine().build().start(counting.stores, StartRuns.of(plan).build());

        assertThat(counting.appends).hasValue(1);
        assertThat(counting.stores.events().headSeq(result.runId())).isEqualTo(102);
    }

    @Test
    void batchedDurabilityFlushesWhenTheBufferIsFull() {
        CountingStores counting = new CountingStores(stores().create());

        kit.engine()
                .durability(new Durability.Batched(10, Duration.ofHours(1)))
                .build()
                .start(counting.stores, StartRuns.of(chain(20)).build());

        assertThat(counting.appends.get()).isBetween(4, 6);
        assertThat(counting.appendedEvents).hasValue(42);
    }

    @Test
    void sideEffectingStatesStartOnlyOnceTheirEntryIsDurable() {
        Stores stores = stores().create();
        AtomicLong headAtReadOnly = new AtomicLong();
        AtomicLong headAtApply = new AtomicLong();
        AtomicReference<RunId> runId = new AtomicReference<>();
        ExecutionPlan plan = Plan.builder("demo")
                .pure("p1", ctx -> runId.set(ctx.attempt().runId()))
                .readOnly("read", ctx -> headAtReadOnly.set(stores.events().headSeq(runId.get())))
                .needs("p1")
                .sideEffect(
                        "apply",
                        new Idempotency.Key("k"),
                        ctx -> headAtApply.set(stores.events().headSeq(runId.get())))
                .needs("read")
                .build();

        RunResult result = kit.engine().build().start(stores, StartRuns.of(plan).build());

        // RunStarted, Entered p1, Completed p1, Entered read: all durable when `read` runs.
        assertThat(headAtReadOnly).hasValue(4);
        // ... Completed read, Entered apply: durable when `apply` runs.
        assertThat(headAtApply).hasValue(6);
        assertThat(result.phase()).isEqualTo(RunPhase.COMPLETED);
    }

    @Test
    void everyLiveIoCallIsPrecededByADurabilityBarrier() {
        Stores stores = stores().create();
        AtomicLong headAtCall = new AtomicLong();
        AtomicReference<RunId> runId = new AtomicReference<>();
        IoTransportRegistry transports = IoTransportRegistry.builder()
                .register("probe", (call, context) -> {
                    headAtCall.set(stores.events().headSeq(context.runId()));
                    return JsonNodeFactory.instance.objectNode().put("ok", true);
                })
                .build();
        ExecutionPlan plan = Plan.builder("demo")
                .pure("p1", ctx -> runId.set(ctx.attempt().runId()))
                .pure("misclassified", ctx -> ctx.io()
                        .call(new IoCall("probe", JsonNodeFactory.instance.objectNode(), Optional.empty())))
                .needs("p1")
                .build();

        kit.engine()
                .transports(transports)
                .build()
                .start(stores, StartRuns.of(plan).build());

        assertThat(headAtCall).hasValue(4);
    }

    // ------------------------------------------------------------------ child runs

    @Test
    void aStateStartsAChildRunWaitsForItAndTheLogsAreLinked() {
        Stores stores = stores().create();
        ExecutionPlan child = Plan.builder("child")
                .pure("work", ctx -> ctx.put("result", ctx.require("input", Integer.class) * 10))
                .build();
        AtomicReference<ChildRunResult> seen = new AtomicReference<>();
        ExecutionPlan parent = Plan.builder("parent")
                .pure("spawn", ctx -> {
                    ChildRunResult r = ctx.children()
                            .run(StartRuns.of(child)
                                    .initialContext(JsonContext.empty().with("input", 4))
                                    .build());
                    seen.set(r);
                    ctx.put("child_result", r.finalContext().get("result").intValue());
                })
                .build();

        RunResult result =
                kit.engine().build().start(stores, StartRuns.of(parent).build());

        assertThat(result.phase()).isEqualTo(RunPhase.COMPLETED);
        ChildRunResult r = seen.get();
        assertThat(r.completed()).isTrue();
        assertThat(Kit.describe(stores, result.runId()))
                .containsExactly(
                        "RunStarted",
                        "Entered spawn#0",
                        "Domain child_run_spawned",
                        "Domain child_run_completed",
                        "Domain fact_recorded",
                        "Completed spawn",
                        "RunCompleted COMPLETED");
        var spawned = Wire.fromTree(
                Kit.domain(stores, result.runId(), "child_run_spawned")
                        .getFirst()
                        .payload(),
                dev.cairn.machine.events.ChildRunSpawned.class);
        assertThat(spawned.parentRunId()).isEqualTo(result.runId());
        assertThat(spawned.childRunId()).isEqualTo(r.runId());
        assertThat(Kit.describe(stores, r.runId()))
                .containsExactly("RunStarted", "Entered work#0", "Completed work", "RunCompleted COMPLETED");
        assertThat(Kit.snapshot(stores, result.finalSnapshotId().orElseThrow())
                        .get("child_result")
                        .intValue())
                .isEqualTo(40);
    }

    @Test
    void aChildStartRunMustNotCarryARunId() {
        Stores stores = stores().create();
        ExecutionPlan child = Plan.builder("child").pure("work", ctx -> {}).build();
        ExecutionPlan parent = Plan.builder("parent")
                .pure("spawn", ctx -> ctx.children()
                        .run(StartRuns.of(child)
                                .runId(new RunId(new java.util.UUID(1, 2)))
                                .build()))
                .build();

        RunResult result =
                kit.engine().build().start(stores, StartRuns.of(parent).build());

        assertThat(Kit.describe(stores, result.runId())).contains("Failed spawn:child_run_id_assigned");
    }

    // ------------------------------------------------------------------ helpers

    static ExecutionPlan chain(int n) {
        Plan.Builder b = Plan.builder("chain");
        for (int i = 0; i < n; i++) {
            b.pure("s" + i, ctx -> {});
            if (i > 0) {
                b.needs("s" + (i - 1));
            }
        }
        return b.build();
    }

    static RunException catchRun(Runnable action) {
        try {
            action.run();
        } catch (RunException e) {
            return e;
        }
        throw new AssertionError("expected a RunException");
    }

    private static dev.cairn.machine.config.BuildProvenance noProvenance() {
        return dev.cairn.machine.config.BuildProvenance.empty();
    }

    private static StateNode node(String id, StateMeta meta) {
        return new StateNode(new StateId(id), new HandlerState(meta, ctx -> {}));
    }

    private static DependencyEdge edge(String from, String to) {
        return new DependencyEdge(new StateId(from), new StateId(to));
    }

    private static StateGraph graph(List<StateNode> nodes, List<DependencyEdge> edges) {
        return new StateGraph(new ArrayList<>(nodes), edges);
    }
}
