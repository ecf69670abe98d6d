package dev.cairn.executor.archive;

import dev.cairn.executor.protocol.ArchiveId;
import dev.cairn.executor.protocol.ArchiveReadRequest;
import dev.cairn.executor.protocol.ArchiveReadResponse;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.workspace.TreeId;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;

/**
 * A workspace archive ({@link TreeArchive}) written once to a temporary file and served by {@code
 * (offset, max)} reads: the host side of {@code hm_archive_read}. Thread-safe; {@link #close()}
 * deletes the file.
 */
public final class SpooledArchive implements AutoCloseable {

    private final ArchiveId id;
    private final Path file;
    private final FileChannel channel;
    private final long size;

    private SpooledArchive(ArchiveId id, Path file, FileChannel channel, long size) {
        this.id = id;
        this.file = file;
        this.channel = channel;
        this.size = size;
    }

    /** Writes tree {@code tree} as archive {@code id} into a new file in {@code dir}. */
    public static SpooledArchive of(ArchiveId id, ArtifactStore store, TreeId tree, Path dir) throws IOException {
        Objects.requireNonNull(id, "id");
        Path file = Files.createTempFile(dir, "archive-", ".tar");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                TreeArchive.write(store, tree, out);
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            return new SpooledArchive(id, file, channel, channel.size());
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    public ArchiveId id() {
        return id;
    }

    /** The archive's length in bytes. */
    public long size() {
        return size;
    }

    /** Up to {@code request.max()} bytes from {@code request.offset()}; {@code eof} when they reach the end. */
    public ArchiveReadResponse read(ArchiveReadRequest request) throws IOException {
        long from = Math.min(request.offset(), size);
        int want = (int) Math.min(request.max(), size - from);
        ByteBuffer buf = ByteBuffer.allocate(want);
        long at = from;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, at);
            if (n < 0) {
                break;
            }
            at += n;
        }
        byte[] bytes = Arrays.copyOf(buf.array(), buf.position());
        return new ArchiveReadResponse(bytes, from + bytes.length >= size);
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
