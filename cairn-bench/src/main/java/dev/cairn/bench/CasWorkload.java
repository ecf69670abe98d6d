package dev.cairn.bench;

import dev.cairn.bench.BenchReport.Figure;
import dev.cairn.bench.BenchReport.Input;
import dev.cairn.bench.BenchReport.Ratio;
import dev.cairn.bench.Harness.Measurement;
import dev.cairn.bench.Harness.Task;
import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.store.fs.FsArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * {@code cas}: put and get of 1 MiB blobs on the filesystem artifact store ({@link FsArtifactStore}),
 * beside raw SHA-256 of the same bytes, all timed in wall-clock time (puts wait for the disk).
 *
 * <ul>
 *   <li>{@code put_1mb}: a durable put of a new blob (hash, write a temporary file, {@code
 *       fdatasync}, rename, flush the directory);
 *   <li>{@code put_deferred_1mb}: {@code putDeferred} of a new blob, with a {@code sync()} after
 *       every 32 (how snapshots store files), the sync's cost included;
 *   <li>{@code put_existing_1mb}: a put of a blob already stored (hash, find it, touch it);
 *   <li>{@code get_1mb}: {@code get} (read and verify); {@code stream_1mb}: {@code openStream}
 *       read to the end (verified as it is read).
 * </ul>
 *
 * Baselines: {@code sha256_1mb} (the goal's yardstick), and the floors of the machine's disk:
 * {@code raw_write_fsync_1mb} (write 1 MiB to a new file and {@code fdatasync} it, no hashing) and
 * {@code raw_read_1mb} (read a 1 MiB file). Goal: puts and gets at 0.7 × raw SHA-256 or better.
 */
public final class CasWorkload implements Workload {

    /** The ratio the goal applies to. */
    public static final double GOAL = 0.7;

    static final int SIZE = 1 << 20;
    private static final int BLOBS = 64;
    private static final int SYNC_EVERY = 32;

    @Override
    public String name() {
        return "cas";
    }

    @Override
    public String description() {
        return "put and get of 1 MiB blobs on the filesystem artifact store, against raw SHA-256 of the"
                + " same bytes (goal: >= 0.7x)";
    }

    @Override
    public BenchReport run(BenchSettings settings) {
        Path dir;
        try {
            dir = Files.createTempDirectory("cairn-bench-cas");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (FsArtifactStore store = FsArtifactStore.open(dir.resolve("store"))) {
            return measure(settings, store, dir);
        } finally {
            BenchFiles.deleteQuietly(dir);
        }
    }

    private BenchReport measure(BenchSettings settings, FsArtifactStore store, Path dir) {
        Random random = new Random(42);
        List<byte[]> blobs = new ArrayList<>();
        List<ArtifactId> ids = new ArrayList<>();
        for (int i = 0; i < BLOBS; i++) {
            byte[] b = new byte[SIZE];
            random.nextBytes(b);
            blobs.add(b);
            ids.add(store.put(new ArtifactKind.Output(), b));
        }
        byte[] forPut = blobs.get(0).clone();
        byte[] forDeferred = blobs.get(1).clone();
        byte[] forRaw = blobs.get(2).clone();
        long[] counter = {0};
        long[] deferred = {0};
        MessageDigest sha = ArtifactIds.sha256();
        Path rawDir = dir.resolve("raw");
        try {
            Files.createDirectories(rawDir);
            Files.write(rawDir.resolve("read"), blobs.get(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int[] next = new int[4];
        ArtifactKind kind = new ArtifactKind.Output();
        List<Task> tasks = List.of(
                new Task("sha256_1mb", () -> sha.digest(blobs.get(next[0]++ & (BLOBS - 1)))[0]),
                new Task(
                        "put_1mb",
                        () -> store.put(kind, unique(forPut, counter)).value().charAt(0)),
                new Task("put_deferred_1mb", () -> {
                    ArtifactId id = store.putDeferred(kind, unique(forDeferred, counter));
                    if (++deferred[0] % SYNC_EVERY == 0) {
                        store.sync();
                    }
                    return id.value().charAt(0);
                }),
                new Task("put_existing_1mb", () -> store.put(kind, blobs.get(next[1]++ & (BLOBS - 1)))
                        .value()
                        .charAt(0)),
                new Task("get_1mb", () -> store.get(ids.get(next[2]++ & (BLOBS - 1)))[0]),
                new Task("stream_1mb", () -> {
                    try (InputStream in = store.openStream(ids.get(next[3]++ & (BLOBS - 1)))) {
                        return in.transferTo(OutputStream.nullOutputStream());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }),
                new Task("raw_write_fsync_1mb", () -> rawWrite(rawDir, unique(forRaw, counter), counter[0])),
                new Task("raw_read_1mb", () -> {
                    try {
                        return Files.readAllBytes(rawDir.resolve("read"))[0];
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
        Harness harness = Harness.wallClock(settings);
        List<Measurement> m = harness.measure(tasks);
        store.sync();
        selfCheck(store, forPut);

        double mb = SIZE / 1e6;
        Figure sha256 = m.get(0).figure("sha256_1mb", "MB/s", mb);
        Figure put = m.get(1).figure("put_1mb", "MB/s", mb);
        Figure putDeferred = m.get(2).figure("put_deferred_1mb", "MB/s", mb);
        Figure putExisting = m.get(3).figure("put_existing_1mb", "MB/s", mb);
        Figure get = m.get(4).figure("get_1mb", "MB/s", mb);
        Figure stream = m.get(5).figure("stream_1mb", "MB/s", mb);
        Figure rawWrite = m.get(6).figure("raw_write_fsync_1mb", "MB/s", mb);
        Figure rawRead = m.get(7).figure("raw_read_1mb", "MB/s", mb);
        Optional<Double> goal = Optional.of(GOAL);
        return new BenchReport(
                name(),
                BenchReport.Environment.current(),
                BenchReport.Settings.of(settings, harness),
                List.of(Input.documents("blobs_1mib", BLOBS, (long) BLOBS * SIZE)),
                List.of(put, putDeferred, putExisting, get, stream),
                List.of(sha256, rawWrite, rawRead),
                List.of(
                        Ratio.of("put_1mb_vs_sha256", put, sha256, goal),
                        Ratio.of("put_deferred_1mb_vs_sha256", putDeferred, sha256, goal),
                        Ratio.of("put_existing_1mb_vs_sha256", putExisting, sha256, goal),
                        Ratio.of("get_1mb_vs_sha256", get, sha256, goal),
                        Ratio.of("stream_1mb_vs_sha256", stream, sha256, goal),
                        Ratio.of("put_1mb_vs_raw_write_fsync", put, rawWrite, Optional.empty()),
                        Ratio.of("get_1mb_vs_raw_read", get, rawRead, Optional.empty())));
    }

    /** The bytes with a counter in their first 8 bytes: new content for every call. */
    private static byte[] unique(byte[] buffer, long[] counter) {
        ByteBuffer.wrap(buffer).putLong(0, ++counter[0]);
        return buffer;
    }

    private static long rawWrite(Path dir, byte[] bytes, long n) {
        Path file = dir.resolve("w" + (n & 7));
        try (FileChannel out = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    /** The work measured must be right: the last blob written reads back with its id. */
    private void selfCheck(FsArtifactStore store, byte[] last) {
        ArtifactId id = new ArtifactId(ArtifactIds.ofBytes(last));
        if (!Arrays.equals(store.get(id), last)) {
            throw BenchException.selfCheckFailed(name(), "blob " + id + " does not read back");
        }
    }
}
