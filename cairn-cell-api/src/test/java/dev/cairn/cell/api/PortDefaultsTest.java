package dev.cairn.cell.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The ports' default methods behave as the seed's, and the no-op implementations do exactly what it says. */
class PortDefaultsTest {

    /** A broker that implements only what it must: resolve and revoke. */
    static class MapBroker implements SecretBroker {
        final Map<String, String> values = new HashMap<>();
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public SecretView resolve(String key, String cellId, long ttlSeconds) {
            calls.add("resolve " + key + " " + cellId + " " + ttlSeconds);
            String value = values.get(key);
            if (value == null) {
                throw CellException.secretBroker("no secret " + key);
            }
            return SecretView.of(key, value);
        }

        @Override
        public void revokeForCell(String cellId) {
            calls.add("revoke " + cellId);
        }
    }

    @Test
    void fetchRuntimeSecretResolvesAfreshEachTime() {
        MapBroker broker = new MapBroker();
        broker.values.put("NPM_TOKEN", "npm_s3cr3t");
        try (SecretView first = broker.fetchRuntimeSecret("NPM_TOKEN", "cell-1", 60);
                SecretView second = broker.fetchRuntimeSecret("NPM_TOKEN", "cell-1", 60)) {
            assertThat(first.reveal()).isEqualTo("npm_s3cr3t");
            assertThat(second).isNotSameAs(first);
        }
        assertThat(broker.calls).containsExactly("resolve NPM_TOKEN cell-1 60", "resolve NPM_TOKEN cell-1 60");
        assertThatThrownBy(() -> broker.fetchRuntimeSecret("MISSING", "cell-1", 60))
                .isInstanceOf(CellException.class)
                .extracting(e -> ((CellException) e).code())
                .isEqualTo("secret_broker");
    }

    @Test
    void prepareRuntimeSecretLeaseRefusesWithTheSeedsMessage() {
        MapBroker broker = new MapBroker();
        assertThatThrownBy(() -> broker.prepareRuntimeSecretLease(
                        "cell-1", List.of(new RuntimeSecretLeaseRequest("NPM_TOKEN", 300))))
                .isInstanceOfSatisfying(CellException.class, e -> {
                    assertThat(e.code()).isEqualTo("secret_broker");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.error())
                            .isEqualTo(new CellosError.SecretBroker(
                                    "runtimeLeasedBroker is not supported by this secret broker"));
                    assertThat(e.getMessage())
                            .isEqualTo("secret broker: runtimeLeasedBroker is not supported by this secret broker");
                });
        assertThat(broker.calls).isEmpty();
    }

    @Test
    void brokerCorrelationIdIsEmptyByDefault() {
        assertThat(new MapBroker().brokerCorrelationId()).isEmpty();
        SecretBroker tracking = new MapBroker() {
            @Override
            public Optional<String> brokerCorrelationId() {
                return Optional.of("session-42");
            }
        };
        assertThat(tracking.brokerCorrelationId()).contains("session-42");
    }

    @Test
    void aBackendThatDoesNotRunWorkloadsReportsNoInVmExit() {
        List<String> tracked = new ArrayList<>();
        CellBackend backend = new CellBackend() {
            @Override
            public CellHandle create(ExecutionCellDocument spec) {
                tracked.add(spec.spec().id());
                return CellHandle.of(spec.spec().id());
            }

            @Override
            public TeardownReport destroy(CellHandle handle) {
                boolean known = tracked.remove(handle.cellId());
                return new TeardownReport(handle.cellId(), known, tracked.size());
            }
        };
        CellHandle handle =
                backend.create(ExecutionCellDocument.of(ExecutionCellSpec.of("c1", RunSpec.of(List.of("true")))));
        assertThat(backend.waitForInVmExit(handle.cellId())).isEmpty();
        assertThat(backend.destroy(handle)).isEqualTo(new TeardownReport("c1", true, 0));
        assertThat(backend.destroy(handle)).isEqualTo(new TeardownReport("c1", false, 0));
    }

    @Test
    void anExportSinkIsALambdaWithEmptyHints() {
        ExportSink sink = (name, path, metadata) ->
                new ExportReceipt(ExportReceiptTargetKind.LOCAL, "/exports/" + name, Optional.of(3L));
        assertThat(sink.targetKind()).isEmpty();
        assertThat(sink.destinationHint("lockfile")).isEmpty();
        assertThat(sink.push("lockfile", "package-lock.json", ExportArtifactMetadata.none())
                        .destination())
                .isEqualTo("/exports/lockfile");
    }

    @Test
    void eventSinksAndInferenceBrokersAreLambdas() {
        List<CloudEventV1> kept = new ArrayList<>();
        EventSink sink = kept::add;
        CloudEventV1 event = CloudEventV1.of("e1", "/cairn", "t", JsonNodeFactory.instance.objectNode());
        sink.emit(event);
        assertThat(kept).containsExactly(event);
        InferenceBroker echo = request -> new InferenceResponse(request.prompt(), "echo", 1, 1);
        assertThat(echo.infer(new InferenceRequest("c1", "hi", 8, Optional.empty()))
                        .content())
                .isEqualTo("hi");
    }

    // ------------------------------------------------------------------ no-ops

    @Test
    void noopEventSinkAcceptsAndDrops() {
        NoopEventSink sink = new NoopEventSink();
        CloudEventV1 event = CloudEventV1.of("e1", "/cairn", "t", JsonNodeFactory.instance.objectNode());
        sink.emit(event);
        sink.emit(event);
        // Nothing to observe but that it accepts: it keeps no events and never fails.
        assertThat(sink).isInstanceOf(EventSink.class);
    }

    @Test
    void noopExportSinkRefusesWithTheSeedsMessage() {
        NoopExportSink sink = new NoopExportSink();
        assertThat(sink.targetKind()).isEmpty();
        assertThat(sink.destinationHint("report")).isEmpty();
        assertThatThrownBy(() -> sink.push("report.json", "out/report.json", ExportArtifactMetadata.none()))
                .isInstanceOfSatisfying(CellException.class, e -> {
                    assertThat(e.code()).isEqualTo("export_sink");
                    assertThat(e.error())
                            .isEqualTo(new CellosError.ExportSink(
                                    "export requested for artifact \"report.json\" but no export sink is configured"));
                });
        // Rust's {:?} escapes quotes and control characters in the name.
        assertThatThrownBy(() -> sink.push("a\"b\n", "p", ExportArtifactMetadata.none()))
                .isInstanceOfSatisfying(CellException.class, e -> assertThat(e.error())
                        .isEqualTo(new CellosError.ExportSink(
                                "export requested for artifact \"a\\\"b\\n\" but no export sink is configured")));
    }

    @Test
    void noopInferenceBrokerAnswersEmptyWithZeroTokens() {
        InferenceResponse response =
                new NoopInferenceBroker().infer(new InferenceRequest("c1", "Summarize.", 256, Optional.of("large")));
        assertThat(response).isEqualTo(new InferenceResponse("", "noop", 0, 0));
    }

    // ------------------------------------------------------------------ handles, requests, errors

    @Test
    void cellHandlesValidateDigests() {
        String digest = "a".repeat(64);
        CellHandle handle = new CellHandle(
                "c1", Optional.empty(), Optional.of(true), Optional.of(digest), Optional.of(digest), Optional.empty());
        assertThat(handle.kernelDigestSha256()).contains(digest);
        assertThat(CellHandle.of("c1").withNftRulesApplied(false).nftRulesApplied())
                .contains(false);
        assertThat(CellHandle.of("c1")
                        .withCgroupPath(java.nio.file.Path.of("/sys/fs/cgroup/cairn/c1"))
                        .cgroupPath())
                .isPresent();
        assertThatThrownBy(() -> new CellHandle(
                        "c1",
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of("ABC"),
                        Optional.empty(),
                        Optional.empty()))
                .isInstanceOf(CellException.class)
                .hasMessageContaining("kernelDigestSha256");
        assertThatThrownBy(() -> CellHandle.of(" ")).isInstanceOf(CellException.class);
        assertThatThrownBy(() -> new RuntimeSecretLeaseRequest("K", -1)).isInstanceOf(CellException.class);
    }

    @Test
    void exceptionsCarryTheirVariantsCodeAndAHint() {
        CellException e = CellException.transientFailure(
                new CellosError.EventSink("nats unreachable"), new java.io.IOException("connection refused"));
        assertThat(e.code()).isEqualTo("event_sink");
        assertThat(e.retryable()).isTrue();
        assertThat(e.hint()).isNotEmpty();
        assertThat(e.getMessage()).isEqualTo("event sink: nats unreachable");
        assertThat(CellException.argvTooLarge(4000, 3072).getMessage())
                .isEqualTo("spec.run.argv encoded as base64 is 4000 bytes; exceeds 3072-byte kernel cmdline limit");
        assertThat(CellApi.MODULE_NAME).isEqualTo("cairn-cell-api");
    }
}
