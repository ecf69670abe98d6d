package dev.cairn.store.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code syncfs(2)}: flushes every dirty file and directory of one filesystem in a single call, where
 * the platform has it and reports write-back errors (Linux 5.8 and later). A checkpoint uses it
 * instead of one {@code fsync} per blob file (thousands of them, each a journal commit of the
 * filesystem); where it is missing, or it fails, the caller flushes file by file as before.
 *
 * <p>Java 21 has no call for it (the foreign-function API is a preview there), so it runs
 * coreutils' {@code sync -f <dir>}, which calls {@code syncfs} and exits non-zero when it fails: one
 * short process per checkpoint (a checkpoint writes out up to {@link
 * FsStoreOptions#DEFAULT_JOURNAL_BYTES} of blobs).
 */
final class FileSystemSync {

    private static final Optional<Path> SYNC = locate();

    private FileSystemSync() {}

    /** Whether {@link #sync} can work here. */
    static boolean available() {
        return SYNC.isPresent();
    }

    /**
     * Flushes the filesystem holding {@code dir} (a directory). Waits for it even when interrupted
     * (the flag stays set).
     *
     * @return whether it was flushed; false when {@code syncfs} is unavailable or failed (the caller
     *     must then flush what it wrote file by file)
     */
    static boolean sync(Path dir) {
        if (SYNC.isEmpty() || !Files.isDirectory(dir)) {
            return false;
        }
        Process process;
        try {
            process = new ProcessBuilder(SYNC.get().toString(), "-f", dir.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException | RuntimeException e) {
            return false;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return process.waitFor() == 0;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Optional<Path> locate() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.equals("linux") || !reportsWritebackErrors(System.getProperty("os.version", ""))) {
            return Optional.empty();
        }
        return Stream.of(Path.of("/usr/bin/sync"), Path.of("/bin/sync"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** syncfs returns write-back errors since Linux 5.8; before, it could not say that one failed. */
    static boolean reportsWritebackErrors(String kernelVersion) {
        String[] parts = kernelVersion.split("[.\\-+]", 3);
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major > 5 || (major == 5 && minor >= 8);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
