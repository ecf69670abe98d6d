package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.context.DynContext;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.MachineException;
import dev.cairn.machine.errors.StateError;
import dev.cairn.machine.errors.StateException;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.ids.ContextKey;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.io.IoProvider;
import dev.cairn.machine.io.IoResult;
import dev.cairn.machine.meta.Idempotency;
import dev.cairn.machine.meta.SideEffectKind;
import dev.cairn.machine.meta.StateMeta;
import dev.cairn.machine.recorder.EventRecorder;
import dev.cairn.machine.runtime.StateContext;
import dev.cairn.machine.state.SnapshotPolicy;
import dev.cairn.machine.state.State;
import dev.cairn.machine.state.StateOutcome;
import dev.cairn.orchestrator.spec.ExportArtifact;
import dev.cairn.orchestrator.spec.ExportSpec;
import dev.cairn.orchestrator.spec.ExportTarget;
import dev.cairn.runner.api.lease.OutputArtifact;
import dev.cairn.sinks.events.CairnEventTypes;
import dev.cairn.sinks.export.ExportOutcome;
import dev.cairn.workspace.cache.CacheDecisions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The last state of a pipeline run with an {@code export:} section: after every step succeeded, it
 * finds each exported file among its step's captured outputs and pushes them all in one recorded
 * {@code export} call ({@link ExportTransport}), then appends one {@code export_pushed} or {@code
 * export_failed} event per artifact (the receipt, or the error naming the step that produced a file
 * holding a known secret). Any failure fails the state, and so the run, without retry.
 *
 * <p>It applies a side effect (tag {@code apply_side_effect}, so a dry run skips it) with the
 * idempotency key {@value #IDEMPOTENCY_KEY}: the sinks are idempotent for the same bytes (a
 * directory keeps an identical file, a PUT replaces it), so a crash may push again.
 */
final class ExportState implements State {

    /** How users name the state (its step id in the runs index). */
    static final String STEP_ID = "export";

    static final String IDEMPOTENCY_KEY = "cairn-export";

    private final StateId stateId;
    private final ExportSpec export;
    private final Map<String, List<String>> sources;
    private final StateMeta meta;

    /**
     * @param stateId {@code <op>.export.export}
     * @param export the bound export section
     * @param sources for each step name, the step ids (regions) whose records hold its outputs
     */
    ExportState(StateId stateId, ExportSpec export, Map<String, List<String>> sources) {
        this.stateId = Objects.requireNonNull(stateId, "state_id");
        this.export = Objects.requireNonNull(export, "export");
        this.sources = new TreeMap<>(sources);
        this.meta = StateMeta.builder(SideEffectKind.APPLY_SIDE_EFFECT)
                .tag(CacheDecisions.APPLY_SIDE_EFFECT, "report")
                .idempotency(new Idempotency.Key(IDEMPOTENCY_KEY))
                .build();
    }

    /** The state id of a pipeline's export state. */
    static StateId stateId(String op) {
        return new StateId(op + "." + STEP_ID + "." + STEP_ID);
    }

    @Override
    public StateMeta meta() {
        return meta;
    }

    @Override
    public StateOutcome handle(DynContext ctx, IoProvider io, EventRecorder rec) {
        List<ExportCall.Item> items = new ArrayList<>();
        List<ExportOutcome.Failed> refused = new ArrayList<>();
        for (ExportArtifact artifact : export.artifacts()) {
            Optional<OutputArtifact> file = find(ctx, artifact);
            if (file.isEmpty()) {
                refused.add(new ExportOutcome.Failed(
                        artifact.name(),
                        artifact.step(),
                        artifact.target(),
                        "export_source_missing",
                        "step `" + artifact.step() + "` captured no `" + artifact.path() + "` in this run",
                        false));
            } else {
                items.add(new ExportCall.Item(
                        artifact.name(),
                        artifact.step(),
                        file.get().artifactId(),
                        artifact.target(),
                        artifact.contentType()));
            }
        }
        TreeMap<String, ExportCall.Target> targets = new TreeMap<>();
        export.targets()
                .forEach((name, target) -> targets.put(
                        name,
                        switch (target) {
                            case ExportTarget.Directory d -> new ExportCall.Target.Dir(d.dir());
                            case ExportTarget.HttpPut p -> new ExportCall.Target.Put(p.url(), p.bearer());
                        }));
        // keyed per attempt as a step's task is (StepState.attemptToken)
        String token = StepState.attemptToken(io, StateContext.from(ctx).attempt());
        FactKey key = new FactKey("cairn:export|state:" + stateId + "|push:" + token);
        IoResult response;
        try {
            response = io.call(new IoCall(
                    ExportCall.NAMESPACE, Wire.toTree(new ExportCall.Request(targets, items)), Optional.of(key)));
        } catch (MachineException e) {
            throw new StateException(StateError.of(e.info().withRetryable(false)), e.hint(), e);
        }
        ExportCall.Answer answer;
        try {
            answer = Wire.fromTree(response.response(), ExportCall.Answer.class);
        } catch (JsonException e) {
            throw fail("invalid_export_answer", "the recorded export does not read (" + e.code() + ")");
        }
        Optional<JsonNode> firstFailure = Optional.empty();
        for (ExportCall.Outcome outcome : answer.outcomes()) {
            rec.emit(DomainEvent.of(outcome.event(), outcome.payload()));
            if (outcome.event().equals(CairnEventTypes.Names.EXPORT_FAILED) && firstFailure.isEmpty()) {
                firstFailure = Optional.of(outcome.payload());
            }
        }
        for (ExportOutcome.Failed failed : refused) {
            DomainEvent event = failed.toDomainEvent();
            rec.emit(event);
            if (firstFailure.isEmpty()) {
                firstFailure = Optional.of(event.payload());
            }
        }
        if (firstFailure.isPresent()) {
            JsonNode f = firstFailure.get();
            throw fail(
                    f.path("code").asText("export_failed"),
                    "export of `" + f.path("name").asText() + "` failed: "
                            + f.path("message").asText());
        }
        return new StateOutcome(SnapshotPolicy.ON_SUCCESS);
    }

    private Optional<OutputArtifact> find(DynContext ctx, ExportArtifact artifact) {
        for (String source : sources.getOrDefault(artifact.step(), List.of(artifact.step()))) {
            Optional<JsonNode> value = ctx.read(new ContextKey(StepRecord.key(source)));
            if (value.isEmpty() || value.get().isNull()) {
                continue;
            }
            StepRecord record;
            try {
                record = Wire.fromTree(value.get(), StepRecord.class);
            } catch (JsonException e) {
                continue;
            }
            for (OutputArtifact output : record.outputs()) {
                if (output.key().equals(artifact.path())) {
                    return Optional.of(output);
                }
            }
        }
        return Optional.empty();
    }

    private StateException fail(String code, String message) {
        ObjectNode details = JsonNodeFactory.instance.objectNode().put("step_id", STEP_ID);
        return new StateException(StateError.of(
                ErrorInfo.of(code, ErrorCategory.UNKNOWN, false, message).withDetails(details)));
    }
}
