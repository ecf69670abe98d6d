package dev.cairn.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.json.CodedError;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ErrorsTest {

    /** The JsonException that reading {@code json} as {@code type} throws. */
    static JsonException failure(String json, Class<?> type) {
        try {
            Wire.read(json, type);
        } catch (JsonException e) {
            return e;
        }
        throw new AssertionError("expected " + json + " to be refused as " + type.getSimpleName());
    }

    @Test
    void contractErrorsCarryTheirStatusAndBecomeEnvelopes() {
        ContractException notFound = ContractException.runNotFound("r1");
        assertThat(notFound.code()).isEqualTo("run_not_found");
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(ContractException.httpStatus(notFound)).isEqualTo(404);
        assertThat(Wire.write(notFound.toEnvelope()))
                .isEqualTo("{\"code\":\"run_not_found\",\"message\":\"no run with id `r1`\",\"retryable\":false,"
                        + "\"hint\":\"Check the runId returned by POST /run.\",\"details\":{\"runId\":\"r1\"}}");
        ContractException failed = ContractException.executionFailed("exit 1");
        assertThat(failed.status()).isEqualTo(500);
        assertThat(failed.retryable()).isTrue();
        assertThat(failed.toEnvelope().details().orElseThrow().get("details").textValue())
                .isEqualTo("exit 1");
        assertThat(ContractException.invalidField("runners", "x").status()).isEqualTo(400);
    }

    @Test
    void codecErrorsBecomeBadRequestsWithAPointer() {
        JsonException missing = failure("{\"runners\":[{\"name\":\"\"}],\"mode\":\"local\"}", RunRequest.class);
        assertThat(missing.code()).isEqualTo("invalid_field");
        assertThat(missing.path()).isEqualTo("/runners/0");
        assertThat(missing.getMessage()).isEqualTo("name must not be empty at /runners/0");
        assertThat(ContractException.httpStatus(missing)).isEqualTo(400);
        ErrorEnvelope envelope = ErrorEnvelope.from(missing);
        assertThat(envelope.code()).isEqualTo("invalid_field");
        assertThat(envelope.details().orElseThrow().get("pointer").textValue()).isEqualTo("/runners/0");
        assertThat(envelope.hint()).contains("Fix `name`; the request's JSON Schema is served at GET /openapi.yaml.");
        JsonException notJson = failure("{\"runners\":", RunRequest.class);
        assertThat(ErrorEnvelope.from(notJson).details()).isEmpty();
    }

    @Test
    void otherErrorsMapByRetryability() {
        CodedError transientFailure = new CodedError() {
            @Override
            public String code() {
                return "store_unavailable";
            }

            @Override
            public boolean retryable() {
                return true;
            }

            @Override
            public String hint() {
                return "";
            }

            @Override
            public String getMessage() {
                return "the event store is not reachable";
            }
        };
        assertThat(ContractException.httpStatus(transientFailure)).isEqualTo(503);
        ErrorEnvelope envelope = ErrorEnvelope.from(transientFailure);
        assertThat(envelope.hint()).isEmpty();
        assertThat(Wire.write(envelope))
                .isEqualTo("{\"code\":\"store_unavailable\",\"message\":\"the event store is not reachable\","
                        + "\"retryable\":true}");
    }

    @Test
    void envelopesValidateTheirCode() {
        assertThatThrownBy(() -> new ErrorEnvelope("Bad", "x", false, Optional.empty(), Optional.empty()))
                .isInstanceOf(ContractException.class)
                .hasMessage("code must be a snake_case code, got `Bad`");
        assertThatThrownBy(() -> new ErrorEnvelope("bad", "", false, Optional.empty(), Optional.empty()))
                .hasMessage("message must not be empty");
    }

    @Test
    void runnerNotFoundKeepsTheOrpcData() {
        ContractException e = ContractException.runnerNotFound(List.of("a", "b"), List.of("c"));
        assertThat(e.getMessage()).isEqualTo("runners not found: a, b");
        assertThat(e.details().orElseThrow().toString())
                .isEqualTo("{\"missingRunners\":[\"a\",\"b\"],\"availableRunners\":[\"c\"]}");
        e.details().orElseThrow().put("mutated", true);
        assertThat(e.details().orElseThrow().has("mutated")).isFalse();
    }
}
