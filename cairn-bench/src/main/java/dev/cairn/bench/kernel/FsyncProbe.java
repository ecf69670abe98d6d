package dev.cairn.bench.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The raw fsync rate of a directory's disk, measured beside a workload: one thread appending 100
 * bytes and calling {@code fdatasync} ({@code FileChannel.force(false)}), as SQLite's WAL commit
 * does. The figure that every durable store here is bounded by.
 */
final class FsyncProbe {

    private final Path file;

    FsyncProbe(Path dir) {
        this.file = dir.resolve("fsync-probe");
    }

    /** fsyncs per second over about {@code duration} (at least 20 fsyncs). */
    double measure(Duration duration) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer record = ByteBuffer.allocate(100);
            long start = System.nanoTime();
            long deadline = start + duration.toNanos();
            int n = 0;
            do {
                record.clear();
                channel.write(record);
                channel.force(false);
                n++;
            } while (n < 20 || System.nanoTime() < deadline);
            double rate = n / ((System.nanoTime() - start) / 1e9);
            channel.truncate(0);
            return rate;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
