package dev.cairn.store.sqlite;

import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.testkit.contract.SampleEvents;
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
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Measures the SQLite event store on this machine's disk next to its raw fsync rate, and prints one
 * JSON line per figure. Not a test (timings never are): run it by hand, see {@code
 * docs/storage.md}.
 *
 * <p>Arguments: {@code [directory] [appends per figure] [events in the long log]}; defaults: a fresh
 * directory under {@code java.io.tmpdir}, 4000, 1000000.
 */
public final class SqliteEventStoreMeasure {

    private SqliteEventStoreMeasure() {}

    public static void main(String[] args) throws Exception {
        Path base = args.length > 0
                ? Files.createDirectories(Path.of(args[0]))
                : Files.createTempDirectory("cairn-sqlite-measure");
        int appends = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
        int longLog = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        try {
            print(
                    "fsync_raw",
                    "write of 100 bytes + fdatasync, one thread",
                    fsyncRate(base.resolve("raw"), appends),
                    "ops/s",
                    "");

            Random random = new Random(42);
            for (int threads : new int[] {1, 8, 64, 256}) {
                Path file = base.resolve("appends-" + threads + ".db");
                try (SqliteEventStore store = SqliteEventStore.open(file)) {
                    List<RunId> runs = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        runs.add(SampleEvents.runId(random));
                    }
                    WriteCounters before = store.database().writeCounters();
                    long start = System.nanoTime();
                    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                        List<Future<?>> futures = new ArrayList<>();
                        for (int t = 0; t < threads; t++) {
                            RunId run = runs.get(t);
                            int share = appends / threads + (t < appends % threads ? 1 : 0);
                            futures.add(pool.submit(() -> {
                                for (long head = 0; head < share; ) {
                                    head = store.append(run, head, List.of(transition(run, head + 1)));
                                }
                                return null;
                            }));
                        }
                        for (Future<?> f : futures) {
                            f.get();
                        }
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    WriteCounters after = store.database().writeCounters();
                    long commits = after.transactions() - before.transactions();
                    print(
                            "append_" + threads + "_threads",
                            "appends of 1 kernel event, " + threads + " virtual threads on their own runs",
                            appends / seconds,
                            "appends/s",
                            String.format(
                                    Locale.ROOT,
                                    ",\"commits_per_s\":%.1f,\"appends_per_commit\":%.2f",
                                    commits / seconds,
                                    (after.callbacks() - before.callbacks()) / (double) commits));
                }
            }

            Path file = base.resolve("long.db");
            RunId run = SampleEvents.runId(random);
            try (SqliteEventStore store = SqliteEventStore.open(file)) {
                long start = System.nanoTime();
                for (long head = 0; head < longLog; ) {
                    int size = (int) Math.min(1000, longLog - head);
                    List<EventEnvelope> batch = new ArrayList<>(size);
                    for (int i = 1; i <= size; i++) {
                        batch.add(transition(run, head + i));
                    }
                    head = store.append(run, head, batch);
                }
                print(
                        "append_long_log",
                        longLog + " kernel events appended 1000 per append",
                        longLog / ((System.nanoTime() - start) / 1e9),
                        "events/s",
                        "");
            }
            try (SqliteEventStore store = SqliteEventStore.open(file)) {
                for (int pass = 0; pass < 3; pass++) {
                    long start = System.nanoTime();
                    long count;
                    try (Stream<EventEnvelope> events = store.stream(run, 0, 1000)) {
                        count = events.count();
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    print(
                            "read_long_log_pass_" + pass,
                            "stream " + count + " kernel events of one run, pages of 1000, decoded",
                            seconds * 1000,
                            "ms",
                            String.format(Locale.ROOT, ",\"events_per_s\":%.0f", count / seconds));
                }
            }
        } finally {
            if (args.length == 0) {
                deleteTree(base);
            }
        }
    }

    /** StateEntered and StateCompleted alternately, as a run of states writes them. */
    private static EventEnvelope transition(RunId run, long seq) {
        StateId state = StateId.of("bench.op.state_" + (seq / 2));
        ArtifactId snapshot = SampleEvents.artifactId("snapshot " + (seq / 2));
        KernelEvent event = seq % 2 == 1
                ? new KernelEvent.StateEntered(state, 0, snapshot)
                : new KernelEvent.StateCompleted(state, snapshot);
        return new EventEnvelope(run, seq, Optional.of(1_767_225_600_000L + seq), new Event.Kernel(event));
    }

    private static double fsyncRate(Path file, int count) throws IOException {
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

    private static void print(String figure, String what, double value, String unit, String extra) {
        System.out.println(String.format(
                Locale.ROOT,
                "{\"figure\":\"%s\",\"what\":\"%s\",\"value\":%.1f,\"unit\":\"%s\"%s,\"cores\":%d}",
                figure,
                what,
                value,
                unit,
                extra,
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
