package dev.cairn.cell.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Golden wire forms, round trips and bad input for every wire type of the cell ports. */
class WireFormsTest {

    static ExecutionCellDocument fullDocument() {
        return ExecutionCellDocument.of(new ExecutionCellSpec(
                "build-7f3a-step-2",
                Optional.of(new Correlation(Optional.of("run-0b0c5e33"))),
                new AuthorityBundle(
                        List.of(new EgressRule("registry.npmjs.org", 443, Optional.of("tcp"))), List.of("NPM_TOKEN")),
                Optional.of(new RunSpec(
                        List.of("npm", "ci", "--ignore-scripts"),
                        Map.of("LANG", "C.UTF-8", "CI", "true"),
                        Optional.of("/workspace"),
                        Optional.of(600_000L),
                        Optional.of(new RunLimits(
                                Optional.of(2_147_483_648L),
                                Optional.of(new RunCpuMax(200_000, Optional.of(100_000L))),
                                Optional.of(10L))))),
                Optional.of(new ExportSpec(List.of(new ExportArtifactSpec(
                        "lockfile", "package-lock.json", Optional.of("audit"), Optional.of("application/json"))))),
                Optional.of(new Lifetime(900))));
    }

    static CloudEventV1 fullEvent() {
        ObjectNode data = JsonNodeFactory.instance
                .objectNode()
                .put("cellId", "build-7f3a-step-2")
                .put("nftRulesApplied", true);
        data.putArray("argv").add("npm").add("ci");
        return new CloudEventV1(
                "1.0",
                "evt-0001",
                "urn:cairn:cell:build-7f3a-step-2",
                "dev.cairn.cell.lifecycle.v1.started",
                Optional.of("build-7f3a-step-2"),
                Optional.of(Instant.parse("2026-11-23T06:00:00.123Z")),
                Optional.of("application/json"),
                Optional.of("https://cairn.dev/schemas/cell-started.json"),
                Optional.of(data));
    }

    private static <T> void golden(T value, Class<T> type, String file) {
        assertThat(Golden.written(value)).as(file).isEqualTo(Golden.tree(file));
        assertThat(Wire.read(Golden.text(file), type)).as(file).isEqualTo(value);
    }

    private static JsonException readFails(String json, Class<?> type) {
        try {
            Wire.read(json, type);
        } catch (JsonException e) {
            return e;
        }
        throw new AssertionError("expected a JsonException for " + json);
    }

    // ------------------------------------------------------------------ ExecutionCellDocument

    @Test
    void executionCellDocumentMatchesItsGoldenFile() {
        golden(fullDocument(), ExecutionCellDocument.class, "execution_cell.full.json");
        ExecutionCellDocument doc = fullDocument();
        assertThat(doc.spec().correlationId()).contains("run-0b0c5e33");
        assertThat(doc.spec().authority().networkGranted()).isTrue();
        assertThat(doc.spec().run().orElseThrow().env().keySet()).containsExactly("CI", "LANG");
        assertThat(doc.spec().export().orElseThrow().artifacts().get(0).metadata())
                .isEqualTo(ExportArtifactMetadata.ofContentType("application/json"));
    }

    @Test
    void aMinimalDocumentHasNoAuthorityAtAll() {
        ExecutionCellDocument doc = Wire.read(Golden.text("execution_cell.minimal.json"), ExecutionCellDocument.class);
        assertThat(doc.spec().id()).isEqualTo("demo-cell-001");
        assertThat(doc.spec().correlation()).isEmpty();
        assertThat(doc.spec().correlationId()).isEmpty();
        assertThat(doc.spec().run()).isEmpty();
        assertThat(doc.spec().authority()).isEqualTo(AuthorityBundle.none());
        assertThat(doc.spec().authority().networkGranted()).isFalse();
        assertThat(Golden.written(doc)).isEqualTo(Golden.tree("execution_cell.minimal.written.json"));
        assertThat(Wire.read(Golden.text("execution_cell.minimal.written.json"), ExecutionCellDocument.class))
                .isEqualTo(doc);
    }

    @Test
    void unknownSectionsOfTheReferenceDocumentAreIgnored() {
        String json = Golden.text("execution_cell.full.json")
                .replace("\"lifetime\"", "\"placement\": {\"pool\": \"fc\"}, \"lifetime\"");
        assertThat(Wire.read(json, ExecutionCellDocument.class)).isEqualTo(fullDocument());
    }

    @Test
    void badDocumentsAreRefusedWithTypedErrors() {
        String full = Golden.text("execution_cell.full.json");

        JsonException noId = readFails(
                "{\"apiVersion\":\"cellos.io/v1\",\"kind\":\"ExecutionCell\",\"spec\":{}}",
                ExecutionCellDocument.class);
        assertThat(noId.code()).isEqualTo("missing_field");
        assertThat(noId.path()).isEqualTo("/spec/id");

        JsonException noSpec =
                readFails("{\"apiVersion\":\"cellos.io/v1\",\"kind\":\"ExecutionCell\"}", ExecutionCellDocument.class);
        assertThat(noSpec.path()).isEqualTo("/spec");

        JsonException version = readFails(full.replace("cellos.io/v1", "cellos.io/v2"), ExecutionCellDocument.class);
        assertThat(version.code()).isEqualTo("invalid_spec");
        assertThat(version.getMessage()).contains("cellos.io/v2");

        JsonException id = readFails(full.replace("build-7f3a-step-2", "../escape"), ExecutionCellDocument.class);
        assertThat(id.code()).isEqualTo("invalid_spec");
        assertThat(id.path()).isEqualTo("/spec");

        JsonException argv =
                readFails(full.replace("[\"npm\", \"ci\", \"--ignore-scripts\"]", "[]"), ExecutionCellDocument.class);
        assertThat(argv.code()).isEqualTo("invalid_spec");
        assertThat(argv.getMessage()).contains("argv");

        JsonException port = readFails(full.replace("\"port\": 443", "\"port\": 70000"), ExecutionCellDocument.class);
        assertThat(port.code()).isEqualTo("invalid_spec");

        JsonException portType =
                readFails(full.replace("\"port\": 443", "\"port\": \"443\""), ExecutionCellDocument.class);
        assertThat(portType.code()).isEqualTo("wire_format");
        assertThat(portType.path()).isEqualTo("/spec/authority/egressRules/0/port");

        JsonException timeout =
                readFails(full.replace("\"timeoutMs\": 600000", "\"timeoutMs\": -1"), ExecutionCellDocument.class);
        assertThat(timeout.code()).isEqualTo("invalid_spec");
        assertThat(timeout.getMessage()).contains("timeoutMs");

        JsonException env = readFails(full.replace("\"CI\": \"true\"", "\"CI\": 1"), ExecutionCellDocument.class);
        assertThat(env.path()).isEqualTo("/spec/run/env/CI");

        JsonException duplicate = readFails(
                full.replace(
                        "\"contentType\": \"application/json\" }",
                        "\"contentType\": \"application/json\" }, { \"name\": \"lockfile\", \"path\": \"x\" }"),
                ExecutionCellDocument.class);
        assertThat(duplicate.code()).isEqualTo("invalid_spec");
        assertThat(duplicate.getMessage()).contains("unique");
    }

    // ------------------------------------------------------------------ CloudEventV1

    @Test
    void cloudEventsUseTheStructuredJsonFormat() {
        golden(fullEvent(), CloudEventV1.class, "cloud_event.full.json");
        CloudEventV1 minimal = new CloudEventV1(
                "1.0",
                "e1",
                "/cairn",
                "dev.cairn.test",
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        // Absent attributes are left out, not written as null.
        golden(minimal, CloudEventV1.class, "cloud_event.minimal.json");
        assertThat(Wire.read(
                        "{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"/cairn\",\"type\":\"dev.cairn.test\","
                                + "\"subject\":null,\"data\":null}",
                        CloudEventV1.class))
                .isEqualTo(minimal);
    }

    @Test
    void theFactoryMakesAJsonEvent() {
        CloudEventV1 event = CloudEventV1.of(
                        "e2",
                        "/cairn",
                        "t",
                        JsonNodeFactory.instance.objectNode().put("k", 1))
                .withSubject("cell-1")
                .withTime(Instant.parse("2026-11-23T06:00:00Z"));
        assertThat(event.specversion()).isEqualTo("1.0");
        assertThat(event.datacontenttype()).contains("application/json");
        assertThat(Golden.written(event).get("time").textValue()).isEqualTo("2026-11-23T06:00:00Z");
        ((ObjectNode) event.data().orElseThrow()).put("k", 2);
        assertThat(event.data().orElseThrow().get("k").intValue()).isEqualTo(1);
    }

    @Test
    void badCloudEventsAreRefused() {
        String full = Golden.text("cloud_event.full.json");
        JsonException version = readFails(full.replace("\"1.0\"", "\"0.3\""), CloudEventV1.class);
        assertThat(version.code()).isEqualTo("event_sink");
        assertThat(version.getMessage()).contains("specversion").contains("0.3");
        JsonException noType =
                readFails("{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"/s\"}", CloudEventV1.class);
        assertThat(noType.code()).isEqualTo("missing_field");
        assertThat(noType.path()).isEqualTo("/type");
        JsonException emptyId = readFails(full.replace("\"evt-0001\"", "\"\""), CloudEventV1.class);
        assertThat(emptyId.getMessage()).contains("`id`");
        JsonException time = readFails(full.replace("2026-11-23T06:00:00.123Z", "noon"), CloudEventV1.class);
        assertThat(time.path()).isEqualTo("/time");
    }

    // ------------------------------------------------------------------ export, inference, teardown

    @Test
    void exportTypesMatchTheirGoldenFiles() {
        golden(
                new ExportReceipt(
                        ExportReceiptTargetKind.S3,
                        "s3://evidence/build-7f3a/lockfile",
                        Optional.of(1234L),
                        Optional.of("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
                        Optional.of(Instant.parse("2026-11-23T06:00:00.123Z"))),
                ExportReceipt.class,
                "export_receipt.json");
        ExportReceipt minimal = Wire.read(Golden.text("export_receipt.minimal.json"), ExportReceipt.class);
        assertThat(minimal)
                .isEqualTo(new ExportReceipt(
                        ExportReceiptTargetKind.LOCAL, "/var/lib/cairn/exports/lockfile", Optional.empty()));
        assertThat(Golden.written(minimal)).isEqualTo(Golden.tree("export_receipt.minimal.written.json"));
        golden(
                ExportArtifactMetadata.ofContentType("application/json").withProducer("package"),
                ExportArtifactMetadata.class,
                "export_artifact_metadata.json");
        assertThat(Wire.read("{}", ExportArtifactMetadata.class)).isEqualTo(ExportArtifactMetadata.none());
        assertThat(Wire.read("{\"contentType\":\"text/plain\"}", ExportArtifactMetadata.class))
                .isEqualTo(new ExportArtifactMetadata(Optional.of("text/plain")));
        for (ExportReceiptTargetKind kind : ExportReceiptTargetKind.values()) {
            assertThat(Wire.read(Wire.write(kind), ExportReceiptTargetKind.class))
                    .isEqualTo(kind);
        }
        assertThat(Wire.write(ExportReceiptTargetKind.HTTP)).isEqualTo("\"http\"");

        JsonException kind =
                readFails(Golden.text("export_receipt.json").replace("\"s3\"", "\"ftp\""), ExportReceipt.class);
        assertThat(kind.path()).isEqualTo("/targetKind");
        assertThat(kind.getMessage()).contains("ftp");
        JsonException bytes = readFails(Golden.text("export_receipt.json").replace("1234", "-5"), ExportReceipt.class);
        assertThat(bytes.code()).isEqualTo("invalid_spec");
        JsonException digest =
                readFails(Golden.text("export_receipt.json").replace("9f86d081", "9F86D081"), ExportReceipt.class);
        assertThat(digest.code()).isEqualTo("invalid_spec");
        assertThat(digest.getMessage()).contains("sha256");
    }

    @Test
    void inferenceTypesMatchTheirGoldenFiles() {
        golden(
                new InferenceRequest("build-7f3a-step-2", "Summarize the build log.", 256, Optional.of("small")),
                InferenceRequest.class,
                "inference_request.json");
        golden(new InferenceResponse("", "noop", 0, 0), InferenceResponse.class, "inference_response.noop.json");
        JsonException noCell = readFails("{\"prompt\":\"p\",\"maxTokens\":1}", InferenceRequest.class);
        assertThat(noCell.path()).isEqualTo("/cellId");
        JsonException tokens = readFails(
                Golden.text("inference_response.noop.json").replace("\"inputTokens\": 0", "\"inputTokens\": 1.5"),
                InferenceResponse.class);
        assertThat(tokens.path()).isEqualTo("/inputTokens");
    }

    @Test
    void teardownReportsHaveASnakeCaseWireForm() {
        golden(new TeardownReport("build-7f3a-step-2", true, 0), TeardownReport.class, "teardown_report.json");
        JsonException negative = readFails(
                Golden.text("teardown_report.json")
                        .replace("\"peers_tracked_after\": 0", "\"peers_tracked_after\": -1"),
                TeardownReport.class);
        assertThat(negative.code()).isEqualTo("invalid_spec");
    }

    @Test
    void cellosErrorsAreExternallyTaggedSerdeEnums() {
        List<CellosError> errors = List.of(
                new CellosError.InvalidSpec("spec.id must not be empty"),
                new CellosError.ArgvTooLarge(4000, 3072),
                new CellosError.Host("unshare failed"),
                new CellosError.EventSink("nats unreachable"),
                new CellosError.SecretBroker(SecretBroker.RUNTIME_LEASE_UNSUPPORTED),
                new CellosError.ExportSink(
                        "export requested for artifact \"lockfile\" but no export sink is configured"),
                new CellosError.Lifecycle("destroy before create"),
                new CellosError.InferenceBroker("model unavailable"));
        assertThat(Golden.written(errors)).isEqualTo(Golden.tree("cellos_errors.json"));
        assertThat(Wire.read(Golden.text("cellos_errors.json"), new TypeReference<List<CellosError>>() {}))
                .isEqualTo(errors);
        assertThat(errors)
                .extracting(CellosError::code)
                .containsExactly(
                        "invalid_spec",
                        "argv_too_large",
                        "host",
                        "event_sink",
                        "secret_broker",
                        "export_sink",
                        "lifecycle",
                        "inference_broker");
        assertThat(errors.get(0).text()).isEqualTo("invalid cell specification: spec.id must not be empty");
        assertThat(errors.get(1).text())
                .isEqualTo("spec.run.argv encoded as base64 is 4000 bytes; exceeds 3072-byte kernel cmdline limit");
        assertThat(errors.get(2).text()).isEqualTo("host backend: unshare failed");
        assertThat(readFails("{\"Nope\":\"x\"}", CellosError.class).getMessage())
                .contains("unknown variant `Nope`");
    }

    // ------------------------------------------------------------------ random round trips

    @Test
    void randomDocumentsAndEventsRoundTrip() {
        long seed = Long.getLong("cairn.seed", new Random().nextLong());
        System.out.println("seed=" + seed);
        Random r = new Random(seed);
        for (int i = 0; i < 200; i++) {
            ExecutionCellDocument doc = randomDocument(r);
            String json = Wire.write(doc);
            assertThat(Wire.read(json, ExecutionCellDocument.class)).as(json).isEqualTo(doc);
            CloudEventV1 event = CloudEventV1.of(
                            "e" + r.nextInt(),
                            "/cairn/" + r.nextInt(9),
                            "dev.cairn.t" + r.nextInt(3),
                            Golden.parse(json))
                    .withTime(Instant.ofEpochSecond(r.nextInt(Integer.MAX_VALUE), r.nextInt(1_000_000_000)));
            String eventJson = Wire.write(event);
            assertThat(Wire.read(eventJson, CloudEventV1.class)).as(eventJson).isEqualTo(event);
        }
    }

    private static ExecutionCellDocument randomDocument(Random r) {
        Optional<RunSpec> run = r.nextBoolean()
                ? Optional.empty()
                : Optional.of(new RunSpec(
                        List.of("/bin/prog" + r.nextInt(5), "arg \"" + r.nextInt() + "\"\n\u00e9"),
                        r.nextBoolean() ? Map.of() : Map.of("K" + r.nextInt(3), "v" + r.nextLong()),
                        r.nextBoolean() ? Optional.empty() : Optional.of("/w" + r.nextInt(4)),
                        r.nextBoolean() ? Optional.empty() : Optional.of(r.nextLong() & Long.MAX_VALUE),
                        r.nextBoolean()
                                ? Optional.empty()
                                : Optional.of(new RunLimits(
                                        Optional.of(r.nextLong() & Long.MAX_VALUE),
                                        r.nextBoolean()
                                                ? Optional.empty()
                                                : Optional.of(
                                                        new RunCpuMax(1 + r.nextInt(1_000_000), Optional.empty())),
                                        Optional.empty()))));
        AuthorityBundle authority = r.nextBoolean()
                ? AuthorityBundle.none()
                : new AuthorityBundle(
                        List.of(new EgressRule(
                                "h" + r.nextInt(9) + ".example", 1 + r.nextInt(65535), Optional.empty())),
                        List.of("S" + r.nextInt(9)));
        return ExecutionCellDocument.of(new ExecutionCellSpec(
                "cell-" + Long.toHexString(r.nextLong()),
                r.nextBoolean() ? Optional.empty() : Optional.of(new Correlation(Optional.of("c" + r.nextInt()))),
                authority,
                run,
                Optional.empty(),
                r.nextBoolean() ? Optional.empty() : Optional.of(new Lifetime(1 + r.nextInt(86_400)))));
    }
}
