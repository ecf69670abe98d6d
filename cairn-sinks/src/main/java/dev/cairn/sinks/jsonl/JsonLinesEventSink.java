package dev.cairn.sinks.jsonl;

import dev.cairn.sinks.SinkException;
import dev.cairn.sinks.config.FsyncPolicy;
import dev.cairn.sinks.config.SinkTarget;
import dev.cairn.sinks.delivery.DeliverySink;
import dev.cairn.sinks.events.EncodedEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;

/**
 * Appends events to a JSON Lines file: each event's structured JSON ({@link EncodedEvent}) on a line
 * of its own, ended by {@code \n}.
 *
 * <p><b>Durability.</b> With {@link FsyncPolicy#BATCH} (the default) a batch is acknowledged only
 * after the file is forced to disk, so an acknowledged line survives a crash. A crash in the middle
 * of a batch can leave a partial last line: the sink cuts it off when it opens the file again (it
 * was never acknowledged, and its event comes again whole). Lines written but not acknowledged
 * before a crash may appear twice: readers de-duplicate by {@code id}. With {@link
 * FsyncPolicy#NEVER}, see its caveat.
 *
 * <p><b>Rotation</b> (optional, {@code rotate_bytes}): before a write would take the file past the
 * limit, the file is renamed to {@code <file>.<n>} with the next free {@code n} (1, 2, …) and a new
 * file begun; a single line longer than the limit still goes in one file. Old files are never
 * deleted by Cairn.
 *
 * <p>One process writes a file: give each sink its own path.
 */
public final class JsonLinesEventSink implements DeliverySink {

    private static final byte NEWLINE = '\n';

    private final Path file;
    private final FsyncPolicy fsync;
    private final long rotateBytes;
    private FileChannel channel;
    private long size;

    /** A sink appending to {@code target.path()}; the file is opened on first delivery. */
    public JsonLinesEventSink(SinkTarget.JsonLines target) {
        Objects.requireNonNull(target, "target");
        this.file = target.path().toAbsolutePath().normalize();
        this.fsync = target.fsync();
        this.rotateBytes = target.rotateBytes().orElse(Long.MAX_VALUE);
    }

    /** The file written to. */
    public Path file() {
        return file;
    }

    @Override
    public String describe() {
        return "jsonl " + file;
    }

    @Override
    public synchronized void deliver(List<EncodedEvent> events) {
        Objects.requireNonNull(events, "events");
        if (events.isEmpty()) {
            return;
        }
        long before = -1;
        int durable = 0;
        try {
            open();
            before = size;
            int from = 0;
            long pending = 0;
            for (int i = 0; i < events.size(); i++) {
                long line = events.get(i).size() + 1L;
                if (size + pending > 0 && size + pending + line > rotateBytes) {
                    write(events.subList(from, i), pending);
                    force();
                    durable = i;
                    rotate();
                    before = 0;
                    from = i;
                    pending = 0;
                }
                pending += line;
            }
            write(events.subList(from, events.size()), pending);
            force();
        } catch (IOException e) {
            abandon(before);
            throw SinkException.unreachable(describe(), "writing failed: " + e.getMessage(), e)
                    .acknowledging(fsync == FsyncPolicy.BATCH ? durable : 0);
        }
    }

    private void write(List<EncodedEvent> events, long bytes) throws IOException {
        if (events.isEmpty()) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(bytes));
        for (EncodedEvent event : events) {
            buffer.put(event.buffer()).put(NEWLINE);
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
            size += channel.write(buffer);
        }
    }

    private void force() throws IOException {
        if (fsync == FsyncPolicy.BATCH) {
            channel.force(false);
        }
    }

    private void open() throws IOException {
        if (channel != null) {
            return;
        }
        Path dir = file.getParent();
        Files.createDirectories(dir);
        boolean created = !Files.exists(file);
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        size = repairTail(channel);
        channel.position(size);
        if (created) {
            syncDirectory(dir);
        }
    }

    /** Cuts off a partial last line (from a crash in the middle of a write) and returns the new size. */
    private static long repairTail(FileChannel channel) throws IOException {
        long length = channel.size();
        if (length == 0 || endsWithNewline(channel, length)) {
            return length;
        }
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        long end = length;
        while (end > 0) {
            int n = (int) Math.min(chunk.capacity(), end);
            chunk.clear().limit(n);
            long start = end - n;
            while (chunk.hasRemaining()) {
                if (channel.read(chunk, start + chunk.position()) < 0) {
                    throw new IOException("the file shrank while it was read");
                }
            }
            for (int i = n - 1; i >= 0; i--) {
                if (chunk.get(i) == NEWLINE) {
                    long keep = start + i + 1;
                    channel.truncate(keep);
                    channel.force(false);
                    return keep;
                }
            }
            end = start;
        }
        channel.truncate(0);
        channel.force(false);
        return 0;
    }

    private static boolean endsWithNewline(FileChannel channel, long length) throws IOException {
        ByteBuffer last = ByteBuffer.allocate(1);
        channel.read(last, length - 1);
        return last.get(0) == NEWLINE;
    }

    private void rotate() throws IOException {
        channel.close();
        channel = null;
        for (int n = 1; ; n++) {
            Path rotated = file.resolveSibling(file.getFileName() + "." + n);
            if (Files.exists(rotated)) {
                continue;
            }
            try {
                Files.move(file, rotated, StandardCopyOption.ATOMIC_MOVE);
                break;
            } catch (FileAlreadyExistsException raced) {
                // taken meanwhile: try the next number
            }
        }
        open();
        syncDirectory(file.getParent());
    }

    /** After a failed write: drop what the batch wrote, so the file ends with a whole line. */
    private void abandon(long before) {
        if (channel == null) {
            return;
        }
        try {
            if (before >= 0) {
                channel.truncate(before);
            }
        } catch (IOException ignored) {
            // reopening repairs the tail
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to protect
        }
        channel = null;
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the file's own fsync still holds its data
        }
    }

    @Override
    public synchronized void close() {
        abandon(-1);
    }

    @Override
    public String toString() {
        return "JsonLinesEventSink[" + file + "]";
    }
}
