package dev.cairn.kernel.it;

import dev.cairn.machine.engine.RunPhase;
import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.runtime.Durability;
import dev.cairn.machine.runtime.Engine;
import dev.cairn.store.fs.FsArtifactStore;
import dev.cairn.store.fs.FsStoreOptions;
import dev.cairn.store.sqlite.SqliteEventStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The process {@link KernelCrashTest} kills: {@code CrashChild <dir> <every-event|batched> <seed>
 * <runs>}. Opens the SQLite and filesystem stores in {@code dir}, checks that every artifact the
 * durable logs reference is there and intact (P1 after the previous SIGKILL), prints {@code ready
 * <pid> <references checked>}, then brings each of the {@code runs} orders to completion on two
 * worker threads: start when its log is empty, resume otherwise (a completed run's resume returns at
 * once and appends nothing). Prints {@code h i state attempt key} as handlers start, {@code done}
 * at the end.
 *
 * <p>{@code batched} stores the way {@code cairn server} does: through {@link
 * FsArtifactStore#journaling()}, with a {@value #JOURNAL_BYTES}-byte journal, so that checkpoints
 * (the journaled blobs written out as files) follow one another and kills land in them too.
 *
 * <p>A shutdown hook writes {@code exits/<pid>}: an orderly exit (or SIGTERM) leaves it, SIGKILL
 * does not.
 *
 * <p>Exit codes: 0 done; 3 P1 violated (a referenced artifact missing or damaged); 4 a run did not
 * complete; 5 anything else.
 */
public final class CrashChild {

    private CrashChild() {}

    /** The batched variant's journal: a checkpoint every few dozen blobs. */
    static final long JOURNAL_BYTES = 16 * 1024;

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try {
            Path dir = Path.of(args[0]);
            Durability durability =
                    switch (args[1]) {
                        case "every-event" -> Durability.everyEvent();
                        case "batched" -> Durability.batched();
                        default -> throw new IllegalArgumentException("durability " + args[1]);
                    };
            long seed = Long.parseLong(args[2]);
            int runs = Integer.parseInt(args[3]);
            Path exits = Files.createDirectories(dir.resolve("exits"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Files.writeString(
                            exits.resolve(Long.toString(ProcessHandle.current().pid())), "shutdown hooks ran");
                } catch (IOException e) {
                    // nothing to do in a shutdown hook
                }
            }));
            System.exit(run(dir, durability, seed, runs, out));
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(5);
        }
    }

    private static int run(Path dir, Durability durability, long seed, int runs, PrintStream out) throws Exception {
        boolean journaling = durability instanceof Durability.Batched;
        try (SqliteEventStore events = SqliteEventStore.open(dir.resolve("events.db"));
                FsArtifactStore artifacts = journaling
                        ? FsArtifactStore.open(FsStoreOptions.builder(dir.resolve("artifacts"))
                                .journalBytes(JOURNAL_BYTES)
                                .build())
                        : FsArtifactStore.open(dir.resolve("artifacts"))) {
            // The batched variant stores as `cairn server` does (the journaling view: snapshots and
            // fact payloads go to the journal), with a journal small enough that checkpoints follow
            // one another and kills land in them too.
            Stores stores = new Stores(events, journaling ? artifacts.journaling() : artifacts);
            long checked = 0;
            for (int i = 0; i < runs; i++) {
                try {
                    checked += checkReferences(stores, CrashScenario.runId(seed, i));
                } catch (StorageException e) {
                    out.println("p1-violation run " + i + ": " + e.code() + " " + e.getMessage());
                    return 3;
                }
            }
            out.println("ready " + ProcessHandle.current().pid() + " " + checked);

            CrashScenario scenario = new CrashScenario(dir, out::println);
            Engine engine = Engine.builder()
                    .planResolver(scenario.resolver())
                    .transports(scenario.transports())
                    .durability(durability)
                    .build();
            AtomicInteger next = new AtomicInteger();
            try (ExecutorService workers = Executors.newFixedThreadPool(2)) {
                Future<?>[] done = new Future<?>[2];
                for (int w = 0; w < 2; w++) {
                    done[w] = workers.submit(() -> {
                        for (int i = next.getAndIncrement(); i < runs; i = next.getAndIncrement()) {
                            RunId id = CrashScenario.runId(seed, i);
                            RunResult result = stores.events().headSeq(id) == 0
                                    ? engine.start(stores, scenario.start(seed, i))
                                    : engine.resume(stores, id);
                            if (result.phase() != RunPhase.COMPLETED) {
                                throw new IllegalStateException("run " + i + " ended " + result.phase());
                            }
                        }
                        return null;
                    });
                }
                for (Future<?> f : done) {
                    try {
                        f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        out.println("failed: " + e.getCause());
                        e.getCause().printStackTrace();
                        return 4;
                    }
                }
            }
            out.println("done");
            return 0;
        }
    }

    /** Reads every artifact the durable log of {@code runId} references; returns how many. */
    static long checkReferences(Stores stores, RunId runId) {
        long n = 0;
        try (Stream<EventEnvelope> log = stores.events().stream(runId, 1, 1024)) {
            Iterator<EventEnvelope> it = log.iterator();
            while (it.hasNext()) {
                for (ArtifactId id : LogChecks.references(it.next())) {
                    stores.artifacts().get(id); // verifies the hash; NotFound or Corruption otherwise
                    n++;
                }
            }
        }
        return n;
    }
}
