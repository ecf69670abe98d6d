package dev.cairn.orchestrator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.CodedException;
import dev.cairn.orchestrator.spec.SpecError;
import dev.cairn.orchestrator.spec.SpecException;
import java.util.List;
import java.util.Optional;

/**
 * Root exception of the orchestrator: a request it refuses or cannot serve, with a stable {@link
 * #code()} the HTTP layer maps to a status ({@code docs/http-api.md}) and optional structured
 * {@link #details()} for the error envelope.
 *
 * <p>Codes: {@value #RUN_NOT_FOUND} (404), {@value #STEP_NOT_FOUND} (404), {@value #INVALID_SPEC}
 * (400, {@code details.errors} lists every positioned spec error), {@value #INVALID_REQUEST} (400,
 * {@code details.field}), {@value #INVALID_CURSOR} (400, {@code details.field}), {@value #SECRET_IN_INPUT} (400, {@code details.pointers}), {@value
 * #RUN_ID_CONFLICT} (409), {@value #RUN_NOT_RESUMABLE} (409), {@value #RUN_NOT_FINISHED} (409),
 * {@value #SECRET_NOT_FOUND} (400, {@code details.missing}: the secrets and who needs them), {@value
 * #CLOSED} (503, retryable).
 */
public final class OrchestratorException extends CodedException {

    private static final long serialVersionUID = 1L;

    /** No run has this id. */
    public static final String RUN_NOT_FOUND = "run_not_found";
    /** The run has no step with this id. */
    public static final String STEP_NOT_FOUND = "step_not_found";
    /** The pipeline spec or its params are invalid. */
    public static final String INVALID_SPEC = "invalid_spec";
    /** A request field holds a value the orchestrator cannot accept. */
    public static final String INVALID_REQUEST = "invalid_request";
    /** A page cursor this orchestrator did not give. */
    public static final String INVALID_CURSOR = "invalid_cursor";
    /** A runner input holds a value that looks like a credential. */
    public static final String SECRET_IN_INPUT = "secret_in_input";
    /** A run with the requested id exists and was submitted with a different request. */
    public static final String RUN_ID_CONFLICT = "run_id_conflict";
    /** The run cannot be continued. */
    public static final String RUN_NOT_RESUMABLE = "run_not_resumable";
    /** The run has not ended yet (replay needs a finished run). */
    public static final String RUN_NOT_FINISHED = "run_not_finished";
    /** The orchestrator is closed or closing. */
    public static final String CLOSED = "orchestrator_closed";
    /** A step or export target names a secret the configured secret broker does not hold. */
    public static final String SECRET_NOT_FOUND = "secret_not_found";

    /** A step asks for inference and the home has none configured. */
    public static final String INFERENCE_UNAVAILABLE = "inference_unavailable";

    private final transient ObjectNode details;

    private OrchestratorException(
            String code, String message, boolean retryable, String hint, ObjectNode details, Throwable cause) {
        super(code, message, retryable, hint, cause);
        this.details = details;
    }

    public static OrchestratorException runNotFound(String runId) {
        return new OrchestratorException(
                RUN_NOT_FOUND,
                "no run " + runId,
                false,
                "Check the run id (`cairn runs` lists them).",
                JsonNodeFactory.instance.objectNode().put("run_id", runId),
                null);
    }

    public static OrchestratorException stepNotFound(String runId, String stepId, List<String> steps) {
        ObjectNode details = JsonNodeFactory.instance.objectNode().put("step_id", stepId);
        ArrayNode known = details.putArray("steps");
        steps.forEach(known::add);
        return new OrchestratorException(
                STEP_NOT_FOUND,
                "run " + runId + " has no step `" + stepId + "`",
                false,
                "Name one of the run's steps: " + String.join(", ", steps) + ".",
                details,
                null);
    }

    /** The spec (or its params) has errors; {@code details.errors} lists each with its position. */
    public static OrchestratorException invalidSpec(SpecException cause) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        ArrayNode errors = details.putArray("errors");
        for (SpecError e : cause.errors()) {
            ObjectNode error = errors.addObject();
            error.put("line", e.line());
            error.put("column", e.column());
            error.put("path", e.path());
            error.put("code", e.code().code());
            error.put("message", e.message());
            error.put("hint", e.hint());
        }
        return new OrchestratorException(INVALID_SPEC, cause.getMessage(), false, cause.hint(), details, cause);
    }

    public static OrchestratorException invalidRequest(String field, String problem, String hint) {
        return new OrchestratorException(
                INVALID_REQUEST,
                "invalid `" + field + "`: " + problem,
                false,
                hint,
                JsonNodeFactory.instance.objectNode().put("field", field),
                null);
    }

    /** {@code cursor} is not a {@code next_cursor} this orchestrator gave for a listing. */
    public static OrchestratorException invalidCursor(String field, String cursor) {
        return new OrchestratorException(
                INVALID_CURSOR,
                "invalid `" + field + "`: `" + shorten(cursor) + "` is not a cursor this server gave",
                false,
                "Pass back the `next_cursor` of the previous page, unchanged; or list again from the start"
                        + " without a cursor.",
                JsonNodeFactory.instance.objectNode().put("field", field),
                null);
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }

    public static OrchestratorException secretInInput(List<String> pointers) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        ArrayNode at = details.putArray("pointers");
        pointers.forEach(at::add);
        return new OrchestratorException(
                SECRET_IN_INPUT,
                "the request holds values that look like credentials, at " + String.join(", ", pointers),
                false,
                "Pass secrets by name (a step's `secrets`), never inline: runs, manifests and logs are stored.",
                details,
                null);
    }

    /**
     * Secrets a submitted pipeline needs that the configured broker does not hold.
     *
     * @param missing per missing secret name, where it is needed ({@code step build}, {@code export
     *     target uploads})
     * @param broker what the broker is, for the message
     */
    public static OrchestratorException secretNotFound(
            java.util.SortedMap<String, List<String>> missing, String broker) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        ArrayNode list = details.putArray("missing");
        missing.forEach((name, users) -> {
            ObjectNode one = list.addObject().put("name", name);
            ArrayNode by = one.putArray("needed_by");
            users.forEach(by::add);
        });
        return new OrchestratorException(
                SECRET_NOT_FOUND,
                "the pipeline needs secret" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing.keySet())
                        + ", which " + broker + " does not hold",
                false,
                "Set " + (missing.size() == 1 ? "it" : "them") + " first (`cairn secrets set NAME`, value on stdin),"
                        + " or fix the names in the pipeline.",
                details,
                null);
    }

    public static OrchestratorException inferenceUnavailable(List<String> steps) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        ArrayNode list = details.putArray("steps");
        steps.forEach(list::add);
        return new OrchestratorException(
                INFERENCE_UNAVAILABLE,
                "step" + (steps.size() == 1 ? " " : "s ") + String.join(", ", steps)
                        + " ask" + (steps.size() == 1 ? "s" : "") + " for inference (`inference:`), but this Cairn"
                        + " home has no inference configured",
                false,
                "Add an `inference:` section to <home>/cairn.yaml (base_url, api_key_secret, model, budget_tokens;"
                        + " see docs/inference.md) and restart, or remove `inference:` from the step.",
                details,
                null);
    }

    public static OrchestratorException runIdConflict(String runId) {
        return new OrchestratorException(
                RUN_ID_CONFLICT,
                "run " + runId + " exists and was submitted with a different request",
                false,
                "Submit without a run id to get a new one, or resend exactly the original request.",
                JsonNodeFactory.instance.objectNode().put("run_id", runId),
                null);
    }

    public static OrchestratorException notResumable(String runId, String why, Throwable cause) {
        return new OrchestratorException(
                RUN_NOT_RESUMABLE,
                "run " + runId + " cannot be resumed: " + why,
                false,
                "Inspect the run (`cairn status`); start it again as a new run if its log cannot be continued.",
                JsonNodeFactory.instance.objectNode().put("run_id", runId),
                cause);
    }

    public static OrchestratorException notFinished(String runId) {
        return new OrchestratorException(
                RUN_NOT_FINISHED,
                "run " + runId + " has not ended yet",
                false,
                "Wait for the run to end (or cancel it), then replay it.",
                JsonNodeFactory.instance.objectNode().put("run_id", runId),
                null);
    }

    public static OrchestratorException closed() {
        return new OrchestratorException(
                CLOSED,
                "the orchestrator is closed",
                true,
                "Retry once the orchestrator is running again.",
                null,
                null);
    }

    /** Structured data about the error, for the error envelope's {@code details}. */
    public Optional<ObjectNode> details() {
        return Optional.ofNullable(details).map(ObjectNode::deepCopy);
    }
}
