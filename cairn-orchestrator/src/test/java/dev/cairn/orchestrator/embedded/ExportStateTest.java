package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.ExportView;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.contracts.api.ReplayResult;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepState;
import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.events.Event;
import dev.cairn.secrets.mask.Masker;
import dev.cairn.sinks.SecretLookup;
import dev.cairn.sinks.export.ExportSinks;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline's {@code export:} section as the run's last state, through cairn-sinks' directory and
 * HTTP PUT sinks against a real directory and a real HTTP server on loopback: receipts recorded in
 * the run (events and {@link RunDetail#exports()}), a file holding a known secret refused with the
 * step named, dry runs skipping it, replays never pushing again.
 */
class ExportStateTest {

    @TempDir
    Path dir;

    static final String UPLOAD_TOKEN = "upload-bearer-value-31415926";
    static final String LEAKED = "correct-horse-battery-staple-2718";

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.add(
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                            + exchange.getRequestHeaders().getFirst("Authorization") + " "
                            + new String(body, StandardCharsets.UTF_8).strip());
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private String spec(String exported) {
        return """
                op: shipping
                steps:
                  - id: build
                    env: {WORDS: "%s"}
                    run: mkdir -p dist && echo "release 1" > dist/app.txt && echo "$WORDS" > dist/notes.txt
                    outputs: ["dist/*"]
                export:
                  targets:
                    releases: {dir: out/releases}
                    uploads: {url: "http://127.0.0.1:%d/builds/", bearer: UPLOAD_TOKEN}
                  artifacts:
                    - {name: app.txt, step: build, path: %s, target: releases, content_type: text/plain}
                    - {name: app-upload.txt, step: build, path: %s, target: uploads}
                """
                .formatted(LEAKED, server.getAddress().getPort(), exported, exported);
    }

    private Harness harness() {
        Masker masker = Masker.builder()
                .secret("LEAKY_WORDS", LEAKED.getBytes(StandardCharsets.UTF_8))
                .secret("UPLOAD_TOKEN", UPLOAD_TOKEN.getBytes(StandardCharsets.UTF_8))
                .build();
        SecretLookup lookup = name -> {
            if (name.equals("UPLOAD_TOKEN")) {
                return UPLOAD_TOKEN.getBytes(StandardCharsets.UTF_8);
            }
            return SecretLookup.none().secret(name);
        };
        return new Harness(dir.resolve("home"), b -> b.exportBase(dir.resolve("spec"))
                .exportSinks(new ExportSinks(lookup, ExportScanning.of(masker), Clock.systemUTC())));
    }

    @Test
    void exportRunsLastRecordsEveryReceiptAndAReplayPushesNothing() throws Exception {
        try (Harness h = harness()) {
            h.commandWorker("w", Map.of());
            String runId = h.submit(spec("dist/app.txt"));
            RunDetail detail = h.awaitEnd(runId);
            assertThat(detail.state()).as(detail.toString()).isEqualTo(RunState.COMPLETED);
            Path exported = dir.resolve("spec/out/releases/app.txt");
            assertThat(exported).hasContent("release 1");
            String digest = ArtifactIds.ofBytes(Files.readAllBytes(exported));
            assertThat(requests).containsExactly("PUT /builds/app-upload.txt Bearer " + UPLOAD_TOKEN + " release 1");

            assertThat(detail.exports())
                    .extracting(ExportView::name, ExportView::status, ExportView::target)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("app.txt", "pushed", java.util.Optional.of("releases")),
                            org.assertj.core.groups.Tuple.tuple(
                                    "app-upload.txt", "pushed", java.util.Optional.of("uploads")));
            ExportView local = detail.exports().getFirst();
            assertThat(local.targetKind()).contains("local");
            assertThat(local.destination().orElseThrow()).endsWith("out/releases/app.txt");
            assertThat(local.sha256()).contains(digest);
            assertThat(local.sizeBytes()).contains(10L);
            assertThat(local.step()).isEqualTo("build");
            assertThat(detail.steps()).extracting(s -> s.stepId()).containsExactly("build", "export");
            assertThat(detail.steps().getLast().state()).isEqualTo(StepState.COMPLETED);
            assertThat(h.orchestrator.events(runId, 0, 1000, Duration.ZERO).stream()
                            .filter(e -> e.event() instanceof Event.Domain d
                                    && d.event().name().equals("export_pushed"))
                            .count())
                    .isEqualTo(2);

            ReplayResult replay = h.orchestrator.replay(runId);
            assertThat(replay.verified()).as(replay.message()).isTrue();
            assertThat(requests).as("a replay reads the recorded receipts").hasSize(1);
        }
    }

    @Test
    void aFileHoldingAKnownSecretIsRefusedNamingTheStepThatProducedIt() throws Exception {
        try (Harness h = harness()) {
            h.commandWorker("w", Map.of());
            RunDetail detail = h.awaitEnd(h.submit(spec("dist/notes.txt")));
            assertThat(detail.state()).isEqualTo(RunState.FAILED);
            assertThat(detail.exports()).hasSize(2).allSatisfy(e -> {
                assertThat(e.status()).isEqualTo("failed");
                assertThat(e.errorCode()).contains("export_contains_secret");
                assertThat(e.error().orElseThrow())
                        .contains("build")
                        .contains("LEAKY_WORDS")
                        .doesNotContain(LEAKED);
            });
            assertThat(dir.resolve("spec/out/releases/app.txt")).doesNotExist();
            assertThat(requests.stream().filter(r -> r.contains(LEAKED))).isEmpty();
            assertThat(detail.error().orElseThrow()).contains("export").doesNotContain(LEAKED);
        }
    }

    @Test
    void aDryRunSkipsTheExport() throws Exception {
        try (Harness h = harness()) {
            h.commandWorker("w", Map.of());
            String runId = h.orchestrator
                    .submitPipeline(new PipelineRunRequest(
                            Harness.spec(spec("dist/app.txt")),
                            new java.util.TreeMap<>(),
                            true,
                            java.util.Optional.empty()))
                    .runId();
            RunDetail detail = h.awaitEnd(runId);
            assertThat(detail.state()).isEqualTo(RunState.COMPLETED);
            assertThat(detail.exports()).isEmpty();
            assertThat(requests).isEmpty();
            assertThat(dir.resolve("spec/out/releases")).doesNotExist();
        }
    }
}
