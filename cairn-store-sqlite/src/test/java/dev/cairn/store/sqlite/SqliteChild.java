package dev.cairn.store.sqlite;

import dev.cairn.machine.ids.RunId;
import dev.cairn.testkit.contract.SampleEvents;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A second process for {@link SqliteProcessTest}: {@code hold <file>} opens the store and keeps it
 * open until its stdin ends; {@code append <file> <seed> <runs>} appends to {@code runs} runs from
 * as many virtual threads until it is killed, printing {@code ack <run> <head>} after every append
 * that returned (so every printed head was acknowledged durable).
 */
public final class SqliteChild {

    private SqliteChild() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        PrintStream out = System.out;
        switch (args[0]) {
            case "hold" -> {
                try (SqliteEventStore store = SqliteEventStore.open(file)) {
                    out.println("ready " + ProcessHandle.current().pid());
                    out.flush();
                    while (System.in.read() >= 0) {
                        // hold the store until the parent closes our stdin
                    }
                }
            }
            case "append" -> {
                long seed = Long.parseLong(args[2]);
                int runs = Integer.parseInt(args[3]);
                List<RunId> ids = runIds(seed, runs);
                SqliteEventStore store = SqliteEventStore.open(file);
                out.println("ready " + ProcessHandle.current().pid());
                out.flush();
                try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < runs; i++) {
                        RunId run = ids.get(i);
                        Random plan = batchPlan(seed, i);
                        threads.submit(() -> {
                            long head = 0;
                            while (true) {
                                int size = 1 + plan.nextInt(5);
                                head = store.append(run, head, SampleEvents.envelopes(run, head + 1, size));
                                synchronized (out) {
                                    out.println("ack " + run + " " + head);
                                    out.flush();
                                }
                            }
                        });
                    }
                }
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    /** The runs an {@code append} child with {@code seed} writes to. */
    static List<RunId> runIds(long seed, int runs) {
        Random random = new Random(seed);
        List<RunId> ids = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ids.add(SampleEvents.runId(random));
        }
        return ids;
    }

    /** The batch sizes run {@code index} is appended in: {@code 1 + nextInt(5)} each. */
    static Random batchPlan(long seed, int index) {
        return new Random(seed * 31 + index);
    }
}
