package dev.cairn.sinks.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cell.api.ExportArtifactMetadata;
import dev.cairn.cell.api.ExportReceipt;
import dev.cairn.cell.api.ExportReceiptTargetKind;
import dev.cairn.json.ArtifactIds;
import dev.cairn.sinks.SecretLookup;
import dev.cairn.sinks.SinkException;
import dev.cairn.sinks.support.HttpReceiver;
import dev.cairn.sinks.support.HttpReceiver.Answer;
import dev.cairn.sinks.support.LiteralSecretScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exports with HTTP PUT to a real HTTP server on loopback. */
class HttpPutExportSinkTest {

    private static final Instant NOW = Instant.parse("2026-11-23T06:00:00Z");
    private static final String TOKEN = "upload-bearer-token-0123456789";
    private static final SecretLookup SECRETS = name -> {
        if (!name.equals("UPLOAD_TOKEN")) {
            throw SinkException.secretUnavailable(name, "not in this test");
        }
        return TOKEN.getBytes(StandardCharsets.UTF_8);
    };

    @TempDir
    Path dir;

    private HttpReceiver receiver;
    private byte[] content;
    private Path source;

    @BeforeEach
    void start() throws IOException {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        content = new byte[200_000];
        new Random(seed).nextBytes(content);
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) ('a' + Math.floorMod(content[i], 26));
        }
        source = dir.resolve("hello.tar.gz");
        Files.write(source, content);
        receiver = HttpReceiver.start();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void theFileIsPutWithItsDigestTypeAndCredentialsAndTheReceiptSaysWhere() {
        ExportReceipt receipt =
                sink(new LiteralSecretScanner(Map.of())).push("hello.tar.gz", source.toString(), metadata());

        assertThat(receiver.requests()).hasSize(1);
        HttpReceiver.Request put = receiver.requests().getFirst();
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.path()).isEqualTo("/uploads/builds/hello.tar.gz");
        assertThat(put.body()).isEqualTo(content);
        String base64 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(ArtifactIds.ofBytes(content)));
        assertThat(put.header("Repr-Digest")).isEqualTo("sha-256=:" + base64 + ":");
        assertThat(put.header("Digest")).isEqualTo("SHA-256=" + base64);
        assertThat(put.header("Content-Type")).isEqualTo("application/gzip");
        assertThat(put.header("Content-Length")).isEqualTo(Integer.toString(content.length));
        assertThat(put.header("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(receipt)
                .isEqualTo(new ExportReceipt(
                        ExportReceiptTargetKind.HTTP,
                        receiver.uri("/uploads/builds/hello.tar.gz").toString(),
                        Optional.of((long) content.length),
                        Optional.of(ArtifactIds.ofBytes(content)),
                        Optional.of(NOW)));
    }

    @Test
    void serverErrorsAndTimeoutsAreRetriedUntilTheServerAccepts() {
        receiver.script(List.of(new Answer.Status(503), new Answer.Hang(), new Answer.Status(500)));

        ExportReceipt receipt =
                sink(new LiteralSecretScanner(Map.of()), 4).push("hello.tar.gz", source.toString(), metadata());

        assertThat(receipt.sha256()).contains(ArtifactIds.ofBytes(content));
        assertThat(receiver.accepted()).hasSize(1);
        assertThat(receiver.accepted().getFirst().body()).isEqualTo(content);
        assertThat(receiver.requests().size()).isEqualTo(4);
    }

    @Test
    void aRefusalFailsAtOnceAndAnUnreachableServerFailsAfterTheLastAttempt() {
        receiver.script(List.of(new Answer.Status(403)));
        HttpPutExportSink sink = sink(new LiteralSecretScanner(Map.of()));
        assertThatThrownBy(() -> sink.push("hello.tar.gz", source.toString(), metadata()))
                .isInstanceOfSatisfying(SinkException.class, e -> {
                    assertThat(e.code()).isEqualTo("export_rejected");
                    assertThat(e.getMessage()).contains("HTTP 403").doesNotContain(TOKEN);
                });
        assertThat(receiver.requests()).hasSize(1);

        receiver.stop();
        assertThatThrownBy(() -> sink.push("hello.tar.gz", source.toString(), metadata()))
                .isInstanceOfSatisfying(SinkException.class, e -> {
                    assertThat(e.code()).isEqualTo("export_unreachable");
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("3 attempts");
                });
    }

    @Test
    void aFileHoldingASecretNeverReachesTheNetwork() throws IOException {
        Path leaking = dir.resolve("report.txt");
        Files.writeString(leaking, "prefix " + TOKEN + " suffix");
        HttpPutExportSink sink = sink(new LiteralSecretScanner(Map.of("UPLOAD_TOKEN", TOKEN)));

        assertThatThrownBy(() -> sink.push("report.txt", leaking.toString(), metadata()))
                .isInstanceOfSatisfying(SinkException.class, e -> {
                    assertThat(e.code()).isEqualTo("export_contains_secret");
                    assertThat(e.getMessage()).contains("step \"package\"").contains("UPLOAD_TOKEN");
                    assertThat(e.getMessage()).doesNotContain(TOKEN);
                });
        assertThat(receiver.requests()).isEmpty();
    }

    @Test
    void aFileThatChangesAfterItWasScannedIsNotSent() {
        // a scanner that reads the file and then, before the upload, the file changes under it
        SecretScanner racing = in -> {
            in.readAllBytes();
            byte[] changed = content.clone();
            changed[changed.length / 2] ^= 1;
            Files.write(source, changed);
            return Optional.empty();
        };
        assertThatThrownBy(() -> sink(racing).push("hello.tar.gz", source.toString(), metadata()))
                .isInstanceOfSatisfying(SinkException.class, e -> {
                    assertThat(e.code()).isEqualTo("export_source_changed");
                    assertThat(e.getMessage()).contains("changed while it was exported");
                });
        assertThat(receiver.accepted()).isEmpty();
    }

    @Test
    void targetsAreCheckedWhenConfigured() {
        assertThatThrownBy(() -> ExportTargetConfig.HttpPut.to(
                        java.net.URI.create("https://user:pw@example.com/x/"), Optional.empty()))
                .isInstanceOfSatisfying(
                        SinkException.class, e -> assertThat(e.code()).isEqualTo("invalid_export_target"));
        assertThatThrownBy(() ->
                        ExportTargetConfig.HttpPut.to(java.net.URI.create("ftp://example.com/x/"), Optional.empty()))
                .hasMessageContaining("http(s)");
        assertThat(ExportTargetConfig.HttpPut.to(java.net.URI.create("https://example.com/x"), Optional.empty())
                        .resolve("a.txt"))
                .hasToString("https://example.com/x/a.txt");
        assertThatThrownBy(() -> new ExportTargetConfig.Directory(Path.of("relative/dir"), false))
                .hasMessageContaining("absolute");
    }

    private HttpPutExportSink sink(SecretScanner scanner) {
        return sink(scanner, 3);
    }

    private HttpPutExportSink sink(SecretScanner scanner, int attempts) {
        ExportTargetConfig.HttpPut target = ExportTargetConfig.HttpPut.to(
                        receiver.uri("/uploads/builds/"), Optional.of("UPLOAD_TOKEN"))
                .with(
                        Duration.ofSeconds(2),
                        Duration.ofMillis(500),
                        attempts,
                        Duration.ofMillis(5),
                        Duration.ofMillis(20));
        return new HttpPutExportSink(
                target, SECRETS, scanner, Clock.fixed(NOW, ZoneOffset.UTC), new SplittableRandom(7));
    }

    private static ExportArtifactMetadata metadata() {
        return ExportArtifactMetadata.ofContentType("application/gzip").withProducer("package");
    }
}
