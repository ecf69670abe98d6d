package dev.cairn.machine.runtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.Canonical;
import dev.cairn.json.JsonException;
import dev.cairn.json.Secrets;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.RunError;
import dev.cairn.machine.errors.RunException;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.recorder.EventRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@link EventRecorder} of one attempt: refuses reserved names, secrets and non-canonical
 * payloads (before anything is written), drops what the run's event profile does not keep, and
 * passes the rest to the attempt's sink.
 */
final class AttemptRecorder implements EventRecorder {

    private final AttemptSink sink;
    private final EventFilter profile;

    AttemptRecorder(AttemptSink sink, EventFilter profile) {
        this.sink = sink;
        this.profile = profile;
    }

    @Override
    public void emit(DomainEvent event) {
        emitMany(List.of(event));
    }

    @Override
    public void emitMany(List<DomainEvent> events) {
        Objects.requireNonNull(events, "events");
        List<DomainEvent> kept = new ArrayList<>(events.size());
        for (DomainEvent event : events) {
            check(Objects.requireNonNull(event, "event"));
        }
        for (DomainEvent event : events) {
            if (profile.keep(event, EventClass.OPERATION)) {
                kept.add(event);
            }
        }
        if (!kept.isEmpty()) {
            sink.addAll(kept);
        }
    }

    static void check(DomainEvent event) {
        if (EngineEvents.reserved(event.name())) {
            throw new RunException(
                    new RunError.Other(ErrorInfo.of(
                            KernelCodes.RESERVED_EVENT_NAME,
                            ErrorCategory.PARSING_INPUT,
                            false,
                            "domain event name `" + event.name() + "` is reserved for the engine")),
                    "Name operation events after the operation (e.g. `invoice_sent`).",
                    null);
        }
        List<String> pointers = new ArrayList<>();
        if (Secrets.credentialIn(event.name()).isPresent()) {
            pointers.add("/name");
        }
        Secrets.pointers(event.payload()).forEach(p -> pointers.add("/payload" + p));
        if (!pointers.isEmpty()) {
            ObjectNode details = JsonNodeFactory.instance.objectNode();
            ArrayNode at = details.putArray("pointers");
            pointers.forEach(at::add);
            throw new RunException(
                    new RunError.Other(ErrorInfo.of(
                                    KernelCodes.SECRET_IN_DOMAIN_EVENT,
                                    ErrorCategory.PARSING_INPUT,
                                    false,
                                    "refusing a domain event that holds values that look like secrets, at "
                                            + String.join(", ", pointers))
                            .withDetails(details)),
                    "Events are persisted; reference secrets by name, never inline.",
                    null);
        }
        try {
            Canonical.canonicalize(event.payload());
        } catch (JsonException e) {
            throw new RunException(
                    new RunError.Other(ErrorInfo.of(
                            "domain_event_not_canonical",
                            ErrorCategory.PARSING_INPUT,
                            false,
                            "domain event `" + event.name() + "` has no canonical JSON payload (" + e.code() + " at "
                                    + e.path() + ")")),
                    "Use finite numbers and well-formed strings in event payloads.",
                    e);
        }
    }
}
