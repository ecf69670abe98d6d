package dev.cairn.machine;

import static dev.cairn.machine.Fixtures.CHILD_RUN;
import static dev.cairn.machine.Fixtures.EMPTY;
import static dev.cairn.machine.Fixtures.HELLO;
import static dev.cairn.machine.Fixtures.HELLO_WORLD;
import static dev.cairn.machine.Fixtures.MISSING_FACT_KEY;
import static dev.cairn.machine.Fixtures.PRICES;
import static dev.cairn.machine.Fixtures.READ_ETH;
import static dev.cairn.machine.Fixtures.RENDER;
import static dev.cairn.machine.Fixtures.RUN;
import static dev.cairn.machine.Fixtures.UPSTREAM_DOWN;
import static dev.cairn.machine.Fixtures.json;

import com.fasterxml.jackson.databind.node.NullNode;
import dev.cairn.machine.config.BackoffPolicy;
import dev.cairn.machine.config.BuildProvenance;
import dev.cairn.machine.config.ContextCheckpointing;
import dev.cairn.machine.config.EventProfile;
import dev.cairn.machine.config.ExecutionMode;
import dev.cairn.machine.config.IoMode;
import dev.cairn.machine.config.RetryPolicy;
import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.config.RunManifest;
import dev.cairn.machine.engine.RunPhase;
import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.errors.ContextError;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.IoError;
import dev.cairn.machine.errors.RunError;
import dev.cairn.machine.errors.StateError;
import dev.cairn.machine.errors.StorageError;
import dev.cairn.machine.events.ArtifactWritten;
import dev.cairn.machine.events.ChildRunCompleted;
import dev.cairn.machine.events.ChildRunSpawned;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.FactRecorded;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.events.OpBoundary;
import dev.cairn.machine.events.RunStatus;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.ContextKey;
import dev.cairn.machine.ids.ErrorCode;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.ids.OpId;
import dev.cairn.machine.ids.OpPath;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.io.IoResult;
import dev.cairn.machine.meta.DependencyStrategy;
import dev.cairn.machine.meta.Idempotency;
import dev.cairn.machine.meta.SideEffectKind;
import dev.cairn.machine.meta.StateMeta;
import dev.cairn.machine.meta.Tag;
import dev.cairn.machine.plan.DependencyEdge;
import dev.cairn.machine.plan.PlanValidationError;
import dev.cairn.machine.state.SnapshotPolicy;
import dev.cairn.machine.state.StateOutcome;
import dev.cairn.machine.stores.ArtifactKind;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Java values of the golden files: {@code golden/<file>.json} maps each case name to the JSON
 * serde writes for the value registered here under the same name, read back as {@code type}.
 */
final class GoldenCases {

    /** One golden case: the value and the type it is read back as (the family, for a variant). */
    record Case(Object value, Class<?> type) {}

    private GoldenCases() {}

    static Map<String, Map<String, Case>> all() {
        Map<String, Map<String, Case>> files = new LinkedHashMap<>();
        files.put("ids", ids());
        files.put("meta", meta());
        files.put("config", config());
        files.put("errors", errors());
        files.put("events", events());
        files.put("io", io());
        files.put("state", state());
        files.put("plan", plan());
        files.put("stores", stores());
        files.put("engine", engine());
        return files;
    }

    private static Map<String, Case> ids() {
        Map<String, Case> c = new LinkedHashMap<>();
        c.put("OpId", new Case(new OpId("portfolio_snapshot"), OpId.class));
        c.put("OpPath", new Case(new OpPath("portfolio_snapshot.fetch_balances"), OpPath.class));
        c.put("StateId", new Case(READ_ETH, StateId.class));
        c.put("RunId", new Case(RUN, dev.cairn.machine.ids.RunId.class));
        c.put("ArtifactId", new Case(HELLO, ArtifactId.class));
        c.put("FactKey", new Case(PRICES, FactKey.class));
        c.put("ContextKey", new Case(new ContextKey("balances.eth"), ContextKey.class));
        c.put("ErrorCode", new Case(new ErrorCode("missing_fact_key"), ErrorCode.class));
        return c;
    }

    private static Map<String, Case> meta() {
        Map<String, Case> c = new LinkedHashMap<>();
        c.put("Tag", new Case(new Tag("fetch_data"), Tag.class));
        c.put("SideEffectKind.Pure", new Case(SideEffectKind.PURE, SideEffectKind.class));
        c.put("SideEffectKind.ReadOnlyIo", new Case(SideEffectKind.READ_ONLY_IO, SideEffectKind.class));
        c.put("SideEffectKind.ApplySideEffect", new Case(SideEffectKind.APPLY_SIDE_EFFECT, SideEffectKind.class));
        c.put("Idempotency.None", new Case(new Idempotency.None(), Idempotency.class));
        c.put("Idempotency.Key", new Case(new Idempotency.Key("tx:0xabc"), Idempotency.class));
        c.put("DependencyStrategy.Latest", new Case(DependencyStrategy.LATEST, DependencyStrategy.class));
        c.put("DependencyStrategy.Earliest", new Case(DependencyStrategy.EARLIEST, DependencyStrategy.class));
        c.put(
                "DependencyStrategy.LatestSuccessful",
                new Case(DependencyStrategy.LATEST_SUCCESSFUL, DependencyStrategy.class));
        c.put(
                "StateMeta",
                new Case(
                        new StateMeta(
                                List.of(new Tag("apply_side_effect"), new Tag("impure")),
                                List.of(new Tag("fetch_data")),
                                DependencyStrategy.LATEST_SUCCESSFUL,
                                SideEffectKind.APPLY_SIDE_EFFECT,
                                new Idempotency.Key("tx:0xabc")),
                        StateMeta.class));
        return c;
    }

    private static Map<String, Case> config() {
        BackoffPolicy fixed = new BackoffPolicy.Fixed(Duration.ofMillis(2500));
        BackoffPolicy exponential = new BackoffPolicy.Exponential(Duration.ofSeconds(1), Duration.ofMinutes(1));
        Map<String, Case> c = new LinkedHashMap<>();
        c.put("IoMode.Live", new Case(IoMode.LIVE, IoMode.class));
        c.put("IoMode.Replay", new Case(IoMode.REPLAY, IoMode.class));
        c.put("EventProfile.Minimal", new Case(new EventProfile.Minimal(), EventProfile.class));
        c.put("EventProfile.Normal", new Case(new EventProfile.Normal(), EventProfile.class));
        c.put("EventProfile.Verbose", new Case(new EventProfile.Verbose(), EventProfile.class));
        c.put("EventProfile.Custom", new Case(new EventProfile.Custom("audit"), EventProfile.class));
        c.put("BackoffPolicy.Fixed", new Case(fixed, BackoffPolicy.class));
        c.put("BackoffPolicy.Exponential", new Case(exponential, BackoffPolicy.class));
        c.put("RetryPolicy", new Case(new RetryPolicy(3, exponential), RetryPolicy.class));
        c.put("ExecutionMode.Sequential", new Case(new ExecutionMode.Sequential(), ExecutionMode.class));
        c.put("ExecutionMode.FanOutJoin", new Case(new ExecutionMode.FanOutJoin(4), ExecutionMode.class));
        c.put(
                "ContextCheckpointing.AfterEveryState",
                new Case(new ContextCheckpointing.AfterEveryState(), ContextCheckpointing.class));
        c.put(
                "ContextCheckpointing.Custom",
                new Case(new ContextCheckpointing.Custom("every_3"), ContextCheckpointing.class));
        c.put(
                "RunConfig",
                new Case(
                        new RunConfig(
                                IoMode.REPLAY,
                                new RetryPolicy(3, fixed),
                                new EventProfile.Custom("audit"),
                                new ExecutionMode.FanOutJoin(4),
                                new ContextCheckpointing.AfterEveryState(),
                                true,
                                List.of(new Tag("apply_side_effect")),
                                List.of("github:example/flakes", "github:willyrgf/mfm")),
                        RunConfig.class));
        c.put("RunConfig.defaults", new Case(RunConfig.builder().build(), RunConfig.class));
        c.put(
                "BuildProvenance",
                new Case(
                        new BuildProvenance(
                                Optional.of("5155555aa1b2c3d4e5f60718293a4b5c6d7e8f90"),
                                Optional.empty(),
                                Optional.of(EMPTY.value()),
                                Optional.empty(),
                                Optional.of("x86_64-unknown-linux-gnu"),
                                List.of("CI", "LANG")),
                        BuildProvenance.class));
        c.put("BuildProvenance.empty", new Case(BuildProvenance.empty(), BuildProvenance.class));
        c.put(
                "RunManifest",
                new Case(
                        new RunManifest(
                                new OpId("portfolio_snapshot"),
                                "1.4.0",
                                json(
                                        "{\"wallets\":[\"0xabc\",\"0xdef\"],\"chain_id\":1,\"dry_run\":false,\"note\":null}"),
                                RunConfig.builder().build(),
                                BuildProvenance.empty()),
                        RunManifest.class));
        return c;
    }

    private static Map<String, Case> errors() {
        ErrorInfo rateLimited = ErrorInfo.of("rate_limited", ErrorCategory.RPC, true, "429 from upstream")
                .withDetails(json("{\"retry_after_ms\":1500,\"endpoint\":\"prices\"}"));
        Map<String, Case> c = new LinkedHashMap<>();
        c.put("ErrorCategory.ParsingInput", new Case(ErrorCategory.PARSING_INPUT, ErrorCategory.class));
        c.put("ErrorCategory.OnChain", new Case(ErrorCategory.ON_CHAIN, ErrorCategory.class));
        c.put("ErrorCategory.OffChain", new Case(ErrorCategory.OFF_CHAIN, ErrorCategory.class));
        c.put("ErrorCategory.Rpc", new Case(ErrorCategory.RPC, ErrorCategory.class));
        c.put("ErrorCategory.Storage", new Case(ErrorCategory.STORAGE, ErrorCategory.class));
        c.put("ErrorCategory.Context", new Case(ErrorCategory.CONTEXT, ErrorCategory.class));
        c.put("ErrorCategory.Unknown", new Case(ErrorCategory.UNKNOWN, ErrorCategory.class));
        c.put("ErrorInfo", new Case(MISSING_FACT_KEY, ErrorInfo.class));
        c.put("ErrorInfo.details", new Case(rateLimited, ErrorInfo.class));
        c.put("StateError", new Case(StateError.of(UPSTREAM_DOWN).withStateId(READ_ETH), StateError.class));
        c.put(
                "StateError.unattributed",
                new Case(
                        StateError.of(
                                ErrorInfo.of("bad_input", ErrorCategory.PARSING_INPUT, false, "wallet list is empty")),
                        StateError.class));
        c.put("IoError.MissingFactKey", new Case(new IoError.MissingFactKey(MISSING_FACT_KEY), IoError.class));
        c.put(
                "IoError.MissingFact",
                new Case(
                        new IoError.MissingFact(
                                PRICES,
                                ErrorInfo.of("missing_fact", ErrorCategory.RPC, false, "missing recorded fact")),
                        IoError.class));
        c.put(
                "IoError.Transport",
                new Case(
                        new IoError.Transport(
                                ErrorInfo.of("connection_reset", ErrorCategory.RPC, true, "connection reset by peer")),
                        IoError.class));
        c.put("IoError.RateLimited", new Case(new IoError.RateLimited(rateLimited), IoError.class));
        c.put(
                "IoError.Other",
                new Case(
                        new IoError.Other(
                                ErrorInfo.of("interrupted", ErrorCategory.UNKNOWN, true, "interrupted during IO")),
                        IoError.class));
        c.put(
                "ContextError.MissingKey",
                new Case(
                        new ContextError.MissingKey(
                                new ContextKey("balances.eth"),
                                ErrorInfo.of(
                                        "missing_context_key",
                                        ErrorCategory.CONTEXT,
                                        false,
                                        "context key `balances.eth` is not set")),
                        ContextError.class));
        c.put(
                "ContextError.Serialization",
                new Case(
                        new ContextError.Serialization(ErrorInfo.of(
                                "context_deserialize_failed",
                                ErrorCategory.CONTEXT,
                                false,
                                "context value deserialization failed")),
                        ContextError.class));
        c.put(
                "ContextError.Other",
                new Case(
                        new ContextError.Other(ErrorInfo.of(
                                "secrets_detected", ErrorCategory.UNKNOWN, false, "context contained secrets")),
                        ContextError.class));
        c.put(
                "StorageError.Concurrency",
                new Case(
                        new StorageError.Concurrency(ErrorInfo.of(
                                        "event_store_concurrency",
                                        ErrorCategory.STORAGE,
                                        false,
                                        "append to run 0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30 expected head seq 3 but"
                                                + " the head is 5")
                                .withDetails(json("{\"run_id\":\"0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30\","
                                        + "\"expected_seq\":3,\"actual_seq\":5}"))),
                        StorageError.class));
        c.put(
                "StorageError.NotFound",
                new Case(
                        new StorageError.NotFound(
                                ErrorInfo.of("artifact_not_found", ErrorCategory.STORAGE, false, "artifact not found")),
                        StorageError.class));
        c.put(
                "StorageError.Corruption",
                new Case(
                        new StorageError.Corruption(
                                ErrorInfo.of("artifact_corrupt", ErrorCategory.STORAGE, false, "hash mismatch")),
                        StorageError.class));
        c.put(
                "StorageError.Other",
                new Case(
                        new StorageError.Other(
                                ErrorInfo.of("storage_unavailable", ErrorCategory.STORAGE, true, "database is locked")),
                        StorageError.class));
        c.put(
                "RunError.InvalidPlan",
                new Case(
                        new RunError.InvalidPlan(ErrorInfo.of(
                                "manifest_id_mismatch",
                                ErrorCategory.UNKNOWN,
                                false,
                                "manifest_id did not match canonical JSON hash of the manifest")),
                        RunError.class));
        c.put(
                "RunError.Storage",
                new Case(
                        new RunError.Storage(new StorageError.NotFound(ErrorInfo.of(
                                "run_not_found", ErrorCategory.STORAGE, false, "run event stream was not found"))),
                        RunError.class));
        c.put(
                "RunError.Context",
                new Case(
                        new RunError.Context(new ContextError.Serialization(ErrorInfo.of(
                                "context_serialize_failed",
                                ErrorCategory.CONTEXT,
                                false,
                                "context value serialization failed"))),
                        RunError.class));
        c.put("RunError.Io", new Case(new RunError.Io(new IoError.MissingFactKey(MISSING_FACT_KEY)), RunError.class));
        c.put(
                "RunError.State",
                new Case(new RunError.State(StateError.of(UPSTREAM_DOWN).withStateId(READ_ETH)), RunError.class));
        c.put(
                "RunError.Other",
                new Case(
                        new RunError.Other(ErrorInfo.of(
                                "secrets_detected", ErrorCategory.UNKNOWN, false, "domain event contained secrets")),
                        RunError.class));
        return c;
    }

    private static Map<String, Case> events() {
        KernelEvent runStarted = new KernelEvent.RunStarted(new OpId("portfolio_snapshot"), HELLO, EMPTY);
        Map<String, Case> c = new LinkedHashMap<>();
        c.put("RunStatus.Completed", new Case(RunStatus.COMPLETED, RunStatus.class));
        c.put("RunStatus.Failed", new Case(RunStatus.FAILED, RunStatus.class));
        c.put("RunStatus.Cancelled", new Case(RunStatus.CANCELLED, RunStatus.class));
        c.put("KernelEvent.RunStarted", new Case(runStarted, KernelEvent.class));
        c.put(
                "KernelEvent.StateEntered",
                new Case(new KernelEvent.StateEntered(READ_ETH, 2, EMPTY), KernelEvent.class));
        c.put(
                "KernelEvent.StateCompleted",
                new Case(new KernelEvent.StateCompleted(READ_ETH, HELLO_WORLD), KernelEvent.class));
        c.put(
                "KernelEvent.StateFailed",
                new Case(
                        new KernelEvent.StateFailed(
                                READ_ETH, StateError.of(UPSTREAM_DOWN).withStateId(READ_ETH), Optional.of(HELLO_WORLD)),
                        KernelEvent.class));
        c.put(
                "KernelEvent.RunCompleted",
                new Case(new KernelEvent.RunCompleted(RunStatus.FAILED, Optional.empty()), KernelEvent.class));
        c.put("DomainEvent", new Case(new FactRecorded(PRICES, HELLO, json("{}")).toDomainEvent(), DomainEvent.class));
        c.put(
                "DomainEvent.payloadRef",
                new Case(
                        new DomainEvent("report_ready", NullNode.getInstance(), Optional.of(HELLO_WORLD)),
                        DomainEvent.class));
        c.put(
                "Event.Kernel",
                new Case(
                        new Event.Kernel(new KernelEvent.RunCompleted(RunStatus.COMPLETED, Optional.of(HELLO_WORLD))),
                        Event.class));
        c.put(
                "Event.Domain",
                new Case(
                        new Event.Domain(
                                new OpBoundary(new OpPath("portfolio_snapshot.fetch_balances"), OpBoundary.STARTED)
                                        .toDomainEvent()),
                        Event.class));
        c.put(
                "EventEnvelope",
                new Case(
                        new EventEnvelope(RUN, 1, Optional.of(1_795_413_600_000L), new Event.Kernel(runStarted)),
                        EventEnvelope.class));
        c.put(
                "EventEnvelope.domain",
                new Case(
                        EventEnvelope.domain(
                                RUN, 9_007_199_254_740_993L, DomainEvent.of("custom", json("[1,\"two\",true]"))),
                        EventEnvelope.class));
        c.put(
                "FactRecorded",
                new Case(
                        new FactRecorded(PRICES, HELLO, json("{\"namespace\":\"http\",\"status\":200}")),
                        FactRecorded.class));
        c.put(
                "ArtifactWritten",
                new Case(
                        new ArtifactWritten(HELLO_WORLD, new ArtifactKind.Other("blob"), json("{\"bytes\":11}")),
                        ArtifactWritten.class));
        c.put(
                "ArtifactWritten.unitKind",
                new Case(
                        new ArtifactWritten(HELLO_WORLD, new ArtifactKind.Output(), json("{}")),
                        ArtifactWritten.class));
        c.put(
                "OpBoundary",
                new Case(
                        new OpBoundary(new OpPath("portfolio_snapshot.fetch_balances"), OpBoundary.COMPLETED),
                        OpBoundary.class));
        c.put(
                "ChildRunSpawned",
                new Case(new ChildRunSpawned(RUN, CHILD_RUN, new ArtifactId("0".repeat(64))), ChildRunSpawned.class));
        c.put(
                "ChildRunCompleted",
                new Case(
                        new ChildRunCompleted(
                                CHILD_RUN, RunStatus.CANCELLED, Optional.of(new ArtifactId("1".repeat(64)))),
                        ChildRunCompleted.class));
        return c;
    }

    private static Map<String, Case> io() {
        Map<String, Case> c = new LinkedHashMap<>();
        c.put(
                "IoCall",
                new Case(
                        new IoCall(
                                "http",
                                json("{\"method\":\"GET\",\"url\":\"https://prices.example/eth\"}"),
                                Optional.of(PRICES)),
                        IoCall.class));
        c.put(
                "IoCall.noFactKey",
                new Case(new IoCall("exec", json("{\"argv\":[\"date\",\"+%s\"]}"), Optional.empty()), IoCall.class));
        c.put(
                "IoResult",
                new Case(
                        new IoResult(json("{\"status\":200,\"body\":{\"eth_usd\":\"3120.55\"}}"), Optional.of(HELLO)),
                        IoResult.class));
        c.put("IoResult.unrecorded", new Case(new IoResult(json("\"pong\""), Optional.empty()), IoResult.class));
        return c;
    }

    private static Map<String, Case> state() {
        Map<String, Case> c = new LinkedHashMap<>();
        c.put("SnapshotPolicy.Never", new Case(SnapshotPolicy.NEVER, SnapshotPolicy.class));
        c.put("SnapshotPolicy.OnSuccess", new Case(SnapshotPolicy.ON_SUCCESS, SnapshotPolicy.class));
        c.put("SnapshotPolicy.Always", new Case(SnapshotPolicy.ALWAYS, SnapshotPolicy.class));
        c.put("StateOutcome", new Case(new StateOutcome(SnapshotPolicy.ON_SUCCESS), StateOutcome.class));
        return c;
    }

    private static Map<String, Case> plan() {
        Map<String, Case> c = new LinkedHashMap<>();
        c.put("DependencyEdge", new Case(new DependencyEdge(READ_ETH, RENDER), DependencyEdge.class));
        c.put(
                "PlanValidationError.EmptyPlan",
                new Case(new PlanValidationError.EmptyPlan(), PlanValidationError.class));
        c.put(
                "PlanValidationError.DuplicateStateId",
                new Case(new PlanValidationError.DuplicateStateId(RENDER), PlanValidationError.class));
        c.put(
                "PlanValidationError.MissingStateForEdge",
                new Case(new PlanValidationError.MissingStateForEdge(RENDER), PlanValidationError.class));
        c.put(
                "PlanValidationError.CircularDependency",
                new Case(
                        new PlanValidationError.CircularDependency(
                                List.of(new StateId("m.a.x"), new StateId("m.b.y"), new StateId("m.c.z"))),
                        PlanValidationError.class));
        c.put(
                "PlanValidationError.DanglingDependencyTag",
                new Case(
                        new PlanValidationError.DanglingDependencyTag(RENDER, new Tag("fetch_data")),
                        PlanValidationError.class));
        return c;
    }

    private static Map<String, Case> stores() {
        Map<String, Case> c = new LinkedHashMap<>();
        c.put("ArtifactKind.Manifest", new Case(new ArtifactKind.Manifest(), ArtifactKind.class));
        c.put("ArtifactKind.ContextSnapshot", new Case(new ArtifactKind.ContextSnapshot(), ArtifactKind.class));
        c.put("ArtifactKind.FactPayload", new Case(new ArtifactKind.FactPayload(), ArtifactKind.class));
        c.put("ArtifactKind.SecretPayload", new Case(new ArtifactKind.SecretPayload(), ArtifactKind.class));
        c.put("ArtifactKind.Output", new Case(new ArtifactKind.Output(), ArtifactKind.class));
        c.put("ArtifactKind.Other", new Case(new ArtifactKind.Other("blob"), ArtifactKind.class));
        return c;
    }

    private static Map<String, Case> engine() {
        Map<String, Case> c = new LinkedHashMap<>();
        c.put("RunPhase.Running", new Case(RunPhase.RUNNING, RunPhase.class));
        c.put("RunPhase.Completed", new Case(RunPhase.COMPLETED, RunPhase.class));
        c.put("RunPhase.Failed", new Case(RunPhase.FAILED, RunPhase.class));
        c.put("RunPhase.Cancelled", new Case(RunPhase.CANCELLED, RunPhase.class));
        c.put("RunResult", new Case(new RunResult(RUN, RunPhase.COMPLETED, Optional.of(HELLO_WORLD)), RunResult.class));
        c.put(
                "RunResult.noSnapshot",
                new Case(new RunResult(RUN, RunPhase.RUNNING, Optional.empty()), RunResult.class));
        return c;
    }
}
