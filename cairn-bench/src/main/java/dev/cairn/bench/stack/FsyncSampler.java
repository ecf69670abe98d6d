package dev.cairn.bench.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The latency of one small durable write on a directory's disk: a 100-byte append followed by
 * {@code FileChannel.force(false)} ({@code fdatasync}), as SQLite's WAL commit does. The floor of
 * anything that must be durable before it answers.
 */
final class FsyncSampler implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final ByteBuffer record = ByteBuffer.allocate(100);
    private long appended;

    FsyncSampler(Path dir) {
        this.file = dir.resolve("fsync-sampler");
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One append and fdatasync; its wall-clock time in nanoseconds. */
    long sample() {
        try {
            if (appended > 1 << 20) {
                channel.truncate(0);
                channel.position(0);
                channel.force(true);
                appended = 0;
            }
            record.clear();
            long start = System.nanoTime();
            channel.write(record);
            channel.force(false);
            long nanos = System.nanoTime() - start;
            appended += 100;
            return nanos;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
