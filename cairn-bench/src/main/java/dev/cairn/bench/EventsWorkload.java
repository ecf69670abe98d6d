package dev.cairn.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.bench.BenchReport.Figure;
import dev.cairn.bench.BenchReport.Input;
import dev.cairn.bench.BenchReport.Ratio;
import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.events.RunStatus;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.OpId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.sinks.SecretLookup;
import dev.cairn.sinks.config.FsyncPolicy;
import dev.cairn.sinks.config.SinkTarget;
import dev.cairn.sinks.config.StartFrom;
import dev.cairn.sinks.config.TypeFilter;
import dev.cairn.sinks.delivery.DeliverySink;
import dev.cairn.sinks.delivery.EventRelay;
import dev.cairn.sinks.delivery.PassResult;
import dev.cairn.sinks.delivery.RelayOptions;
import dev.cairn.sinks.delivery.SinkRegistration;
import dev.cairn.sinks.events.CairnEventTypes;
import dev.cairn.sinks.events.CloudEventMapper;
import dev.cairn.sinks.events.EncodedEvent;
import dev.cairn.sinks.jsonl.JsonLinesEventSink;
import dev.cairn.sinks.nats.NatsJetStreamEventSink;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteEventStore;
import dev.cairn.store.sqlite.SqliteOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * {@code events}: how fast the event relay delivers the durable log, and how long an event waits
 * between its commit and its delivery.
 *
 * <ul>
 *   <li><b>Throughput</b>: a SQLite log of 20,000 events (runs of 32: started, ten states each
 *       entered / task leased / completed, completed; {@code --iterations N} sets the size) is
 *       delivered from the start to a new sink each round, by the relay's own delivery pass (read
 *       256 events after the cursor, map them to CloudEvents, deliver, store the cursor) run on the
 *       measuring thread: to a JSON Lines file forced to disk after every batch ({@code
 *       events_to_jsonl}), and to NATS JetStream with a stream ack per event ({@code
 *       events_to_nats}, a real {@code nats-server -js} the workload starts when one is installed;
 *       otherwise skipped, with the reason in {@code notes}). Baseline: the same pass to a sink that
 *       drops the events ({@code events_read_encode}): what reading, mapping and cursor commits cost.
 *   <li><b>Lag</b>: with the relay running as in production (a worker woken by the database's append
 *       notification), a single writer appends one event per transaction, offered at 500 events/s,
 *       500 per round; each event's lag is the time from the moment its commit returned (an append
 *       listener registered before the relay's) to the moment the sink acknowledged it. Reported:
 *       p50 and p99 per round ({@code lag_p50_jsonl}, …), median over the rounds. A worker already
 *       reading can see a commit a few microseconds before the listener stamps it; such a lag
 *       counts as 0.
 * </ul>
 *
 * <p>All times are wall-clock (several threads and an fsync take part), so {@code clock} is {@code
 * wall}. Rounds alternate the sinks, as {@link Harness} does.
 */
public final class EventsWorkload implements Workload {

    /** Events in the log of the throughput rounds, unless {@code --iterations} says otherwise. */
    public static final int DEFAULT_LOG_EVENTS = 20_000;

    /** Events appended per lag round. */
    public static final int DEFAULT_LAG_EVENTS = 500;

    /** The interval between appends in the lag rounds: 500 events/s offered. */
    public static final Duration LAG_INTERVAL = Duration.ofMillis(2);

    private static final String AUTHORITY = "bench.cairn.dev";
    private static final int STATES_PER_RUN = 10;

    @Override
    public String name() {
        return "events";
    }

    @Override
    public String description() {
        return "events/s from the SQLite log to a JSON Lines file and to NATS JetStream, against reading and"
                + " encoding alone; commit-to-delivery lag p50/p99 at 500 events/s";
    }

    @Override
    public BenchReport run(BenchSettings settings) {
        Path dir;
        try {
            dir = Files.createTempDirectory("cairn-bench-events");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> notes = new ArrayList<>();
        try (SqliteDatabase db = SqliteDatabase.open(SqliteOptions.builder(dir.resolve("cairn.db"))
                        .migrationModule(EventRelay.MIGRATION_MODULE)
                        .build());
                Nats nats = Nats.start(dir.resolve("nats"), notes)) {
            int wanted =
                    settings.iterations() > 0 ? (int) Math.min(settings.iterations(), 2_000_000) : DEFAULT_LOG_EVENTS;
            int lagEvents = settings.iterations() > 0
                    ? Math.clamp(settings.iterations(), 20, DEFAULT_LAG_EVENTS)
                    : DEFAULT_LAG_EVENTS;
            long[] sizes = populate(db, wanted);
            int logEvents = (int) sizes[0];

            List<String> sinks = new ArrayList<>(List.of("discard", "jsonl"));
            nats.url().ifPresent(url -> sinks.add("nats"));
            List<List<Double>> rates = new ArrayList<>();
            sinks.forEach(s -> rates.add(new ArrayList<>()));
            int rounds = settings.warmupRounds() + settings.rounds();
            for (int r = 0; r < rounds; r++) {
                for (int s = 0; s < sinks.size(); s++) {
                    double rate = drain(db, dir, nats, sinks.get(s), r, logEvents);
                    if (r >= settings.warmupRounds()) {
                        rates.get(s).add(rate);
                    }
                }
            }

            List<String> lagged = sinks.subList(1, sinks.size());
            List<List<Double>> p50 = new ArrayList<>();
            List<List<Double>> p99 = new ArrayList<>();
            lagged.forEach(s -> {
                p50.add(new ArrayList<>());
                p99.add(new ArrayList<>());
            });
            for (int r = 0; r < rounds; r++) {
                for (int s = 0; s < lagged.size(); s++) {
                    double[] lags = lagRound(db, dir, nats, lagged.get(s), r, lagEvents);
                    if (r >= settings.warmupRounds()) {
                        p50.get(s).add(percentile(lags, 0.50));
                        p99.get(s).add(percentile(lags, 0.99));
                    }
                }
            }

            Figure baseline = figure("events_read_encode", "events/s", rates.get(0));
            List<Figure> figures = new ArrayList<>();
            List<Ratio> ratios = new ArrayList<>();
            for (int s = 1; s < sinks.size(); s++) {
                Figure f = figure("events_to_" + sinks.get(s), "events/s", rates.get(s));
                figures.add(f);
                ratios.add(Ratio.of(f.name() + "_vs_read_encode", f, baseline, Optional.empty()));
            }
            for (int s = 0; s < lagged.size(); s++) {
                figures.add(figure("lag_p50_" + lagged.get(s), "ms", p50.get(s)));
                figures.add(figure("lag_p99_" + lagged.get(s), "ms", p99.get(s)));
            }
            return new BenchReport(
                    name(),
                    BenchReport.Environment.current(),
                    new BenchReport.Settings(
                            settings.warmupRounds(),
                            settings.rounds(),
                            settings.roundDuration().toMillis(),
                            settings.iterations(),
                            "wall"),
                    List.of(
                            Input.documents("log_events", logEvents, sizes[1]),
                            Input.count("lag_events_per_round", lagEvents(lagEvents))),
                    figures,
                    List.of(baseline),
                    ratios,
                    List.of(),
                    notes);
        } finally {
            deleteTree(dir);
        }
    }

    // ------------------------------------------------------------------ throughput

    /** Delivers the whole log to a new sink with the relay's own pass; returns events/s. */
    private double drain(SqliteDatabase db, Path dir, Nats nats, String kind, int round, int logEvents) {
        String name = kind + "-" + round;
        Path file = dir.resolve(name + ".jsonl");
        CountingSink counting = null;
        DeliverySink sink =
                switch (kind) {
                    case "discard" -> counting = new CountingSink();
                    case "jsonl" ->
                        new JsonLinesEventSink(new SinkTarget.JsonLines(file, FsyncPolicy.BATCH, Optional.empty()));
                    default ->
                        new NatsJetStreamEventSink(
                                SinkTarget.Nats.at(nats.url().orElseThrow())
                                        .withStream("BENCH_" + round, "bench.r" + round),
                                SecretLookup.none());
                };
        try (EventRelay relay = EventRelay.start(
                db,
                RelayOptions.builder().sourceAuthority(AUTHORITY).manual(true).build())) {
            relay.register(SinkRegistration.of(name, sink));
            long start = System.nanoTime();
            for (PassResult pass = relay.pump(name); pass.read() > 0; pass = relay.pump(name)) {
                if (pass.failure().isPresent()) {
                    throw BenchException.selfCheckFailed(
                            name(), name + " failed: " + pass.failure().get().getMessage());
                }
            }
            long nanos = System.nanoTime() - start;
            long delivered = relay.status(name).orElseThrow().delivered();
            if (delivered != logEvents) {
                throw BenchException.selfCheckFailed(name(), name + " delivered " + delivered + " of " + logEvents);
            }
            if (counting != null && counting.count != logEvents) {
                throw BenchException.selfCheckFailed(name(), "the discarding sink saw " + counting.count);
            }
            if (kind.equals("jsonl")) {
                long lines;
                try (Stream<String> all = Files.lines(file, StandardCharsets.UTF_8)) {
                    lines = all.count();
                }
                if (lines != logEvents) {
                    throw BenchException.selfCheckFailed(name(), file + " has " + lines + " lines, not " + logEvents);
                }
                Files.delete(file);
            }
            return logEvents * 1e9 / Math.max(1, nanos);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ lag

    /** One lag round: events appended one per commit at the offered rate; their lags in ms. */
    private double[] lagRound(SqliteDatabase db, Path dir, Nats nats, String kind, int round, int lagEvents) {
        RunId run = new RunId(new UUID(0xCA1E_0000L + round, kind.hashCode()));
        List<EventEnvelope> events = runEvents(run, lagEvents / 3);
        int n = events.size();
        AtomicLongArray committed = new AtomicLongArray(n + 1);
        AtomicLongArray delivered = new AtomicLongArray(n + 1);
        AtomicInteger commits = new AtomicInteger();
        String name = "lag-" + kind + "-" + round;
        DeliverySink sink = kind.equals("jsonl")
                ? new JsonLinesEventSink(
                        new SinkTarget.JsonLines(dir.resolve(name + ".jsonl"), FsyncPolicy.BATCH, Optional.empty()))
                : new NatsJetStreamEventSink(
                        SinkTarget.Nats.at(nats.url().orElseThrow()).withStream("LAG_" + round, "lag.r" + round),
                        SecretLookup.none());
        // registered before the relay's own listener, so it stamps a commit before the relay wakes
        SqliteDatabase.Subscription stamps = db.onEventsAppended(() -> {
            int k = commits.incrementAndGet();
            if (k <= n) {
                committed.set(k, System.nanoTime());
            }
        });
        try (stamps;
                EventRelay relay = EventRelay.start(
                        db,
                        RelayOptions.builder()
                                .sourceAuthority(AUTHORITY)
                                .pollInterval(Duration.ofSeconds(10))
                                .observer((s, batch) -> {
                                    long now = System.nanoTime();
                                    for (EventEnvelope e : batch) {
                                        if (e.runId().equals(run)) {
                                            delivered.set((int) e.seq(), now);
                                        }
                                    }
                                })
                                .build())) {
            relay.register(new SinkRegistration(name, sink, TypeFilter.ALL, StartFrom.NOW));
            SqliteEventStore store = new SqliteEventStore(db);
            long start = System.nanoTime();
            long interval = LAG_INTERVAL.toNanos();
            for (int k = 1; k <= n; k++) {
                long due = start + (k - 1) * interval;
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                store.append(run, k - 1, List.of(events.get(k - 1)));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (delivered.get(n) == 0) {
                if (System.nanoTime() > deadline) {
                    throw BenchException.selfCheckFailed(
                            name(), name + " did not deliver the round within 60 s: " + relay.status(name));
                }
                LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
            }
            double[] lags = new double[n];
            for (int k = 1; k <= n; k++) {
                long d = delivered.get(k);
                long c = committed.get(k);
                if (d == 0 || c == 0) {
                    throw BenchException.selfCheckFailed(
                            name(), name + ": event " + k + " has no commit or delivery time");
                }
                lags[k - 1] = Math.max(0, d - c) / 1e6;
            }
            return lags;
        }
    }

    /** The events of a lag round of about {@code wanted} events: 2 + 3 × (wanted / 3). */
    private static int lagEvents(int wanted) {
        return 2 + 3 * (wanted / 3);
    }

    /** The value below which {@code p} of the values lie (nearest rank). */
    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
    }

    private static Figure figure(String name, String unit, List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Figure(name, unit, Harness.median(v), v[0], v[v.length - 1], v.length);
    }

    // ------------------------------------------------------------------ the log

    /** Appends runs of 32 events until at least {@code wanted}; returns {count, structured JSON bytes}. */
    private static long[] populate(SqliteDatabase db, int wanted) {
        SqliteEventStore store = new SqliteEventStore(db);
        CloudEventMapper mapper = new CloudEventMapper(AUTHORITY);
        long count = 0;
        long bytes = 0;
        for (long r = 0; count < wanted; r++) {
            RunId run = new RunId(new UUID(0xB0_0000L, r));
            List<EventEnvelope> events = runEvents(run, STATES_PER_RUN);
            store.append(run, 0, events);
            count += events.size();
            for (EventEnvelope e : events) {
                bytes += mapper.encode(e).size();
            }
        }
        return new long[] {count, bytes};
    }

    /** A run's log: started, {@code states} × (entered, task leased, completed), completed. */
    static List<EventEnvelope> runEvents(RunId run, int states) {
        List<EventEnvelope> out = new ArrayList<>(2 + 3 * states);
        long ts = 1_795_413_600_000L;
        out.add(envelope(
                run,
                1,
                ts,
                new Event.Kernel(new KernelEvent.RunStarted(
                        OpId.of("bench"), artifact(run + " manifest"), artifact(run + " initial")))));
        for (int s = 0; s < states; s++) {
            StateId state = StateId.of("bench.step_" + s + ".run");
            ObjectNode lease = JsonNodeFactory.instance.objectNode();
            lease.put("task_id", run + "-task-" + s);
            lease.put("state_id", state.value());
            lease.put("capability", "command");
            lease.put("runner", "node-1");
            lease.put("lease_epoch", 1);
            long seq = out.size() + 1;
            out.add(envelope(
                    run,
                    seq,
                    ts + seq,
                    new Event.Kernel(new KernelEvent.StateEntered(state, 0, artifact(run + " base " + s)))));
            out.add(envelope(
                    run,
                    seq + 1,
                    ts + seq + 1,
                    new Event.Domain(DomainEvent.of(CairnEventTypes.Names.TASK_LEASED, lease))));
            out.add(envelope(
                    run,
                    seq + 2,
                    ts + seq + 2,
                    new Event.Kernel(new KernelEvent.StateCompleted(state, artifact(run + " after " + s)))));
        }
        long last = out.size() + 1;
        out.add(envelope(
                run,
                last,
                ts + last,
                new Event.Kernel(
                        new KernelEvent.RunCompleted(RunStatus.COMPLETED, Optional.of(artifact(run + " final"))))));
        return out;
    }

    private static EventEnvelope envelope(RunId run, long seq, long ts, Event event) {
        return new EventEnvelope(run, seq, Optional.of(ts), event);
    }

    private static ArtifactId artifact(String text) {
        return new ArtifactId(ArtifactIds.ofBytes(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a temp file left behind is harmless
                }
            });
        } catch (IOException e) {
            // the temp directory stays
        }
    }

    /** The baseline's sink: counts the events and drops them (never used outside this benchmark). */
    private static final class CountingSink implements DeliverySink {
        long count;

        @Override
        public void deliver(List<EncodedEvent> events) {
            count += events.size();
        }

        @Override
        public String describe() {
            return "discard (benchmark baseline)";
        }
    }

    /** The NATS server of a run, or the reason there is none. */
    private record Nats(Optional<NatsProcess> process) implements AutoCloseable {

        static Nats start(Path storeDir, List<String> notes) {
            Optional<Path> exe = NatsProcess.executable();
            if (exe.isEmpty()) {
                notes.add("nats skipped: nats-server is not on the PATH (Debian package nats-server)");
                return new Nats(Optional.empty());
            }
            try {
                return new Nats(Optional.of(NatsProcess.start(exe.get(), storeDir)));
            } catch (IOException e) {
                notes.add("nats skipped: " + exe.get() + " did not start: " + e.getMessage());
                return new Nats(Optional.empty());
            }
        }

        Optional<String> url() {
            return process.map(NatsProcess::url);
        }

        @Override
        public void close() {
            process.ifPresent(NatsProcess::close);
        }
    }
}
