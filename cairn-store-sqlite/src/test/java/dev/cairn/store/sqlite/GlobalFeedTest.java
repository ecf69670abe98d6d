package dev.cairn.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.RunId;
import dev.cairn.testkit.contract.SampleEvents;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log of every run in commit order ({@code eventsAfter}) and the append listener, for event sinks. */
class GlobalFeedTest {

    @TempDir
    Path dir;

    private SqliteDatabase db;
    private SqliteEventStore store;
    private Random random;

    @BeforeEach
    void open() {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        random = new Random(seed);
        db = SqliteDatabase.open(SqliteOptions.builder(dir.resolve("cairn.db")).build());
        store = new SqliteEventStore(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void eventsOfEveryRunReadBackInCommitOrderPageByPage() {
        RunId a = SampleEvents.runId(random);
        RunId b = SampleEvents.runId(random);
        store.append(a, 0, SampleEvents.envelopes(a, 1, 3));
        store.append(b, 0, SampleEvents.envelopes(b, 1, 2));
        store.append(a, 3, SampleEvents.envelopes(a, 4, 1));

        assertThat(db.read(SqlReader::headPosition)).isEqualTo(6);
        List<LoggedEvent> all = new ArrayList<>();
        long after = 0;
        for (List<LoggedEvent> page;
                !(page = readAfter(after, 2)).isEmpty();
                after = page.getLast().position()) {
            assertThat(page.size()).isLessThanOrEqualTo(2);
            all.addAll(page);
        }

        assertThat(all).extracting(LoggedEvent::position).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        List<EventEnvelope> expected = new ArrayList<>();
        expected.addAll(SampleEvents.envelopes(a, 1, 3));
        expected.addAll(SampleEvents.envelopes(b, 1, 2));
        expected.addAll(SampleEvents.envelopes(a, 4, 1));
        assertThat(all).extracting(LoggedEvent::envelope).isEqualTo(expected);
        assertThat(readAfter(6, 10)).isEmpty();
        assertThat(readAfter(4, 10)).extracting(LoggedEvent::position).containsExactly(5L, 6L);
    }

    @Test
    void rolledBackAppendsAreNeverSeenAndLaterOnesStillAre() {
        RunId a = SampleEvents.runId(random);
        store.append(a, 0, SampleEvents.envelopes(a, 1, 1));
        EventAppend doomed = EventAppend.of(a, 1, SampleEvents.envelopes(a, 2, 3));
        assertThatThrownBy(() -> db.write(tx -> {
                    tx.append(doomed);
                    throw new IllegalStateException("rolled back");
                }))
                .hasMessage("rolled back");
        store.append(a, 1, SampleEvents.envelopes(a, 2, 1));

        List<LoggedEvent> all = readAfter(0, 100);
        assertThat(all).extracting(e -> e.envelope().seq()).containsExactly(1L, 2L);
        assertThat(all.get(1).position()).isGreaterThan(all.get(0).position());
    }

    @Test
    void anUncommittedAppendIsInvisibleUntilItsTransactionCommits() throws Exception {
        RunId a = SampleEvents.runId(random);
        CountDownLatch appended = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Long> write = pool.submit(() -> db.write(tx -> {
                long head = tx.append(EventAppend.of(a, 0, SampleEvents.envelopes(a, 1, 2)));
                appended.countDown();
                await(release); // holds the transaction open, for this test only
                return head;
            }));
            appended.await();
            assertThat(readAfter(0, 10)).isEmpty();
            assertThat(db.read(SqlReader::headPosition)).isZero();
            release.countDown();
            assertThat(write.get()).isEqualTo(2);
        }
        assertThat(readAfter(0, 10)).hasSize(2);
    }

    @Test
    void listenersHearOfCommitsThatAppendedAndOnlyOfThoseUntilRemoved() {
        AtomicInteger heard = new AtomicInteger();
        SqliteDatabase.Subscription subscription = db.onEventsAppended(heard::incrementAndGet);
        SqliteDatabase.Subscription failing = db.onEventsAppended(() -> {
            throw new IllegalStateException("a broken listener");
        });
        RunId a = SampleEvents.runId(random);

        store.append(a, 0, SampleEvents.envelopes(a, 1, 2));
        assertThat(heard.get()).as("the listener ran before append returned").isEqualTo(1);

        db.write(tx -> tx.update("INSERT INTO cairn_store (key, value) VALUES ('test', 'x')"));
        assertThat(heard.get()).as("a commit without appends is not announced").isEqualTo(1);
        store.append(a, 2, List.of()); // an empty append writes nothing
        assertThat(heard.get()).isEqualTo(1);

        subscription.close();
        failing.close();
        store.append(a, 2, SampleEvents.envelopes(a, 3, 3));
        assertThat(heard.get()).isEqualTo(1);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> readAfter(-1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> readAfter(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Optional.of(db.read(SqlReader::headPosition))).contains(0L);
    }

    private List<LoggedEvent> readAfter(long after, int limit) {
        return db.read(r -> r.eventsAfter(after, limit));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
