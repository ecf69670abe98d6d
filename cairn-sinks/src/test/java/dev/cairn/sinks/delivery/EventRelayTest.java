package dev.cairn.sinks.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.RunId;
import dev.cairn.sinks.Backoff;
import dev.cairn.sinks.SecretLookup;
import dev.cairn.sinks.SinkException;
import dev.cairn.sinks.config.EventSinkConfig;
import dev.cairn.sinks.config.EventSinkFactory;
import dev.cairn.sinks.config.SinkTarget;
import dev.cairn.sinks.config.StartFrom;
import dev.cairn.sinks.config.TypeFilter;
import dev.cairn.sinks.events.CairnEventTypes;
import dev.cairn.sinks.events.CloudEventMapper;
import dev.cairn.sinks.events.EncodedEvent;
import dev.cairn.sinks.support.Await;
import dev.cairn.sinks.support.RecordingSink;
import dev.cairn.sinks.support.Runs;
import dev.cairn.sinks.support.TestLog;
import dev.cairn.store.sqlite.EventAppend;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivery from the durable log with a cursor per sink, against a real SQLite log. */
class EventRelayTest {

    private static final String AUTHORITY = "relay-test";

    @TempDir
    Path dir;

    private Random random;
    private TestLog log;
    private final List<EventRelay> relays = new ArrayList<>();

    @BeforeEach
    void open() {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        random = new Random(seed);
        log = TestLog.open(dir.resolve("cairn.db"));
    }

    @AfterEach
    void close() {
        relays.forEach(EventRelay::close);
        log.close();
    }

    @Test
    void everyEventOfEveryRunReachesTheSinkOnceInCommitOrder() {
        RecordingSink sink = new RecordingSink("all");
        EventRelay relay = start(options());
        relay.register(SinkRegistration.of("all", sink));

        List<EventEnvelope> committed = appendInterleavedRuns(3, 4);

        Await.until(
                "every event delivered and its cursor stored",
                () -> relay.status("all").orElseThrow().behind() == 0,
                () -> sink.ids().toString());
        assertThat(sink.ids()).isEqualTo(ids(committed));
        assertThat(sink.received()).isEqualTo(encode(committed));
        SinkStatus status = relay.status("all").orElseThrow();
        assertThat(status.delivered()).isEqualTo(committed.size());
        assertThat(status.behind()).isZero();
        assertThat(status.failures()).isZero();
        assertThat(status.lastError()).isEmpty();
    }

    @Test
    void aSinkThatFailsForAWhileGetsEverythingOnceItIsBackWithTheSameIdsAndBytes() {
        RecordingSink sink = new RecordingSink("flaky").failNext(4, 0);
        EventRelay relay = start(options());
        relay.register(SinkRegistration.of("flaky", sink));

        List<EventEnvelope> committed = appendInterleavedRuns(2, 3);

        Await.until("delivery after the failures", () -> sink.received().size() >= committed.size(), () -> sink.ids()
                .toString());
        assertThat(sink.attempts()).isGreaterThanOrEqualTo(5);
        assertThat(sink.received()).isEqualTo(encode(committed));
        Await.until(
                "status caught up", () -> relay.status("flaky").orElseThrow().behind() == 0);
        assertThat(relay.status("flaky").orElseThrow().failures()).isZero();
    }

    @Test
    void theCursorMovesOnlyPastWhatTheSinkAcknowledged() {
        RecordingSink sink = new RecordingSink("partial").failNext(1, 2);
        EventRelay relay = start(options().manual(true).batchSize(5));
        relay.register(SinkRegistration.of("partial", sink));
        RunId run = Runs.runId(random);
        List<EventEnvelope> events = Runs.run(run, 3); // 11 events
        log.append(events);

        PassResult failed = relay.pump("partial");
        assertThat(failed.read()).isEqualTo(5);
        assertThat(failed.acknowledged()).isEqualTo(2);
        assertThat(failed.failure())
                .hasValueSatisfying(e -> assertThat(e.code()).isEqualTo("sink_unreachable"));
        SinkStatus afterFailure = relay.status("partial").orElseThrow();
        assertThat(afterFailure.position()).isEqualTo(2);
        assertThat(afterFailure.failures()).isEqualTo(1);
        assertThat(afterFailure.lastError())
                .hasValueSatisfying(m -> assertThat(m).contains("failing on purpose"));

        while (relay.pump("partial").read() > 0) {
            // drain
        }
        assertThat(sink.ids()).isEqualTo(ids(events));
        assertThat(relay.status("partial").orElseThrow().failures()).isZero();
        assertThat(relay.status("partial").orElseThrow().lastError()).isEmpty();
    }

    @Test
    void cursorsSurviveARestartOfTheRelayAndOfTheDatabase() {
        Path db = dir.resolve("cairn.db");
        RecordingSink first = new RecordingSink("audit");
        EventRelay relay = start(options().manual(true));
        relay.register(SinkRegistration.of("audit", first));
        RunId run = Runs.runId(random);
        List<EventEnvelope> events = Runs.run(run, 4);
        log.append(events.subList(0, 6));
        relay.pump("audit");
        assertThat(first.ids()).isEqualTo(ids(events.subList(0, 6)));
        relay.close();
        relays.remove(relay);
        assertThat(first.closed()).as("the relay closes the sinks it owns").isTrue();
        log.close();

        log = TestLog.open(db);
        log.append(events.subList(6, events.size()));
        RecordingSink second = new RecordingSink("audit");
        EventRelay again = start(options().manual(true));
        again.register(SinkRegistration.of("audit", second));
        assertThat(again.status("audit").orElseThrow().position()).isEqualTo(6);
        again.pump("audit");

        assertThat(second.ids()).isEqualTo(ids(events.subList(6, events.size())));
        assertThat(again.status("audit").orElseThrow().delivered()).isEqualTo(events.size());
    }

    @Test
    void eventsAcknowledgedButNotYetRecordedAreSentAgainIdentically() {
        // a crash after the sink's ack and before the cursor's commit: here the sink acks, then fails
        RecordingSink sink = new RecordingSink("again");
        EventRelay relay = start(options().manual(true));
        relay.register(SinkRegistration.of("again", new AckThenFail(sink)));
        RunId run = Runs.runId(random);
        List<EventEnvelope> events = Runs.run(run, 1);
        log.append(events);

        assertThat(relay.pump("again").failure()).isPresent();
        assertThat(relay.pump("again").failure()).isEmpty();

        List<EncodedEvent> received = sink.received();
        assertThat(received).hasSize(2 * events.size());
        assertThat(received.subList(0, events.size())).isEqualTo(received.subList(events.size(), received.size()));
        assertThat(received.subList(0, events.size())).isEqualTo(encode(events));
    }

    @Test
    void aSlowSinkDoesNotHoldBackTheOthers() {
        RecordingSink slow = new RecordingSink("slow").hold();
        RecordingSink fast = new RecordingSink("fast");
        EventRelay relay = start(options());
        relay.register(SinkRegistration.of("slow", slow));
        relay.register(SinkRegistration.of("fast", fast));

        List<EventEnvelope> committed = appendInterleavedRuns(3, 2);

        Await.until("the fast sink has everything", () -> fast.received().size() == committed.size());
        assertThat(slow.received()).isEmpty();
        assertThat(relay.status("slow").orElseThrow().behind()).isEqualTo(committed.size());
        slow.release();
        Await.until("the slow sink catches up", () -> slow.received().size() == committed.size());
        assertThat(slow.ids()).isEqualTo(fast.ids());
    }

    @Test
    void noEventLeavesBeforeItsTransactionCommits() throws Exception {
        RecordingSink sink = new RecordingSink("durable");
        EventRelay relay = start(options().manual(true));
        relay.register(SinkRegistration.of("durable", sink));
        RunId run = Runs.runId(random);
        List<EventEnvelope> events = Runs.run(run, 1);
        CountDownLatch appended = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Long> write = pool.submit(() -> log.db().write(tx -> {
                long head = tx.append(EventAppend.of(run, 0, events));
                appended.countDown();
                awaitQuietly(commit); // the transaction stays open: this test only
                return head;
            }));
            appended.await();
            assertThat(relay.pump("durable").read()).isZero();
            assertThat(sink.received()).isEmpty();
            commit.countDown();
            write.get();
        }
        assertThat(relay.pump("durable").acknowledged()).isEqualTo(events.size());

        // and a rolled-back append never leaves at all
        RunId doomed = Runs.runId(random);
        assertThatThrownBy(() -> log.db().write(tx -> {
                    tx.append(EventAppend.of(doomed, 0, Runs.run(doomed, 1)));
                    throw new IllegalStateException("rolled back");
                }))
                .hasMessage("rolled back");
        assertThat(relay.pump("durable").read()).isZero();
        assertThat(sink.ids()).isEqualTo(ids(events));
    }

    @Test
    void typeFiltersSelectEventsAndTheCursorPassesTheOthers() {
        RecordingSink sink = new RecordingSink("runs");
        EventRelay relay = start(options().manual(true));
        relay.register(new SinkRegistration(
                "runs",
                sink,
                new TypeFilter(List.of("dev.cairn.run.*", CairnEventTypes.TASK_LEASED)),
                StartFrom.BEGINNING));
        RunId run = Runs.runId(random);
        List<EventEnvelope> events = Runs.run(run, 2);
        log.append(events);

        PassResult result = relay.pump("runs");

        assertThat(result.read()).isEqualTo(events.size());
        assertThat(sink.received())
                .extracting(EncodedEvent::type)
                .containsExactly(
                        CairnEventTypes.RUN_STARTED,
                        CairnEventTypes.TASK_LEASED,
                        CairnEventTypes.TASK_LEASED,
                        CairnEventTypes.RUN_COMPLETED);
        SinkStatus status = relay.status("runs").orElseThrow();
        assertThat(status.position()).isEqualTo(events.size());
        assertThat(status.delivered()).isEqualTo(4);
        assertThat(relay.pump("runs").read()).isZero();
    }

    @Test
    void aNewSinkStartingNowSkipsTheHistoryOnlyTheFirstTime() {
        RunId old = Runs.runId(random);
        log.append(Runs.run(old, 1));
        EventRelay relay = start(options().manual(true));
        RecordingSink sink = new RecordingSink("live");
        relay.register(new SinkRegistration("live", sink, TypeFilter.ALL, StartFrom.NOW));
        assertThat(relay.pump("live").read()).isZero();
        RunId fresh = Runs.runId(random);
        List<EventEnvelope> freshEvents = Runs.run(fresh, 1);
        log.append(freshEvents);
        relay.pump("live");
        assertThat(sink.ids()).isEqualTo(ids(freshEvents));
        relay.close();
        relays.remove(relay);

        RunId later = Runs.runId(random);
        List<EventEnvelope> laterEvents = Runs.run(later, 1);
        log.append(laterEvents);
        EventRelay again = start(options().manual(true));
        RecordingSink resumed = new RecordingSink("live");
        again.register(new SinkRegistration("live", resumed, TypeFilter.ALL, StartFrom.NOW));
        again.pump("live");
        assertThat(resumed.ids()).as("NOW applies to a new cursor only").isEqualTo(ids(laterEvents));
    }

    @Test
    void perRunSinksFollowOneRunFromItsFirstEventResumeAfterARestartAndFinish() throws Exception {
        Path root = dir.resolve("run-events");
        RunId run = Runs.runId(random);
        RunId other = Runs.runId(random);
        List<EventEnvelope> events = Runs.run(run, 3);
        log.append(events.subList(0, 4));
        log.append(Runs.run(other, 1));
        EventSinkConfig config = EventSinkConfig.of("mine", SinkTarget.JsonLines.at(root.resolve(run + ".jsonl")));

        EventRelay relay = start(options().manual(true).runSinks(factory(root)));
        relay.subscribeRun(run, List.of(config));
        relay.subscribeRun(run, List.of(config)); // idempotent
        String key = EventRelay.runKey(run, "mine");
        relay.pump(key);
        assertThat(lines(root.resolve(run + ".jsonl"))).isEqualTo(texts(events.subList(0, 4)));
        relay.close();
        relays.remove(relay);

        log.append(events.subList(4, events.size()));
        EventRelay again = start(options().manual(true).runSinks(factory(root)));
        SinkStatus resumed = again.status(key).orElseThrow();
        assertThat(resumed.run()).contains(run);
        assertThat(resumed.position()).isEqualTo(4);
        assertThat(resumed.behind()).isEqualTo(events.size() - 4);
        again.pump(key);

        assertThat(lines(root.resolve(run + ".jsonl"))).isEqualTo(texts(events));
        SinkStatus done = again.status(key).orElseThrow();
        assertThat(done.finished()).isTrue();
        assertThat(done.behind()).isZero();
        assertThat(done.delivered()).isEqualTo(events.size());
        assertThat(again.status()).as("a finished sink's worker is gone").isEmpty();
        assertThatThrownBy(() -> again.pump(key)).isInstanceOf(IllegalArgumentException.class);
        again.close();
        relays.remove(again);

        EventRelay third = start(options().manual(true).runSinks(factory(root)));
        assertThat(third.status()).as("a finished per-run sink is not resumed").isEmpty();
        third.subscribeRun(run, List.of(config));
        assertThat(third.status()).as("nor restarted by subscribing again").isEmpty();
        assertThat(third.status(key).orElseThrow().finished()).isTrue();
        assertThat(lines(root.resolve(run + ".jsonl"))).hasSize(events.size());
    }

    @Test
    void perRunFilesOutsideTheAllowedRootAreRefusedAndNothingIsStored() {
        EventRelay relay = start(options().manual(true).runSinks(factory(dir.resolve("allowed"))));
        RunId run = Runs.runId(random);
        EventSinkConfig outside = EventSinkConfig.of("x", SinkTarget.JsonLines.at(dir.resolve("elsewhere.jsonl")));

        assertThatThrownBy(() -> relay.subscribeRun(run, List.of(outside)))
                .isInstanceOfSatisfying(SinkException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_sink_config");
                    assertThat(e.getMessage()).contains("must lie under").contains("allowed");
                });
        assertThat(relay.status()).isEmpty();
        EventRelay noFiles = start(options()
                .manual(true)
                .runSinks(new EventSinkFactory(SecretLookup.none(), InstantSource.system(), Optional.empty())));
        assertThatThrownBy(() -> noFiles.subscribeRun(run, List.of(outside)))
                .hasMessageContaining("does not allow runs to write event files");
    }

    @Test
    void theSourceAuthorityIsRecordedOnFirstStartAndKeptUnlessConfigured() {
        EventRelay first = start(RelayOptions.builder().manual(true));
        String recorded = first.mapper().authority();
        assertThat(CloudEventMapper.AUTHORITY.matcher(recorded).matches()).isTrue();
        first.close();
        relays.remove(first);

        EventRelay second = start(RelayOptions.builder().manual(true));
        assertThat(second.mapper().authority()).isEqualTo(recorded);
        second.close();
        relays.remove(second);

        EventRelay configured = start(RelayOptions.builder().manual(true).sourceAuthority("ci.example.com"));
        assertThat(configured.mapper().authority()).isEqualTo("ci.example.com");
        configured.close();
        relays.remove(configured);
        assertThat(start(RelayOptions.builder().manual(true)).mapper().authority())
                .isEqualTo("ci.example.com");
    }

    @Test
    void misuseIsRefusedWithAReason() {
        try (SqliteDatabase bare = SqliteDatabase.open(
                SqliteOptions.builder(dir.resolve("bare.db")).build())) {
            assertThatThrownBy(() -> EventRelay.start(bare, options().build()))
                    .isInstanceOfSatisfying(SinkException.class, e -> {
                        assertThat(e.code()).isEqualTo("sinks_schema_missing");
                        assertThat(e.hint()).contains("migrationModule(\"sinks\")");
                    });
        }
        EventRelay relay = start(options());
        relay.register(SinkRegistration.of("one", new RecordingSink("one")));
        assertThatThrownBy(() -> relay.register(SinkRegistration.of("one", new RecordingSink("one"))))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> relay.pump("one")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> relay.subscribeRun(Runs.runId(random), List.of()))
                .hasMessageContaining("runSinks");
        assertThatThrownBy(() -> SinkRegistration.of("Bad Name", new RecordingSink("x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ helpers

    private RelayOptions.Builder options() {
        return RelayOptions.builder()
                .sourceAuthority(AUTHORITY)
                .pollInterval(Duration.ofMillis(50))
                .retryBackoff(new Backoff(Duration.ofMillis(5), Duration.ofMillis(20)));
    }

    private EventRelay start(RelayOptions.Builder options) {
        EventRelay relay = EventRelay.start(log.db(), options.build());
        relays.add(relay);
        return relay;
    }

    private static EventSinkFactory factory(Path root) {
        return new EventSinkFactory(SecretLookup.none(), InstantSource.system(), Optional.of(root));
    }

    /** Appends {@code runs} runs of {@code states} states, their appends interleaved; returns commit order. */
    private List<EventEnvelope> appendInterleavedRuns(int runs, int states) {
        List<List<EventEnvelope>> logs = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            logs.add(Runs.run(Runs.runId(random), states));
        }
        List<EventEnvelope> order = new ArrayList<>();
        int[] next = new int[runs];
        boolean any = true;
        while (any) {
            any = false;
            for (int r = 0; r < runs; r++) {
                List<EventEnvelope> events = logs.get(r);
                if (next[r] < events.size()) {
                    int n = Math.min(events.size() - next[r], 1 + random.nextInt(3));
                    List<EventEnvelope> chunk = events.subList(next[r], next[r] + n);
                    log.append(chunk);
                    order.addAll(chunk);
                    next[r] += n;
                    any = true;
                }
            }
        }
        return order;
    }

    private static List<String> ids(List<EventEnvelope> events) {
        return events.stream()
                .map(e -> CloudEventMapper.eventId(e.runId(), e.seq()))
                .toList();
    }

    private static List<EncodedEvent> encode(List<EventEnvelope> events) {
        CloudEventMapper mapper = new CloudEventMapper(AUTHORITY);
        return events.stream().map(mapper::encode).toList();
    }

    private static List<String> texts(List<EventEnvelope> events) {
        return encode(events).stream().map(EncodedEvent::text).toList();
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A transport whose acknowledgement is lost: it delivers, then reports a failure. */
    private record AckThenFail(RecordingSink inner) implements DeliverySink {
        @Override
        public void deliver(List<EncodedEvent> events) {
            inner.deliver(events);
            if (inner.attempts() == 1) {
                throw SinkException.unreachable("again", "the ack was lost", null);
            }
        }

        @Override
        public String describe() {
            return inner.describe();
        }
    }
}
