package dev.cairn.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.contracts.ContractException;
import dev.cairn.contracts.ErrorEnvelope;
import dev.cairn.json.CodedError;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.MachineException;
import dev.cairn.orchestrator.spec.SpecError;
import dev.cairn.orchestrator.spec.SpecException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whatever a route threw into the status and {@link ErrorEnvelope} it is answered with.
 *
 * <ul>
 *   <li>Errors that know their status keep it: {@link ServerException}, {@link ContractException}.
 *   <li>A body that does not match its type ({@link JsonException}) is 400 with {@code
 *       details.pointer}; an invalid pipeline spec ({@link SpecException}) 400 {@code invalid_spec}
 *       with every error in {@code details.errors}.
 *   <li>Other {@link CodedError}s by code: {@link #STATUS_BY_CODE}, then retryable ones 503, codes
 *       ending in {@code _not_found} 404, codes starting with {@code invalid_} 400, the rest 500.
 *       Their message goes to the client (Cairn's messages never hold secrets); a 5xx is logged.
 *   <li>Anything else is a bug: 500 {@code internal} with a generic message and an incident id;
 *       the exception and its stack trace go to the server's log only.
 * </ul>
 */
final class ErrorMapping {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    /** Statuses of the codes the orchestrator, the stores and the lease service are known to use. */
    static final Map<String, Integer> STATUS_BY_CODE = Map.ofEntries(
            Map.entry("invalid_id", 400),
            Map.entry("invalid_field", 400),
            Map.entry("invalid_cursor", 400),
            Map.entry("invalid_params", 400),
            Map.entry("invalid_lease", 400),
            Map.entry("secret_in_input", 400),
            Map.entry("run_not_found", 404),
            Map.entry("artifact_not_found", 404),
            Map.entry("unknown_task", 404),
            Map.entry("step_not_found", 404),
            Map.entry("runner_not_found", 404),
            Map.entry("stale_lease", 409),
            Map.entry("run_not_resumable", 409),
            Map.entry("run_not_finished", 409),
            Map.entry("run_exists", 409),
            Map.entry("run_id_conflict", 409),
            Map.entry("artifact_corrupt", 500));

    /** A status and the body that goes with it. */
    record Answer(int status, ErrorEnvelope envelope) {}

    private ErrorMapping() {}

    static Answer answer(Throwable failure, String route) {
        return switch (failure) {
            case ServerException e -> new Answer(e.status(), e.toEnvelope());
            case ContractException e -> logged(new Answer(e.status(), e.toEnvelope()), e, route);
            case JsonException e -> new Answer(400, ErrorEnvelope.from(e));
            case SpecException e -> new Answer(400, specEnvelope(e));
            case CodedError e -> logged(new Answer(status(e), envelope(e)), failure, route);
            default -> internal(failure, route);
        };
    }

    /** The status of a coded error that does not carry one. */
    static int status(CodedError error) {
        Integer known = STATUS_BY_CODE.get(error.code());
        if (known != null) {
            return known;
        }
        if (error.retryable()) {
            return 503;
        }
        if (error.code().endsWith("_not_found")) {
            return 404;
        }
        if (error.code().startsWith("invalid_")) {
            return 400;
        }
        return 500;
    }

    private static ErrorEnvelope envelope(CodedError error) {
        ErrorEnvelope base = ErrorEnvelope.from(error);
        if (error instanceof MachineException machine
                && base.details().isEmpty()
                && machine.info().details().isPresent()
                && machine.info().details().get().isObject()) {
            ObjectNode details = (ObjectNode) machine.info().details().get();
            return new ErrorEnvelope(base.code(), base.message(), base.retryable(), base.hint(), Optional.of(details));
        }
        return base;
    }

    private static ErrorEnvelope specEnvelope(SpecException e) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        if (!e.source().isEmpty()) {
            details.put("source", e.source());
        }
        ArrayNode errors = details.putArray("errors");
        for (SpecError error : e.errors()) {
            errors.add(Wire.toTree(error));
        }
        return new ErrorEnvelope(e.code(), e.getMessage(), e.retryable(), Optional.of(e.hint()), Optional.of(details));
    }

    private static Answer logged(Answer answer, Throwable failure, String route) {
        if (answer.status() >= 500) {
            LOG.warn(
                    "{} answered {} {}: {}",
                    route,
                    answer.status(),
                    answer.envelope().code(),
                    failure.getMessage());
        }
        return answer;
    }

    private static Answer internal(Throwable failure, String route) {
        String incident = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("{} failed (incident {})", route, incident, failure);
        return new Answer(500, ServerException.internal(incident).toEnvelope());
    }
}
