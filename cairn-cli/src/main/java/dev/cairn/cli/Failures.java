package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.client.CairnClientException;
import dev.cairn.json.CodedError;
import dev.cairn.json.wire.Wire;
import dev.cairn.orchestrator.spec.SpecError;
import dev.cairn.orchestrator.spec.SpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** How the failures of the run-facing commands reach the user: code, lines, details and exit code. */
final class Failures {

    /** Codes that mean a service is not there (exit 69). */
    private static final Set<String> UNAVAILABLE = Set.of(
            "store_locked",
            "connection_failed",
            "stream_broken",
            "lease_service_unavailable",
            "storage_unavailable",
            "bind_failed",
            "shutting_down",
            "orchestrator_closed");

    /** Codes that mean the command line lacks something (exit 2). */
    private static final Set<String> USAGE =
            Set.of("unauthenticated", "forbidden", "auth_required", "invalid_option", "unknown_capability", "usage");

    private Failures() {}

    static int exitCode(CodedError error) {
        if (UNAVAILABLE.contains(error.code())) {
            return ExitCodes.UNAVAILABLE;
        }
        if (USAGE.contains(error.code())) {
            return ExitCodes.USAGE;
        }
        return error.retryable() ? ExitCodes.UNAVAILABLE : ExitCodes.DATA;
    }

    /** Every error of a spec, each with its line, column and path. */
    static CliException spec(SpecException e) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        if (!e.source().isEmpty()) {
            details.put("source", e.source());
        }
        ArrayNode errors = details.putArray("errors");
        List<String> lines = new ArrayList<>();
        for (SpecError error : e.errors()) {
            errors.add(Wire.toTree(error));
            lines.addAll(error.render(e.source()).lines().toList());
        }
        return new CliException(e.code(), e.getMessage(), e.hint(), ExitCodes.DATA, e).withDetails(details, lines);
    }

    /** A server's answer, with the errors its details list (a spec's) rendered as lines. */
    static CliException client(CairnClientException e) {
        int exit = exitCode(e);
        CliException failure = new CliException(e.code(), e.getMessage(), e.hint(), exit, e);
        if (e.details().isEmpty()) {
            return failure;
        }
        JsonNode details = e.details().get();
        List<String> lines = new ArrayList<>();
        String source = details.path("source").asText("<spec>");
        for (JsonNode error : details.path("errors")) {
            StringBuilder line = new StringBuilder(source);
            if (error.path("line").asInt() > 0) {
                line.append(':')
                        .append(error.path("line").asInt())
                        .append(':')
                        .append(error.path("column").asInt());
            }
            line.append(": ")
                    .append(error.path("code").asText())
                    .append(": ")
                    .append(error.path("message").asText());
            if (!error.path("path").asText().isEmpty()) {
                line.append(" (at ").append(error.path("path").asText()).append(')');
            }
            lines.add(line.toString());
        }
        return failure.withDetails(details, lines);
    }
}
