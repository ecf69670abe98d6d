package dev.cairn.sinks.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cell.api.ExportArtifactMetadata;
import dev.cairn.cell.api.ExportReceipt;
import dev.cairn.cell.api.ExportReceiptTargetKind;
import dev.cairn.json.ArtifactIds;
import dev.cairn.sinks.SinkException;
import dev.cairn.sinks.support.LiteralSecretScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exports into a real directory: atomic, verified by digest, idempotent, refusing secrets and conflicts. */
class DirectoryExportSinkTest {

    private static final Instant NOW = Instant.parse("2026-11-23T06:00:00Z");
    private static final String TOKEN = "ghp_test_token_value_0123456789abcdef";

    @TempDir
    Path dir;

    private Path out;
    private byte[] content;
    private final LiteralSecretScanner scanner = new LiteralSecretScanner(Map.of("UPLOAD_TOKEN", TOKEN));

    @BeforeEach
    void content() {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        content = new byte[300_000];
        new Random(seed).nextBytes(content);
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) ('a' + Math.floorMod(content[i], 26)); // no accidental secret
        }
        out = dir.resolve("out/releases");
    }

    @Test
    void anArtifactIsCopiedWithAReceiptOfItsDigestSizeAndTime() throws IOException {
        Path source = write("dist/hello.tar.gz", content);
        DirectoryExportSink sink = sink(false);

        ExportReceipt receipt = sink.push("hello.tar.gz", source.toString(), metadata());

        Path exported = out.resolve("hello.tar.gz");
        assertThat(Files.readAllBytes(exported)).isEqualTo(content);
        assertThat(receipt)
                .isEqualTo(new ExportReceipt(
                        ExportReceiptTargetKind.LOCAL,
                        exported.toAbsolutePath().toString(),
                        Optional.of((long) content.length),
                        Optional.of(ArtifactIds.ofBytes(content)),
                        Optional.of(NOW)));
        assertThat(sink.targetKind()).contains(ExportReceiptTargetKind.LOCAL);
        assertThat(sink.destinationHint("x.txt")).contains(out.resolve("x.txt").toString());
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void exportingTheSameBytesAgainSucceedsButOtherBytesAreRefusedUnlessOverwriting() throws IOException {
        Path source = write("a.txt", content);
        DirectoryExportSink sink = sink(false);
        ExportReceipt first = sink.push("a.txt", source.toString(), metadata());
        ExportReceipt again = sink.push("a.txt", source.toString(), metadata());
        assertThat(again).isEqualTo(first);

        Path changed = write("b.txt", "other bytes".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> sink.push("a.txt", changed.toString(), metadata()))
                .isInstanceOfSatisfying(SinkException.class, e -> {
                    assertThat(e.code()).isEqualTo("export_conflict");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("a.txt").contains("different content");
                    assertThat(e.hint()).contains("overwrite");
                });
        assertThat(Files.readAllBytes(out.resolve("a.txt"))).isEqualTo(content);

        ExportReceipt replaced = sink(true).push("a.txt", changed.toString(), metadata());
        assertThat(Files.readString(out.resolve("a.txt"))).isEqualTo("other bytes");
        assertThat(replaced.sha256()).contains(ArtifactIds.ofBytes("other bytes".getBytes(StandardCharsets.UTF_8)));
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aFileHoldingASecretIsRefusedNamingTheStepAndNothingIsWritten() throws IOException {
        byte[] leaking = (new String(content, 0, 100_000, StandardCharsets.US_ASCII) + "token=" + TOKEN + "\n")
                .getBytes(StandardCharsets.UTF_8);
        Path source = write("dist/config.env", leaking);

        assertThatThrownBy(() -> sink(true).push("config.env", source.toString(), metadata()))
                .isInstanceOfSatisfying(SinkException.class, e -> {
                    assertThat(e.code()).isEqualTo("export_contains_secret");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage())
                            .contains("config.env")
                            .contains("step \"package\"")
                            .contains("UPLOAD_TOKEN")
                            .contains("plain")
                            .doesNotContain(TOKEN);
                });
        byte[] encoded = ("x"
                        + Base64.getEncoder().withoutPadding().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.UTF_8);
        Path base64 = write("dist/encoded.txt", encoded);
        assertThatThrownBy(() -> sink(true).push("encoded.txt", base64.toString(), ExportArtifactMetadata.none()))
                .hasMessageContaining("base64")
                .hasMessageContaining("an unknown step");
        assertThat(Files.exists(out.resolve("config.env"))).isFalse();
        assertThat(Files.exists(out.resolve("encoded.txt"))).isFalse();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void namesThatAreNotPlainFileNamesAndSourcesThatAreNotRegularFilesAreRefused() throws IOException {
        Path source = write("ok.txt", content);
        for (String bad : List.of("../escape.txt", "a/b.txt", ".hidden", "", "sp ace.txt")) {
            assertThatThrownBy(() -> sink(false).push(bad, source.toString(), metadata()))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            SinkException.class, e -> assertThat(e.code()).isEqualTo("invalid_export_name"));
        }
        assertThatThrownBy(
                        () -> sink(false).push("x.txt", dir.resolve("missing").toString(), metadata()))
                .isInstanceOfSatisfying(SinkException.class, e -> {
                    assertThat(e.code()).isEqualTo("export_source_unreadable");
                    assertThat(e.getMessage()).contains("no such file");
                });
        Path link = dir.resolve("link.txt");
        Files.createSymbolicLink(link, source);
        assertThatThrownBy(() -> sink(false).push("x.txt", link.toString(), metadata()))
                .hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> sink(false).push("x.txt", dir.toString(), metadata()))
                .hasMessageContaining("not a regular file");
    }

    @Test
    void anExistingSymbolicLinkAtTheDestinationIsNeverWrittenThrough() throws IOException {
        Path victim = write("victim.txt", "do not touch".getBytes(StandardCharsets.UTF_8));
        Files.createDirectories(out);
        Files.createSymbolicLink(out.resolve("a.txt"), victim);
        Path source = write("a.txt", content);

        assertThatThrownBy(() -> sink(false).push("a.txt", source.toString(), metadata()))
                .isInstanceOfSatisfying(
                        SinkException.class, e -> assertThat(e.code()).isEqualTo("export_conflict"));
        sink(true).push("a.txt", source.toString(), metadata());
        assertThat(Files.readString(victim)).isEqualTo("do not touch");
        assertThat(Files.isSymbolicLink(out.resolve("a.txt"))).isFalse();
        assertThat(Files.readAllBytes(out.resolve("a.txt"))).isEqualTo(content);
    }

    private DirectoryExportSink sink(boolean overwrite) {
        return new DirectoryExportSink(
                new ExportTargetConfig.Directory(out.toAbsolutePath(), overwrite),
                scanner,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static ExportArtifactMetadata metadata() {
        return ExportArtifactMetadata.ofContentType("application/gzip").withProducer("package");
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve("work").resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return file;
    }

    private List<Path> leftovers() throws IOException {
        if (!Files.exists(out)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(out)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".part"))
                    .toList();
        }
    }
}
