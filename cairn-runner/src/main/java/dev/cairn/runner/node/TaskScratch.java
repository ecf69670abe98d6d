package dev.cairn.runner.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One task's scratch directory under the node's work root: materialized inputs and spooled
 * multipart uploads live there, and {@link #close()} deletes all of it. Created on first use, so a
 * task that needs no local files touches no disk.
 */
public final class TaskScratch implements AutoCloseable {

    private final Path workRoot;
    private final String prefix;
    private final AtomicInteger counter = new AtomicInteger();
    private Path dir;
    private boolean closed;

    /** A scratch area under {@code workRoot} whose directory name starts with {@code prefix}. */
    public TaskScratch(Path workRoot, String prefix) {
        this.workRoot = workRoot;
        this.prefix = prefix;
    }

    /** A new, empty directory of this task's scratch area. */
    public Path newDirectory(String name) {
        Path parent = dir();
        try {
            return Files.createDirectory(parent.resolve(name + "-" + counter.incrementAndGet()));
        } catch (IOException e) {
            throw RunnerNodeException.localIo("cannot create a scratch directory under " + parent, e);
        }
    }

    /** A new, empty file of this task's scratch area. */
    public Path newFile(String name) {
        Path parent = dir();
        try {
            return Files.createFile(parent.resolve(name + "-" + counter.incrementAndGet()));
        } catch (IOException e) {
            throw RunnerNodeException.localIo("cannot create a scratch file under " + parent, e);
        }
    }

    private synchronized Path dir() {
        if (closed) {
            throw RunnerNodeException.closed("scratch space of a finished task");
        }
        if (dir == null) {
            try {
                Files.createDirectories(workRoot);
                dir = Files.createTempDirectory(workRoot, prefix);
            } catch (IOException e) {
                throw RunnerNodeException.localIo("cannot create a scratch directory under " + workRoot, e);
            }
        }
        return dir;
    }

    /** Deletes the scratch directory and everything in it. */
    @Override
    public synchronized void close() {
        closed = true;
        if (dir != null) {
            deleteTree(dir);
            dir = null;
        }
    }

    /**
     * Deletes {@code root} and everything below it, without following symbolic links, making
     * directories writable first (a command may have removed its own write permission).
     *
     * @throws RunnerNodeException {@code local_io} if something cannot be deleted
     */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    d.toFile().setWritable(true, true);
                    d.toFile().setExecutable(true, true);
                    d.toFile().setReadable(true, true);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException failure) throws IOException {
                    if (failure != null) {
                        throw failure;
                    }
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw RunnerNodeException.localIo("cannot delete " + root, e);
        }
    }
}
