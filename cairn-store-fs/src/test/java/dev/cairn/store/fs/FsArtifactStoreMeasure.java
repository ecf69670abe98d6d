package dev.cairn.store.fs;

import dev.cairn.machine.stores.ArtifactKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Measures small-blob puts on this machine's disk, next to its raw fsync rate; prints one JSON line
 * per figure. Not a test (timings never are): run it by hand, see {@code docs/storage.md}.
 *
 * <p>Arguments: {@code [directory] [blob bytes] [blobs per figure]}; defaults: a fresh directory
 * under {@code java.io.tmpdir}, 2048, 4000.
 */
public final class FsArtifactStoreMeasure {

    private FsArtifactStoreMeasure() {}

    public static void main(String[] args) throws Exception {
        Path base = args.length > 0
                ? Files.createDirectories(Path.of(args[0]))
                : Files.createTempDirectory("cairn-fs-measure");
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 2048;
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 4000;
        try {
            print(
                    "fsync_raw",
                    "write of 100 bytes + fdatasync, one thread",
                    fsyncRate(base.resolve("raw"), count),
                    "ops/s");
            long open = System.nanoTime();
            FsArtifactStore.open(base.resolve("opened")).close();
            print("open_new_store", "create a store (256 shard directories)", (System.nanoTime() - open) / 1e6, "ms");

            Random random = new Random(42);
            print(
                    "put_1_thread",
                    size + "-byte distinct blobs, put, one thread",
                    rate(count, () -> {
                        try (FsArtifactStore store = FsArtifactStore.open(base.resolve("put1"))) {
                            for (int i = 0; i < count; i++) {
                                store.put(new ArtifactKind.ContextSnapshot(), blob(random, size));
                            }
                        }
                    }),
                    "puts/s");
            for (int threads : new int[] {8, 64}) {
                print(
                        "put_" + threads + "_threads",
                        size + "-byte distinct blobs, put, " + threads + " virtual threads",
                        rate(count, () -> {
                            try (FsArtifactStore store = FsArtifactStore.open(base.resolve("put" + threads))) {
                                parallel(
                                        threads,
                                        count,
                                        () -> store.put(new ArtifactKind.ContextSnapshot(), blob(random, size)));
                            }
                        }),
                        "puts/s");
            }
            for (int group : new int[] {16, 64, 256}) {
                print(
                        "deferred_sync_" + group,
                        size + "-byte distinct blobs, putDeferred, sync() every " + group + ", one thread",
                        rate(count, () -> {
                            try (FsArtifactStore store = FsArtifactStore.open(base.resolve("deferred" + group))) {
                                for (int i = 0; i < count; i++) {
                                    store.putDeferred(new ArtifactKind.ContextSnapshot(), blob(random, size));
                                    if ((i + 1) % group == 0) {
                                        store.sync();
                                    }
                                }
                                store.sync();
                            }
                        }),
                        "puts/s");
            }
            byte[] same = blob(random, size);
            print(
                    "put_duplicate",
                    size + "-byte blob already stored, put, one thread",
                    rate(count * 10, () -> {
                        try (FsArtifactStore store = FsArtifactStore.open(base.resolve("dup"))) {
                            for (int i = 0; i < count * 10; i++) {
                                store.put(new ArtifactKind.ContextSnapshot(), same);
                            }
                        }
                    }),
                    "puts/s");
        } finally {
            if (args.length == 0) {
                deleteTree(base);
            }
        }
    }

    interface Work {
        void run() throws Exception;
    }

    private static double rate(int operations, Work work) throws Exception {
        long start = System.nanoTime();
        work.run();
        return operations / ((System.nanoTime() - start) / 1e9);
    }

    private static void parallel(int threads, int total, Work each) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int share = total / threads + (t < total % threads ? 1 : 0);
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        each.run();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
    }

    static double fsyncRate(Path file, int count) throws IOException {
        Files.createDirectories(file.getParent());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer record = ByteBuffer.allocate(100);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                record.clear();
                channel.write(record);
                channel.force(false);
            }
            return count / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static synchronized byte[] blob(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    private static void print(String figure, String what, double value, String unit) {
        System.out.println(String.format(
                Locale.ROOT,
                "{\"figure\":\"%s\",\"what\":\"%s\",\"value\":%.1f,\"unit\":\"%s\",\"cores\":%d}",
                figure,
                what,
                value,
                unit,
                Runtime.getRuntime().availableProcessors()));
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
