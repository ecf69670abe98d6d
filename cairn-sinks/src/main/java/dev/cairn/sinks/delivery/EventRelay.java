package dev.cairn.sinks.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.StrictJson;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.RunId;
import dev.cairn.sinks.SinkException;
import dev.cairn.sinks.config.EventSinkConfig;
import dev.cairn.sinks.config.EventSinkFactory;
import dev.cairn.sinks.config.EventsConfig;
import dev.cairn.sinks.config.EventsConfigs;
import dev.cairn.sinks.config.StartFrom;
import dev.cairn.sinks.config.TypeFilter;
import dev.cairn.sinks.events.CloudEventMapper;
import dev.cairn.sinks.events.EncodedEvent;
import dev.cairn.store.sqlite.EventFilter;
import dev.cairn.store.sqlite.LoggedEvent;
import dev.cairn.store.sqlite.SqlReader;
import dev.cairn.store.sqlite.SqliteDatabase;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Delivers the durable event log to event sinks, each from its own cursor (P5: every sink gets every
 * event at least once, with a stable id; no event leaves before it is durable).
 *
 * <p><b>What is read.</b> A server sink follows the log of every run in commit order ({@link
 * SqlReader#eventsAfter}: {@code events.pos}); a per-run sink follows one run's log by {@code seq}.
 * Both read through the database's read connections, which see committed transactions only, and a
 * SQLite commit becomes visible only after its fsync: an event can reach a sink only once its
 * transition is on disk.
 *
 * <p><b>Cursors.</b> Each sink's cursor is a row of {@code sink_cursors} in the same database (the
 * {@value #MIGRATION_MODULE} migrations). A worker reads a batch after the cursor, maps it to
 * CloudEvents ({@link CloudEventMapper}: the same ids and bytes every time), hands it to the sink,
 * and moves the cursor only past what the sink acknowledged. A crash between the acknowledgement and
 * the cursor's commit sends those events again: delivery is at least once, and receivers
 * de-duplicate by id (NATS JetStream does it by message id). A sink that is down keeps its cursor;
 * when it is back it receives everything from there.
 *
 * <p><b>Isolation.</b> Each sink has its own worker (a virtual thread) and cursor: a slow or failing
 * sink delays only itself. A failing sink is retried with exponential backoff and jitter, forever
 * and without skipping events; {@link #status()} shows its error and how far behind it is.
 *
 * <p><b>Wake-up.</b> The relay listens to the database's commits that append events ({@link
 * SqliteDatabase#onEventsAppended}) and wakes every caught-up worker; a worker that hears nothing
 * looks again after {@link RelayOptions#pollInterval()}.
 *
 * <p><b>Per-run sinks</b> ({@link #subscribeRun}) are stored with their configuration, resume after
 * a restart, start at the run's first event whenever they are added, and finish after delivering the
 * run's {@code RunCompleted}.
 */
public final class EventRelay implements AutoCloseable {

    /** The migration module of the cursor tables: open the database with it. */
    public static final String MIGRATION_MODULE = "sinks";

    private static final String SOURCE_AUTHORITY = "source_authority";

    private final SqliteDatabase db;
    private final RelayOptions options;
    private final CloudEventMapper mapper;
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();
    private final SqliteDatabase.Subscription appends;
    private final Object lifecycle = new Object();
    private volatile boolean closed;

    private EventRelay(SqliteDatabase db, RelayOptions options, CloudEventMapper mapper) {
        this.db = db;
        this.options = options;
        this.mapper = mapper;
        this.appends = db.onEventsAppended(this::wakeAll);
    }

    /**
     * Starts a relay over {@code db} (opened with the {@value #MIGRATION_MODULE} migration module)
     * and resumes the stored per-run sinks that have not finished. Server sinks are added with
     * {@link #register}.
     *
     * @throws SinkException {@code sinks_schema_missing} when the database lacks the sink tables
     */
    public static EventRelay start(SqliteDatabase db, RelayOptions options) {
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(options, "options");
        boolean migrated = db.read(r -> r.queryOne(
                                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sink_cursors'",
                                row -> row.getLong(1))
                        .orElse(0L))
                > 0;
        if (!migrated) {
            throw SinkException.schemaMissing(MIGRATION_MODULE);
        }
        CloudEventMapper mapper = new CloudEventMapper(resolveAuthority(db, options.sourceAuthority()));
        EventRelay relay = new EventRelay(db, options, mapper);
        try {
            relay.resumeRunSinks();
        } catch (RuntimeException e) {
            relay.close();
            throw e;
        }
        return relay;
    }

    /**
     * Starts a relay for a server's {@code events} configuration: its source authority, a server
     * sink for each configured sink (built by {@code factory}, which also builds per-run sinks), and
     * the {@code options} given for the rest. A sink that cannot be built (a missing secret) fails
     * the start, with the relay closed.
     */
    public static EventRelay start(
            SqliteDatabase db, EventsConfig config, EventSinkFactory factory, RelayOptions.Builder options) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(factory, "factory");
        config.source().ifPresent(options::sourceAuthority);
        EventRelay relay = start(db, options.runSinks(factory).build());
        try {
            for (EventSinkConfig sink : config.sinks()) {
                relay.register(new SinkRegistration(sink.name(), factory.create(sink), sink.types(), sink.from()));
            }
        } catch (RuntimeException e) {
            relay.close();
            throw e;
        }
        return relay;
    }

    /** The mapper the relay encodes events with (its authority is settled at start). */
    public CloudEventMapper mapper() {
        return mapper;
    }

    /**
     * Adds a server sink: it receives the events of every run from its stored cursor, or, the first
     * time its name is seen, from where {@code registration.from()} says. The relay owns the sink and
     * closes it.
     *
     * @throws IllegalStateException when a sink of that name is registered already
     */
    public void register(SinkRegistration registration) {
        Objects.requireNonNull(registration, "registration");
        synchronized (lifecycle) {
            ensureOpen();
            if (workers.containsKey(registration.name())) {
                throw new IllegalStateException("a sink named " + registration.name() + " is registered already");
            }
            long now = options.clock().millis();
            Cursor cursor = db.write(tx -> {
                long start = registration.from() == StartFrom.NOW ? tx.headPosition() : 0;
                tx.update(
                        "INSERT INTO sink_cursors (sink, run_id, position, config, created_ms, updated_ms)"
                                + " VALUES (?, NULL, ?, NULL, ?, ?) ON CONFLICT (sink) DO NOTHING",
                        registration.name(),
                        start,
                        now,
                        now);
                return readCursor(tx, registration.name()).orElseThrow();
            });
            if (cursor.runId().isPresent()) {
                throw new IllegalStateException("the cursor " + registration.name() + " belongs to a run");
            }
            start(new Worker(registration.name(), Optional.empty(), registration.sink(), registration.types(), cursor));
        }
    }

    /**
     * Adds sinks for the events of one run only, from its first event (whenever they are added, so
     * calling this right after the run started loses nothing). They are stored with their
     * configuration, resume after a restart, and finish after the run's {@code RunCompleted}. Adding
     * a sink name the run already has changes nothing (the call is idempotent).
     *
     * @throws SinkException {@code invalid_sink_config} when a configuration breaks the per-run policy
     *     ({@link EventSinkFactory#createForRun}); nothing is stored then
     * @throws IllegalStateException without {@link RelayOptions#runSinks()}
     */
    public void subscribeRun(RunId runId, List<EventSinkConfig> configs) {
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(configs, "configs");
        EventSinkFactory factory = options.runSinks()
                .orElseThrow(() -> new IllegalStateException("per-run sinks need RelayOptions.runSinks"));
        synchronized (lifecycle) {
            ensureOpen();
            List<DeliverySink> built = new ArrayList<>();
            try {
                for (EventSinkConfig config : configs) {
                    built.add(factory.createForRun(config));
                }
            } catch (RuntimeException e) {
                built.forEach(DeliverySink::close);
                throw e;
            }
            long now = options.clock().millis();
            for (int i = 0; i < configs.size(); i++) {
                EventSinkConfig config = configs.get(i);
                String key = runKey(runId, config.name());
                String json = EventsConfigs.toTree(config).toString();
                Cursor cursor = db.write(tx -> {
                    tx.update(
                            "INSERT INTO sink_cursors (sink, run_id, position, config, created_ms, updated_ms)"
                                    + " VALUES (?, ?, 0, ?, ?, ?) ON CONFLICT (sink) DO NOTHING",
                            key,
                            runId.toString(),
                            json,
                            now,
                            now);
                    return readCursor(tx, key).orElseThrow();
                });
                if (cursor.finished() || workers.containsKey(key)) {
                    built.get(i).close();
                } else {
                    start(new Worker(key, Optional.of(runId), built.get(i), config.types(), cursor));
                }
            }
        }
    }

    /** Where every sink stands, server sinks first, by name. */
    public List<SinkStatus> status() {
        List<Worker> all = new ArrayList<>(workers.values());
        all.sort(Comparator.comparing((Worker w) -> w.run.isPresent()).thenComparing(w -> w.key));
        long head = db.read(SqlReader::headPosition);
        List<SinkStatus> out = new ArrayList<>();
        for (Worker w : all) {
            long top = w.run.map(run -> db.read(r -> r.headSeq(run))).orElse(head);
            out.add(w.status(Math.max(0, top - w.position)));
        }
        return out;
    }

    /**
     * The status of the sink with cursor key {@code sink}: of its worker when it runs here, else of
     * its stored cursor (a per-run sink that finished, a server sink not registered in this process,
     * with {@code target} {@code "not running"}); empty when there is no such cursor.
     */
    public Optional<SinkStatus> status(String sink) {
        Optional<SinkStatus> running =
                status().stream().filter(s -> s.sink().equals(sink)).findFirst();
        if (running.isPresent()) {
            return running;
        }
        return db.read(r -> readCursor(r, sink).map(c -> {
            long top = c.runId().map(r::headSeq).orElseGet(r::headPosition);
            return new SinkStatus(
                    c.sink(),
                    c.runId(),
                    "not running",
                    c.position(),
                    Math.max(0, top - c.position()),
                    c.delivered(),
                    c.failures(),
                    c.lastError(),
                    Optional.empty(),
                    c.finished());
        }));
    }

    /**
     * Manual mode only ({@link RelayOptions#manual()}): runs one delivery pass of the sink with
     * cursor key {@code sink} on the calling thread and says what it did. A failure is returned, not
     * thrown, and leaves the cursor where the sink's acknowledgements put it.
     */
    public PassResult pump(String sink) {
        if (!options.manual()) {
            throw new IllegalStateException("pump() is for relays in manual mode; this one runs its own workers");
        }
        ensureOpen();
        Worker worker = workers.get(sink);
        if (worker == null) {
            throw new IllegalArgumentException("no sink " + sink + " here; known: " + workers.keySet());
        }
        return worker.pass();
    }

    /** The cursor key of the per-run sink {@code name} of {@code runId}. */
    public static String runKey(RunId runId, String name) {
        return "run/" + runId + "/" + name;
    }

    /**
     * Stops every worker (a delivery in progress is interrupted and sent again on the next start),
     * closes every sink and stops listening to the database. The database stays open.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        appends.close();
        for (Worker w : workers.values()) {
            if (w.thread != null) {
                w.thread.interrupt();
            }
        }
        for (Worker w : workers.values()) {
            if (w.thread != null) {
                joinUninterruptibly(w.thread);
            }
            w.sink.close();
        }
    }

    // ------------------------------------------------------------------ internals

    private void start(Worker worker) {
        workers.put(worker.key, worker);
        if (!options.manual()) {
            worker.thread = Thread.ofVirtual().name("cairn-sink " + worker.key).start(worker::loop);
        }
    }

    private void resumeRunSinks() {
        List<Cursor> open = db.read(r -> r.query(
                "SELECT sink, run_id, position, config, finished, delivered, failures, last_error FROM sink_cursors"
                        + " WHERE run_id IS NOT NULL AND finished = 0 ORDER BY sink",
                EventRelay::cursorOf));
        if (open.isEmpty() || options.runSinks().isEmpty()) {
            return; // without a factory they wait for a relay that has one
        }
        EventSinkFactory factory = options.runSinks().get();
        for (Cursor cursor : open) {
            try {
                JsonNode json = StrictJson.parse(cursor.config().orElseThrow());
                EventSinkConfig config = EventsConfigs.parseSink(json, "/" + cursor.sink());
                start(new Worker(cursor.sink(), cursor.runId(), factory.createForRun(config), config.types(), cursor));
            } catch (RuntimeException e) {
                recordFailure(cursor.sink(), "cannot resume this sink: " + e.getMessage());
            }
        }
    }

    /** A per-run sink that finished leaves: its cursor row keeps its status. */
    private void retire(Worker worker) {
        workers.remove(worker.key, worker);
        worker.sink.close();
    }

    private void wakeAll() {
        for (Worker w : workers.values()) {
            w.wakeup.signal();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the event relay is closed");
        }
    }

    private void recordFailure(String sink, String message) {
        long now = options.clock().millis();
        db.write(tx -> tx.update(
                "UPDATE sink_cursors SET failures = failures + 1, last_error = ?, updated_ms = ? WHERE sink = ?",
                message,
                now,
                sink));
    }

    private static Optional<Cursor> readCursor(SqlReader reader, String sink) {
        return reader.queryOne(
                "SELECT sink, run_id, position, config, finished, delivered, failures, last_error FROM sink_cursors"
                        + " WHERE sink = ?",
                EventRelay::cursorOf,
                sink);
    }

    private static Cursor cursorOf(dev.cairn.store.sqlite.Row row) {
        return new Cursor(
                row.getString(1),
                Optional.ofNullable(row.getString(2)).map(RunId::parse),
                row.getLong(3),
                Optional.ofNullable(row.getString(4)),
                row.getLong(5) != 0,
                row.getLong(6),
                (int) row.getLong(7),
                Optional.ofNullable(row.getString(8)));
    }

    private static String resolveAuthority(SqliteDatabase db, Optional<String> configured) {
        Optional<String> recorded = db.read(r ->
                r.queryOne("SELECT value FROM sink_settings WHERE key = ?", row -> row.getString(1), SOURCE_AUTHORITY));
        String authority = configured.or(() -> recorded).orElseGet(EventRelay::hostName);
        if (!recorded.equals(Optional.of(authority))) {
            db.write(tx -> tx.update(
                    "INSERT INTO sink_settings (key, value) VALUES (?, ?)"
                            + " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    SOURCE_AUTHORITY,
                    authority));
        }
        return authority;
    }

    private static String hostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
            return CloudEventMapper.AUTHORITY.matcher(name).matches() ? name : "localhost";
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A row of {@code sink_cursors}. */
    private record Cursor(
            String sink,
            Optional<RunId> runId,
            long position,
            Optional<String> config,
            boolean finished,
            long delivered,
            int failures,
            Optional<String> lastError) {}

    /** An event read after a cursor, with the cursor value that passes it. */
    private record Item(long position, EventEnvelope envelope) {}

    /** One sink's loop: read after the cursor, deliver, move the cursor. */
    private final class Worker {
        final String key;
        final Optional<RunId> run;
        final DeliverySink sink;
        final TypeFilter types;
        final Wakeup wakeup = new Wakeup();
        final SplittableRandom random = new SplittableRandom();
        volatile Thread thread;
        volatile long position;
        volatile long delivered;
        volatile int failures;
        volatile Optional<String> lastError;
        volatile Optional<Instant> lastDelivery = Optional.empty();
        volatile boolean finished;

        Worker(String key, Optional<RunId> run, DeliverySink sink, TypeFilter types, Cursor cursor) {
            this.key = key;
            this.run = run;
            this.sink = sink;
            this.types = types;
            this.position = cursor.position();
            this.delivered = cursor.delivered();
            this.failures = cursor.failures();
            this.lastError = cursor.lastError();
            this.finished = cursor.finished();
        }

        void loop() {
            while (!closed && !finished && !Thread.currentThread().isInterrupted()) {
                PassResult result;
                try {
                    result = pass();
                } catch (RuntimeException e) {
                    // the log or the cursor could not be read or written: like a failed delivery
                    failures++;
                    lastError = Optional.of(String.valueOf(e.getMessage()));
                    result = new PassResult(0, 0, Optional.of(SinkException.unreachable(key, "relay: " + e, e)));
                }
                if (result.failure().isPresent()) {
                    if (!pause(options.retryBackoff().delay(Math.max(1, failures), random))) {
                        break;
                    }
                } else if (result.read() == 0 && !finished) {
                    try {
                        wakeup.await(options.pollInterval());
                    } catch (InterruptedException e) {
                        break;
                    }
                }
            }
            if (finished) {
                retire(this);
            }
        }

        PassResult pass() {
            if (finished) {
                return PassResult.IDLE;
            }
            List<Item> page = read();
            if (page.isEmpty()) {
                return PassResult.IDLE;
            }
            List<EncodedEvent> selected = new ArrayList<>(page.size());
            List<Integer> at = new ArrayList<>(page.size());
            for (int i = 0; i < page.size(); i++) {
                EncodedEvent event = mapper.encode(page.get(i).envelope());
                if (types.accepts(event.type())) {
                    selected.add(event);
                    at.add(i);
                }
            }
            Optional<SinkException> failure = Optional.empty();
            int acknowledged = selected.size();
            if (!selected.isEmpty()) {
                try {
                    sink.deliver(selected);
                } catch (SinkException e) {
                    failure = Optional.of(e);
                    acknowledged = Math.min(Math.max(e.acknowledged(), 0), selected.size());
                } catch (RuntimeException e) {
                    failure = Optional.of(SinkException.unreachable(key, "the sink failed: " + e, e));
                    acknowledged = 0;
                }
            }
            // everything before the first unacknowledged selected event is passed
            int passed = acknowledged == selected.size() ? page.size() : at.get(acknowledged);
            if (acknowledged > 0) {
                List<EventEnvelope> done = new ArrayList<>(acknowledged);
                for (int i = 0; i < acknowledged; i++) {
                    done.add(page.get(at.get(i)).envelope());
                }
                try {
                    options.observer().delivered(key, done);
                } catch (RuntimeException ignored) {
                    // an observer must not stop delivery
                }
            }
            if (passed > 0) {
                advance(page.subList(0, passed), acknowledged, failure);
            } else if (failure.isPresent()) {
                failures++;
                lastError = Optional.of(failure.get().getMessage());
                recordFailure(key, failure.get().getMessage());
            }
            return new PassResult(page.size(), acknowledged, failure);
        }

        private List<Item> read() {
            int limit = options.batchSize();
            if (run.isEmpty()) {
                long after = position;
                return db.read(r -> r.eventsAfter(after, limit)).stream()
                        .map((LoggedEvent e) -> new Item(e.position(), e.envelope()))
                        .toList();
            }
            RunId runId = run.get();
            long from = position + 1;
            return db.read(r -> r.events(runId, from, Long.MAX_VALUE, limit, EventFilter.ALL)).stream()
                    .map(e -> new Item(e.seq(), e))
                    .toList();
        }

        private void advance(List<Item> passed, int acknowledged, Optional<SinkException> failure) {
            long to = passed.getLast().position();
            boolean ended = run.isPresent() && passed.stream().anyMatch(item -> isRunCompleted(item.envelope()));
            long now = options.clock().millis();
            String error = failure.map(Throwable::getMessage).orElse(null);
            int failed = failure.isPresent() ? failures + 1 : 0;
            db.write(tx -> tx.update(
                    "UPDATE sink_cursors SET position = ?, delivered = delivered + ?, finished = ?, failures = ?,"
                            + " last_error = ?, updated_ms = ? WHERE sink = ?",
                    to,
                    acknowledged,
                    ended,
                    failed,
                    error,
                    now,
                    key));
            position = to;
            delivered += acknowledged;
            failures = failed;
            lastError = Optional.ofNullable(error);
            if (acknowledged > 0) {
                lastDelivery = Optional.of(Instant.ofEpochMilli(now));
            }
            if (ended) {
                finished = true;
                if (options.manual()) {
                    retire(this);
                }
            }
        }

        private boolean pause(Duration delay) {
            try {
                Thread.sleep(delay);
                return true;
            } catch (InterruptedException e) {
                return false;
            }
        }

        SinkStatus status(long behind) {
            return new SinkStatus(
                    key,
                    run,
                    sink.describe(),
                    position,
                    behind,
                    delivered,
                    failures,
                    lastError,
                    lastDelivery,
                    finished);
        }
    }

    private static boolean isRunCompleted(EventEnvelope envelope) {
        return envelope.event() instanceof Event.Kernel k && k.event() instanceof KernelEvent.RunCompleted;
    }

    /** A signal that survives being sent before anyone waits. */
    private static final class Wakeup {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private boolean pending;

        void signal() {
            lock.lock();
            try {
                pending = true;
                changed.signal();
            } finally {
                lock.unlock();
            }
        }

        void await(Duration timeout) throws InterruptedException {
            lock.lock();
            try {
                long nanos = timeout.toNanos();
                while (!pending && nanos > 0) {
                    nanos = changed.awaitNanos(nanos);
                }
                pending = false;
            } finally {
                lock.unlock();
            }
        }
    }
}
