package dev.cairn.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
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
import dev.cairn.machine.ids.RunId;
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
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input for every wire family: unknown variants, wrong shapes, missing fields, negative or
 * oversized unsigned numbers, invalid ids. Each is a {@link JsonException} with a code, a JSON
 * Pointer to the offending value, and a message saying what was wrong.
 */
class BadInputTest {

    private static final String A = "a".repeat(64);
    private static final String RUN = "0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30";
    private static final String INFO = "{'code':'c','category':'Rpc','retryable':false,'message':'m'}";
    private static final String FIXED = "{'Fixed':{'delay':{'secs':0,'nanos':0}}}";
    private static final String CONFIG = "{'io_mode':'Live','retry_policy':{'max_attempts':1,'backoff':" + FIXED
            + "},'event_profile':'Normal','execution_mode':'Sequential','context_checkpointing':'AfterEveryState',"
            + "'replay_missing_fact_retryable':false,'skip_tags':[]}";
    private static final String BUILD = "{'env_allowlist':[]}";

    /** One bad document: read as {@code type}, it fails with {@code code} at {@code path}. */
    record Bad(Class<?> type, String json, String code, String path, String says) {
        @Override
        public String toString() {
            return type.getSimpleName() + " " + json;
        }
    }

    private static Bad bad(Class<?> type, String json, String code, String path, String says) {
        return new Bad(type, json.replace('\'', '"'), code, path, says);
    }

    static Stream<Bad> cases() {
        return Stream.of(
                // ids
                bad(OpId.class, "''", "invalid_id", "", "invalid op_id"),
                bad(OpId.class, "5", "wire_format", "", "Cannot coerce"),
                bad(OpPath.class, "'a'", "invalid_id", "", "invalid op_path"),
                bad(StateId.class, "'a.b'", "invalid_id", "", "invalid state_id"),
                bad(StateId.class, "['a.b.c']", "wire_format", "", ""),
                bad(RunId.class, "'x'", "wire_format", "", "UUID"),
                bad(ArtifactId.class, "'abc'", "invalid_id", "", "invalid artifact_id"),
                bad(FactKey.class, "5", "wire_format", "", ""),
                bad(ContextKey.class, "[]", "wire_format", "", ""),
                bad(ErrorCode.class, "{}", "wire_format", "", ""),
                bad(Tag.class, "true", "wire_format", "", ""),
                // config
                bad(
                        IoMode.class,
                        "'live'",
                        "wire_format",
                        "",
                        "unknown variant `live`, expected one of `Live`, `Replay`"),
                bad(IoMode.class, "{'Live':null}", "wire_format", "", "expected a string"),
                bad(EventProfile.class, "'Loud'", "wire_format", "", "unknown variant `Loud`"),
                bad(EventProfile.class, "'Custom'", "wire_format", "", "carries data"),
                bad(EventProfile.class, "{'Custom':5}", "wire_format", "/Custom", ""),
                bad(EventProfile.class, "{'Minimal':5}", "wire_format", "/Minimal", "takes no value"),
                bad(EventProfile.class, "{'Custom':'a','Minimal':null}", "wire_format", "", "exactly one key"),
                bad(BackoffPolicy.class, "{'Linear':{}}", "wire_format", "", "unknown variant `Linear`"),
                bad(BackoffPolicy.class, "['Fixed']", "wire_format", "", "expected a variant name"),
                bad(
                        BackoffPolicy.class,
                        "{'Exponential':{'base_delay':{'secs':1,'nanos':0}}}",
                        "missing_field",
                        "/Exponential/max_delay",
                        "missing field `max_delay`"),
                bad(BackoffPolicy.class, "{'Fixed':{'delay':5}}", "wire_format", "/Fixed/delay", "duration"),
                bad(
                        BackoffPolicy.class,
                        "{'Fixed':{'delay':{'secs':-1,'nanos':0}}}",
                        "wire_format",
                        "/Fixed/delay",
                        "out of range"),
                bad(RetryPolicy.class, "{'max_attempts':3}", "missing_field", "/backoff", "missing field `backoff`"),
                bad(
                        RetryPolicy.class,
                        "{'max_attempts':-1,'backoff':" + FIXED + "}",
                        "wire_format",
                        "/max_attempts",
                        "found -1"),
                bad(
                        RetryPolicy.class,
                        "{'max_attempts':4294967296,'backoff':" + FIXED + "}",
                        "wire_format",
                        "/max_attempts",
                        "out of range"),
                bad(
                        RetryPolicy.class,
                        "{'max_attempts':1.5,'backoff':" + FIXED + "}",
                        "wire_format",
                        "/max_attempts",
                        "fractional"),
                bad(
                        RetryPolicy.class,
                        "{'max_attempts':'3','backoff':" + FIXED + "}",
                        "wire_format",
                        "/max_attempts",
                        "a string"),
                bad(ExecutionMode.class, "'Parallel'", "wire_format", "", "unknown variant `Parallel`"),
                bad(ExecutionMode.class, "{'FanOutJoin':{}}", "missing_field", "/FanOutJoin/max_concurrency", ""),
                bad(
                        ExecutionMode.class,
                        "{'FanOutJoin':{'max_concurrency':-4}}",
                        "wire_format",
                        "/FanOutJoin/max_concurrency",
                        "found -4"),
                bad(
                        ExecutionMode.class,
                        "{'FanOutJoin':{'max_concurrency':0}}",
                        "wire_format",
                        "/FanOutJoin",
                        "max_concurrency must be at least 1"),
                bad(ContextCheckpointing.class, "'Never'", "wire_format", "", "unknown variant `Never`"),
                bad(ContextCheckpointing.class, "{'Custom':['x']}", "wire_format", "/Custom", ""),
                bad(RunConfig.class, CONFIG.replace(",'skip_tags':[]", ""), "missing_field", "/skip_tags", ""),
                bad(
                        RunConfig.class,
                        CONFIG.replace("'Live'", "'Turbo'"),
                        "wire_format",
                        "/io_mode",
                        "unknown variant `Turbo`"),
                bad(
                        RunConfig.class,
                        CONFIG.replace("'max_attempts':1", "'max_attempts':-1"),
                        "wire_format",
                        "/retry_policy/max_attempts",
                        "found -1"),
                bad(
                        RunConfig.class,
                        CONFIG.replace("'replay_missing_fact_retryable':false", "'replay_missing_fact_retryable':'no'"),
                        "wire_format",
                        "/replay_missing_fact_retryable",
                        ""),
                bad(
                        RunConfig.class,
                        CONFIG.replace("'skip_tags':[]", "'skip_tags':['ok',7]"),
                        "wire_format",
                        "/skip_tags/1",
                        ""),
                bad(
                        RunManifest.class,
                        "{'op_id':'Bad','op_version':'1','input_params':{},'run_config':" + CONFIG + ",'build':" + BUILD
                                + "}",
                        "invalid_id",
                        "/op_id",
                        "invalid op_id: `Bad`"),
                bad(
                        RunManifest.class,
                        "{'op_id':'op','op_version':'1','run_config':" + CONFIG + ",'build':" + BUILD + "}",
                        "missing_field",
                        "/input_params",
                        ""),
                bad(
                        RunManifest.class,
                        "{'op_id':'op','op_version':'1','input_params':{},'run_config':"
                                + CONFIG.replace("'Sequential'", "{'FanOutJoin':{'max_concurrency':-1}}")
                                + ",'build':" + BUILD + "}",
                        "wire_format",
                        "/run_config/execution_mode/FanOutJoin/max_concurrency",
                        ""),
                bad(BuildProvenance.class, "{'git_commit':null}", "missing_field", "/env_allowlist", ""),
                bad(BuildProvenance.class, "{'git_commit':5,'env_allowlist':[]}", "wire_format", "/git_commit", ""),
                // meta
                bad(SideEffectKind.class, "'Impure'", "wire_format", "", "unknown variant `Impure`"),
                bad(SideEffectKind.class, "'read_only_io'", "wire_format", "", "unknown variant"),
                bad(Idempotency.class, "{'Hash':'x'}", "wire_format", "", "unknown variant `Hash`"),
                bad(Idempotency.class, "'Key'", "wire_format", "", "carries data"),
                bad(DependencyStrategy.class, "'latest'", "wire_format", "", "unknown variant `latest`"),
                bad(
                        StateMeta.class,
                        "{'tags':[],'depends_on':[],'depends_on_strategy':'Latest','idempotency':'None'}",
                        "missing_field",
                        "/side_effects",
                        ""),
                bad(
                        StateMeta.class,
                        "{'tags':['ok',5],'depends_on':[],'depends_on_strategy':'Latest','side_effects':'Pure',"
                                + "'idempotency':'None'}",
                        "wire_format",
                        "/tags/1",
                        ""),
                // errors
                bad(ErrorCategory.class, "'Network'", "wire_format", "", "unknown variant `Network`"),
                bad(
                        ErrorInfo.class,
                        "{'code':'c','category':'Rpc','retryable':false}",
                        "missing_field",
                        "/message",
                        ""),
                bad(
                        ErrorInfo.class,
                        INFO.replace("'Rpc'", "'Net'"),
                        "wire_format",
                        "/category",
                        "unknown variant `Net`"),
                bad(ErrorInfo.class, INFO.replace("false", "'false'"), "wire_format", "/retryable", ""),
                bad(StateError.class, "{'state_id':'bad','info':" + INFO + "}", "invalid_id", "/state_id", ""),
                bad(StateError.class, "{'state_id':null}", "missing_field", "/info", ""),
                bad(IoError.class, "{'Timeout':" + INFO + "}", "wire_format", "", "unknown variant `Timeout`"),
                bad(IoError.class, "{'MissingFact':{'info':" + INFO + "}}", "missing_field", "/MissingFact/key", ""),
                bad(IoError.class, "{'Transport':'boom'}", "wire_format", "/Transport", ""),
                bad(ContextError.class, "{'MissingKey':{'info':" + INFO + "}}", "missing_field", "/MissingKey/key", ""),
                bad(
                        ContextError.class,
                        "{'Serialization':{'code':'c'}}",
                        "missing_field",
                        "/Serialization/category",
                        ""),
                bad(StorageError.class, "{'Locked':" + INFO + "}", "wire_format", "", "unknown variant `Locked`"),
                bad(StorageError.class, "'NotFound'", "wire_format", "", "carries data"),
                bad(
                        RunError.class,
                        "{'Storage':{'Gone':" + INFO + "}}",
                        "wire_format",
                        "/Storage",
                        "unknown variant `Gone`"),
                bad(
                        RunError.class,
                        "{'State':{'state_id':'bad','info':" + INFO + "}}",
                        "invalid_id",
                        "/State/state_id",
                        ""),
                bad(
                        RunError.class,
                        "{'Io':{'MissingFactKey':{'code':1}}}",
                        "wire_format",
                        "/Io/MissingFactKey/code",
                        ""),
                // events
                bad(RunStatus.class, "'Done'", "wire_format", "", "unknown variant `Done`"),
                bad(
                        KernelEvent.class,
                        "{'StateEntered':{'state_id':'a.b.c','attempt':-1,'base_snapshot_id':'" + A + "'}}",
                        "wire_format",
                        "/StateEntered/attempt",
                        "unsigned integer (u32), found -1"),
                bad(
                        KernelEvent.class,
                        "{'StateEntered':{'state_id':'a.b.c','attempt':0}}",
                        "missing_field",
                        "/StateEntered/base_snapshot_id",
                        ""),
                bad(
                        KernelEvent.class,
                        "{'RunStarted':{'op_id':'op','manifest_id':'ABC','initial_snapshot_id':'" + A + "'}}",
                        "invalid_id",
                        "/RunStarted/manifest_id",
                        "invalid artifact_id: `ABC`"),
                bad(KernelEvent.class, "{'RunCompleted':{'status':'Done'}}", "wire_format", "/RunCompleted/status", ""),
                bad(DomainEvent.class, "{'name':'n'}", "missing_field", "/payload", ""),
                bad(
                        DomainEvent.class,
                        "{'name':'n','payload':1,'payload_ref':'xyz'}",
                        "invalid_id",
                        "/payload_ref",
                        ""),
                bad(Event.class, "{'Kernal':{}}", "wire_format", "", "unknown variant `Kernal`"),
                bad(
                        Event.class,
                        "{'Kernel':{'RunCompleted':{'status':'Completed','final_snapshot_id':7}}}",
                        "wire_format",
                        "/Kernel/RunCompleted/final_snapshot_id",
                        ""),
                bad(EventEnvelope.class, envelope("-1", "null", completed()), "wire_format", "/seq", "found -1"),
                bad(EventEnvelope.class, envelope("0", "null", completed()), "wire_format", "", "seq starts at 1"),
                bad(EventEnvelope.class, envelope("'1'", "null", completed()), "wire_format", "/seq", "a string"),
                bad(
                        EventEnvelope.class,
                        envelope("18446744073709551615", "null", completed()),
                        "wire_format",
                        "/seq",
                        "out of range"),
                bad(EventEnvelope.class, envelope("1", "-5", completed()), "wire_format", "/ts_millis", "found -5"),
                bad(
                        EventEnvelope.class,
                        envelope(
                                "2",
                                "null",
                                "{'Kernel':{'StateEntered':{'state_id':'a.b.c','attempt':-2,'base_snapshot_id':'" + A
                                        + "'}}}"),
                        "wire_format",
                        "/event/Kernel/StateEntered/attempt",
                        "found -2"),
                bad(EventEnvelope.class, "{'run_id':'" + RUN + "','seq':1}", "missing_field", "/event", ""),
                bad(FactRecorded.class, "{'key':'k','payload_id':'" + A + "'}", "missing_field", "/meta", ""),
                bad(
                        ArtifactWritten.class,
                        "{'artifact_id':'" + A + "','kind':{'Other':1},'meta':{}}",
                        "wire_format",
                        "/kind/Other",
                        ""),
                bad(OpBoundary.class, "{'op_path':'a.b.c','phase':'started'}", "invalid_id", "/op_path", ""),
                bad(
                        ChildRunSpawned.class,
                        "{'parent_run_id':'" + RUN + "','child_run_id':'nope','child_manifest_id':'" + A + "'}",
                        "wire_format",
                        "/child_run_id",
                        ""),
                bad(
                        ChildRunCompleted.class,
                        "{'child_run_id':'" + RUN + "','status':'Won'}",
                        "wire_format",
                        "/status",
                        ""),
                // io
                bad(IoCall.class, "{'request':{}}", "missing_field", "/namespace", ""),
                bad(IoCall.class, "{'namespace':'http','request':{},'fact_key':5}", "wire_format", "/fact_key", ""),
                bad(IoResult.class, "{'recorded_payload_id':null}", "missing_field", "/response", ""),
                bad(
                        IoResult.class,
                        "{'response':1,'recorded_payload_id':'00'}",
                        "invalid_id",
                        "/recorded_payload_id",
                        ""),
                // state
                bad(SnapshotPolicy.class, "'on_success'", "wire_format", "", "unknown variant `on_success`"),
                bad(StateOutcome.class, "{}", "missing_field", "/snapshot", ""),
                // plan
                bad(DependencyEdge.class, "{'from':'a.b.c'}", "missing_field", "/to", ""),
                bad(PlanValidationError.class, "'Empty'", "wire_format", "", "unknown variant `Empty`"),
                bad(PlanValidationError.class, "{'EmptyPlan':{}}", "wire_format", "/EmptyPlan", "takes no value"),
                bad(
                        PlanValidationError.class,
                        "{'CircularDependency':{'cycle':['a.b.c','a.b']}}",
                        "invalid_id",
                        "/CircularDependency/cycle/1",
                        "invalid state_id: `a.b`"),
                // stores
                bad(ArtifactKind.class, "'Blob'", "wire_format", "", "unknown variant `Blob`"),
                bad(ArtifactKind.class, "'Other'", "wire_format", "", "carries data"),
                // engine
                bad(RunPhase.class, "'Paused'", "wire_format", "", "unknown variant `Paused`"),
                bad(RunResult.class, "{'run_id':'" + RUN + "'}", "missing_field", "/phase", ""),
                bad(
                        RunResult.class,
                        "{'run_id':'" + RUN + "','phase':'Running','final_snapshot_id':''}",
                        "invalid_id",
                        "/final_snapshot_id",
                        ""));
    }

    private static String envelope(String seq, String ts, String event) {
        return "{'run_id':'" + RUN + "','seq':" + seq + ",'ts_millis':" + ts + ",'event':" + event + "}";
    }

    private static String completed() {
        return "{'Kernel':{'RunCompleted':{'status':'Completed'}}}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputIsATypedErrorAtTheOffendingValue(Bad bad) {
        assertThatThrownBy(() -> Wire.read(bad.json(), bad.type())).isInstanceOfSatisfying(JsonException.class, e -> {
            assertThat(e.code()).as("code").isEqualTo(bad.code());
            assertThat(e.path()).as("path").isEqualTo(bad.path());
            assertThat(e.getMessage()).as("message").contains(bad.says());
            assertThat(e.hint()).as("hint").isNotBlank();
        });
    }

    @Test
    void everyWireFamilyHasBadInputCases() {
        Set<String> tested = cases().map(b -> b.type().getName()).collect(Collectors.toCollection(TreeSet::new));
        assertThat(ApiClasses.families()).as("wire families").hasSizeGreaterThan(40);
        List<String> untested = ApiClasses.families().stream()
                .map(Class::getName)
                .filter(name -> !tested.contains(name))
                .sorted()
                .toList();
        assertThat(untested).isEmpty();
    }
}
