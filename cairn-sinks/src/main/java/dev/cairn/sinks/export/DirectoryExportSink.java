package dev.cairn.sinks.export;

import dev.cairn.cell.api.ExportArtifactMetadata;
import dev.cairn.cell.api.ExportReceipt;
import dev.cairn.cell.api.ExportReceiptTargetKind;
import dev.cairn.cell.api.ExportSink;
import dev.cairn.json.ArtifactIds;
import dev.cairn.sinks.SinkException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;

/**
 * Exports artifacts into a directory: {@code push(name, path, …)} makes {@code <dir>/<name>} a copy
 * of the file at {@code path}.
 *
 * <ol>
 *   <li>The file is read once, through the {@link SecretScanner} and a SHA-256 digest, into a temp
 *       file in the same directory ({@code .<name>.<random>.part}), which is then forced to disk.
 *   <li>A known secret refuses the export ({@code export_contains_secret}, naming the step from
 *       {@link ExportArtifactMetadata#producedBy()}); the temp file is deleted and nothing appears.
 *   <li>The temp file is published under its name with a hard link, which fails instead of
 *       replacing an existing file; the directory is forced to disk. (Where links are unsupported, an
 *       atomic rename.)
 *   <li>An existing file with the same bytes counts as exported (pushing again after a crash is
 *       safe); one with other bytes, or a symbolic link, is left alone and the push refused ({@code
 *       export_conflict}) unless the target says {@code overwrite}, which replaces it atomically.
 * </ol>
 *
 * <p>Readers never see a partial file under the final name. The receipt's destination is the file's
 * absolute path.
 */
public final class DirectoryExportSink implements ExportSink {

    private final Path dir;
    private final boolean overwrite;
    private final SecretScanner scanner;
    private final InstantSource clock;

    public DirectoryExportSink(ExportTargetConfig.Directory target, SecretScanner scanner, InstantSource clock) {
        Objects.requireNonNull(target, "target");
        this.dir = target.dir().normalize();
        this.overwrite = target.overwrite();
        this.scanner = Objects.requireNonNull(scanner, "scanner");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<ExportReceiptTargetKind> targetKind() {
        return Optional.of(ExportReceiptTargetKind.LOCAL);
    }

    @Override
    public Optional<String> destinationHint(String name) {
        return Optional.of(dir.resolve(name).toString());
    }

    @Override
    public ExportReceipt push(String name, String path, ExportArtifactMetadata metadata) {
        ExportNames.check(name);
        Objects.requireNonNull(metadata, "metadata");
        Path source = ScannedCopy.source(name, path);
        Path target = dir.resolve(name);
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "." + name + ".", ".part");
            ScannedCopy copy;
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                    OutputStream out = Channels.newOutputStream(channel)) {
                copy = ScannedCopy.of(name, source, out, scanner);
                if (copy.secret().isEmpty()) {
                    channel.force(true);
                }
            }
            if (copy.secret().isPresent()) {
                SecretMatch match = copy.secret().get();
                throw SinkException.exportContainsSecret(
                        name,
                        metadata.producedBy()
                                .map(step -> "step \"" + step + "\"")
                                .orElse("an unknown step"),
                        match.secretName(),
                        match.form());
            }
            publish(name, temp, target, copy.sha256());
            syncDirectory(dir);
            return new ExportReceipt(
                    ExportReceiptTargetKind.LOCAL,
                    target.toAbsolutePath().toString(),
                    Optional.of(copy.size()),
                    Optional.of(copy.sha256()),
                    Optional.of(clock.instant()));
        } catch (IOException e) {
            throw SinkException.exportUnreachable(name, target.toString(), e.toString(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a leftover .part file is harmless and never read as an export
                }
            }
        }
    }

    private void publish(String name, Path temp, Path target, String sha256) throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && sha256.equals(digestOf(target))) {
                    return; // exported before, same bytes
                }
                if (!overwrite) {
                    throw SinkException.exportConflict(name, target.toString());
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return;
            }
            try {
                Files.createLink(target, temp);
                return;
            } catch (FileAlreadyExistsException raced) {
                // someone created it meanwhile: compare again
            } catch (UnsupportedOperationException | IOException noLinks) {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                return;
            }
        }
        throw SinkException.exportConflict(name, target.toString());
    }

    private static String digestOf(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return ArtifactIds.ofStream(in);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the file itself was forced
        }
    }

    @Override
    public String toString() {
        return "DirectoryExportSink[" + dir + "]";
    }
}
