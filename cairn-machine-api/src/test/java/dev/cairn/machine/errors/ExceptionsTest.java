package dev.cairn.machine.errors;

import static dev.cairn.machine.Fixtures.HELLO;
import static dev.cairn.machine.Fixtures.HELLO_WORLD;
import static dev.cairn.machine.Fixtures.PRICES;
import static dev.cairn.machine.Fixtures.READ_ETH;
import static dev.cairn.machine.Fixtures.RUN;
import static dev.cairn.machine.Fixtures.UPSTREAM_DOWN;
import static dev.cairn.machine.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.json.CodedError;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.ids.ContextKey;
import dev.cairn.machine.ids.IdValidationException;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.meta.Tag;
import dev.cairn.machine.plan.PlanValidationError;
import dev.cairn.machine.plan.PlanValidationException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExceptionsTest {

    @Test
    void theSeedsMissingFactKeyCodeIsStable() {
        assertThat(ErrorCodes.CODE_MISSING_FACT_KEY).isEqualTo("missing_fact_key");
        IoException e = IoException.missingFactKey("http");
        assertThat(e.code()).isEqualTo("missing_fact_key");
        assertThat(e.error()).isInstanceOfSatisfying(IoError.MissingFactKey.class, v -> {
            assertThat(v.info().category()).isEqualTo(ErrorCategory.PARSING_INPUT);
            assertThat(v.info().retryable()).isFalse();
            assertThat(v.info().details()).contains(json("{\"namespace\":\"http\"}"));
        });
        assertThat(e.getMessage()).contains("namespace `http`");
        assertThat(e.toRunError()).isEqualTo(new RunError.Io(e.error()));
    }

    @Test
    void missingFactRetryabilityFollowsTheRunConfig() {
        for (boolean retryable : new boolean[] {true, false}) {
            IoException e = IoException.missingFact(PRICES, retryable);
            assertThat(e.code()).isEqualTo(ErrorCodes.CODE_MISSING_FACT);
            assertThat(e.retryable()).isEqualTo(retryable);
            assertThat(e.category()).isEqualTo(ErrorCategory.RPC);
            assertThat(e.error()).isEqualTo(new IoError.MissingFact(PRICES, e.info()));
            assertThat(e.getMessage()).contains(PRICES.value());
        }
    }

    @Test
    void ioFactoriesWrapTheTransportsPayload() {
        ErrorInfo reset = ErrorInfo.of("connection_reset", ErrorCategory.RPC, true, "connection reset by peer");
        IOException cause = new IOException("reset");
        IoException transport = IoException.transport(reset, cause);
        assertThat(transport.error()).isEqualTo(new IoError.Transport(reset));
        assertThat(transport.getCause()).isSameAs(cause);
        assertThat(transport.retryable()).isTrue();
        assertThat(IoException.rateLimited(reset).error()).isEqualTo(new IoError.RateLimited(reset));
        assertThat(IoException.other(reset, null).error()).isEqualTo(new IoError.Other(reset));
        IoException interrupted = IoException.interrupted();
        assertThat(interrupted.code()).isEqualTo("interrupted");
        assertThat(interrupted.retryable()).isTrue();
    }

    @Test
    void concurrencyNamesTheRunAndBothHeads() {
        StorageException e = StorageException.concurrency(RUN, 3, 5);
        assertThat(e.code()).isEqualTo("event_store_concurrency");
        assertThat(e.retryable()).isFalse();
        assertThat(e.error()).isInstanceOf(StorageError.Concurrency.class);
        assertThat(e.getMessage())
                .isEqualTo("append to run 0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30 expected head seq 3 but the head is 5");
        assertThat(e.info().details())
                .contains(json(
                        "{\"run_id\":\"0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30\",\"expected_seq\":3,\"actual_seq\":5}"));
        assertThat(e.hint()).contains("headSeq");
        assertThat(e.toRunError()).isEqualTo(new RunError.Storage(e.error()));
    }

    @Test
    void storageFactoriesUseTheSeedsVariants() {
        assertThat(StorageException.runNotFound(RUN).error()).isInstanceOf(StorageError.NotFound.class);
        assertThat(StorageException.runNotFound(RUN).code()).isEqualTo("run_not_found");
        StorageException notFound = StorageException.artifactNotFound(HELLO);
        assertThat(notFound.error()).isInstanceOf(StorageError.NotFound.class);
        assertThat(notFound.code()).isEqualTo("artifact_not_found");
        assertThat(notFound.getMessage()).contains(HELLO.value());
        StorageException corrupt = StorageException.artifactCorrupt(HELLO, HELLO_WORLD);
        assertThat(corrupt.error()).isInstanceOf(StorageError.Corruption.class);
        assertThat(corrupt.getMessage()).contains(HELLO.value()).contains(HELLO_WORLD.value());
        assertThat(StorageException.corruption("bad_row", "row 7 is not JSON").error())
                .isInstanceOf(StorageError.Corruption.class);
        StorageException invalid = StorageException.invalidAppend(RUN, "seq 7 where 4 was expected");
        assertThat(invalid.error()).isInstanceOf(StorageError.Other.class);
        assertThat(invalid.code()).isEqualTo("invalid_append");
        StorageException unavailable = StorageException.unavailable("database is locked", null);
        assertThat(unavailable.retryable()).isTrue();
        assertThat(unavailable.code()).isEqualTo("storage_unavailable");
        IOException io = new IOException("disk gone");
        StorageException stream = StorageException.streamFailed(io);
        assertThat(stream.getCause()).isSameAs(io);
        assertThat(stream.code()).isEqualTo("artifact_stream_failed");
        assertThat(StorageException.interrupted().retryable()).isTrue();
    }

    @Test
    void contextFactoriesUseTheSeedsCodes() {
        ContextKey key = new ContextKey("balances.eth");
        ContextException missing = ContextException.missingKey(key);
        assertThat(missing.error()).isEqualTo(new ContextError.MissingKey(key, missing.info()));
        assertThat(missing.code()).isEqualTo("missing_context_key");
        ContextException read = ContextException.deserializeFailed(key, "Balance", "/amount", null);
        assertThat(read.code()).isEqualTo("context_deserialize_failed");
        assertThat(read.error()).isInstanceOf(ContextError.Serialization.class);
        assertThat(read.category()).isEqualTo(ErrorCategory.CONTEXT);
        assertThat(read.info().details())
                .contains(json("{\"key\":\"balances.eth\",\"type\":\"Balance\",\"path\":\"/amount\"}"));
        ContextException write = ContextException.serializeFailed(key, "Duration", null);
        assertThat(write.code()).isEqualTo("context_serialize_failed");
        assertThat(write.toRunError()).isEqualTo(new RunError.Context(write.error()));
    }

    @Test
    void stateExceptionsAreAttributedByTheEngine() {
        StateException e = StateException.failed("upstream_down", ErrorCategory.OFF_CHAIN, true, "price feed down");
        assertThat(e.error().stateId()).isEmpty();
        StateException attributed = e.withStateId(READ_ETH);
        assertThat(attributed.error().stateId()).contains(READ_ETH);
        assertThat(attributed.info()).isEqualTo(e.info());
        assertThat(attributed.toRunError()).isEqualTo(new RunError.State(attributed.error()));

        IoException io = IoException.missingFact(PRICES, true);
        StateException fromIo = StateException.from(io);
        assertThat(fromIo.info()).isEqualTo(io.info());
        assertThat(fromIo.getCause()).isSameAs(io);
        assertThat(fromIo.retryable()).isTrue();
        assertThat(StateException.from(e)).isSameAs(e);
    }

    @Test
    void everyFailureBecomesARunError() {
        List<MachineException> failures = List.of(
                StorageException.runNotFound(RUN),
                IoException.missingFactKey("exec"),
                ContextException.missingKey(new ContextKey("k")),
                StateException.of(UPSTREAM_DOWN),
                PlanValidationException.emptyPlan(),
                IdValidationException.of("op_id", "X", "lowercase"),
                RunException.other(UPSTREAM_DOWN, null));
        for (MachineException failure : failures) {
            RunException run = RunException.of(failure);
            assertThat(run.error()).isEqualTo(failure.toRunError());
            assertThat(run.code()).isEqualTo(failure.code());
            assertThat(run.info()).isEqualTo(failure.info());
            assertThat(failure).isInstanceOf(CodedError.class).isInstanceOf(RuntimeException.class);
            // The run error is persisted: it must round-trip through the wire form.
            assertThat(Wire.read(Wire.write(run.error()), RunError.class)).isEqualTo(run.error());
        }
        RunException same = RunException.other(UPSTREAM_DOWN, null);
        assertThat(RunException.of(same)).isSameAs(same);
        assertThat(RunException.runNotFound(RUN).error())
                .isEqualTo(
                        new RunError.Storage(StorageException.runNotFound(RUN).error()));
        assertThat(RunException.invalidPlan("manifest_id_mismatch", "no").error())
                .isInstanceOf(RunError.InvalidPlan.class);
    }

    @Test
    void planValidationErrorsHaveStableCodesAndNameTheirIds() {
        StateId a = StateId.of("m.a.x");
        StateId b = StateId.of("m.b.y");
        assertThat(PlanValidationException.emptyPlan().code()).isEqualTo("empty_plan");
        assertThat(PlanValidationException.duplicateStateId(a).code()).isEqualTo("duplicate_state_id");
        assertThat(PlanValidationException.missingStateForEdge(a).getMessage()).contains("m.a.x");
        PlanValidationException cycle = PlanValidationException.circularDependency(List.of(a, b));
        assertThat(cycle.code()).isEqualTo("circular_dependency");
        assertThat(cycle.getMessage()).contains("m.a.x, m.b.y");
        assertThat(cycle.info().details()).contains(json("{\"cycle\":[\"m.a.x\",\"m.b.y\"]}"));
        PlanValidationException dangling = PlanValidationException.danglingDependencyTag(a, new Tag("fetch_data"));
        assertThat(dangling.code()).isEqualTo("dangling_dependency_tag");
        assertThat(dangling.error()).isEqualTo(new PlanValidationError.DanglingDependencyTag(a, new Tag("fetch_data")));
        assertThat(dangling.toRunError()).isEqualTo(new RunError.InvalidPlan(dangling.info()));
        assertThat(dangling.info().category()).isEqualTo(ErrorCategory.UNKNOWN);
        assertThat(dangling.retryable()).isFalse();
    }

    @Test
    void runErrorInfoIsTheWrappedErrorsInfo() {
        StorageError storage = StorageException.runNotFound(RUN).error();
        assertThat(new RunError.Storage(storage).info()).isEqualTo(storage.info());
        StateError state = StateError.of(UPSTREAM_DOWN);
        assertThat(new RunError.State(state).info()).isEqualTo(UPSTREAM_DOWN);
    }

    @Test
    void errorInfoTreatsJsonNullDetailsAsAbsentAndCopiesThem() {
        var details = json("{\"a\":1}");
        ErrorInfo info = UPSTREAM_DOWN.withDetails(details);
        ((com.fasterxml.jackson.databind.node.ObjectNode) details).put("a", 2);
        assertThat(info.details()).contains(json("{\"a\":1}"));
        assertThat(UPSTREAM_DOWN.withDetails(json("null")).details()).isEqualTo(Optional.empty());
        assertThat(UPSTREAM_DOWN.withRetryable(false).retryable()).isFalse();
    }
}
