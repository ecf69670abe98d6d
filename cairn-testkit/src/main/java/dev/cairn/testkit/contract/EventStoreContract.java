package dev.cairn.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.machine.errors.ErrorCodes;
import dev.cairn.machine.errors.StorageError;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.stores.EventSelection;
import dev.cairn.machine.stores.EventStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The {@link EventStore} contract as tests. Subclass it once per implementation (in your test
 * sources), return a fresh, empty store from {@link #createStore()}, and say whether the store keeps
 * its data across {@link #reopen reopening}. Every implementation Cairn ships runs this suite.
 *
 * <p>What it pins: heads start at 0; appends are optimistic, atomic and gap-free; stale or future
 * heads are {@code Concurrency}, malformed batches {@code invalid_append}; racing appenders on one
 * run get exactly one winner per head, while appends to different runs never interfere; reads honour
 * every bound and never show half an append; the paging additions agree with the seed's read;
 * interrupts leave the flag set and an append whole or absent. Random tests print their seed ({@link
 * Seeds}).
 */
public abstract class EventStoreContract {

    /** The store under test, fresh for each test. */
    protected EventStore store;

    private long seed;
    private Random random;

    /** A new, empty store. Called before each test. */
    protected abstract EventStore createStore() throws Exception;

    /**
     * Closes {@code store} and opens a new store over the same data, or returns empty for a store
     * that keeps nothing once closed (in memory). The durability tests are then reported as aborted
     * with that reason, never passed silently.
     */
    protected abstract Optional<EventStore> reopen(EventStore store) throws Exception;

    /** Releases a store after each test; the default closes it when it is {@link AutoCloseable}. */
    protected void closeStore(EventStore store) throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @BeforeEach
    void openStore(TestInfo test) throws Exception {
        seed = Seeds.seed(getClass().getSimpleName() + "." + test.getDisplayName());
        random = new Random(seed);
        store = createStore();
    }

    @AfterEach
    void releaseStore() throws Exception {
        Thread.interrupted(); // a failed interrupt test must not leak its flag into the next test
        if (store != null) {
            closeStore(store);
            store = null;
        }
    }

    /** This test's random source, seeded with the printed seed. */
    protected Random random() {
        return random;
    }

    /** A run id this test has not used. */
    protected RunId newRun() {
        return SampleEvents.runId(random);
    }

    /** Appends {@code count} sample envelopes to a new run and returns it. */
    protected RunId runWith(int count) {
        RunId run = newRun();
        if (count > 0) {
            assertThat(store.append(run, 0, SampleEvents.envelopes(run, 1, count)))
                    .isEqualTo(count);
        }
        return run;
    }

    // ------------------------------------------------------------------ head and append

    @Test
    void headOfAnUnknownRunIsZero() {
        assertThat(store.headSeq(newRun())).isZero();
    }

    @Test
    void appendReturnsTheNewHeadAndEnvelopesReadBackUnchanged() {
        RunId run = newRun();
        List<EventEnvelope> events = SampleEvents.envelopes(run, 1, 21); // every variant, three times

        assertThat(store.append(run, 0, events)).isEqualTo(21);

        assertThat(store.headSeq(run)).isEqualTo(21);
        assertThat(store.readRange(run, 1, Optional.empty())).containsExactlyElementsOf(events);
    }

    @Test
    void appendsContinueFromTheHead() {
        RunId run = newRun();
        List<EventEnvelope> all = SampleEvents.envelopes(run, 1, 10);

        assertThat(store.append(run, 0, all.subList(0, 1))).isEqualTo(1);
        assertThat(store.append(run, 1, all.subList(1, 4))).isEqualTo(4);
        assertThat(store.append(run, 4, all.subList(4, 10))).isEqualTo(10);

        assertThat(store.readRange(run, 0, Optional.empty())).containsExactlyElementsOf(all);
    }

    @Test
    void anEmptyAppendChecksTheHeadAndWritesNothing() {
        RunId run = runWith(3);

        assertThat(store.append(run, 3, List.of())).isEqualTo(3);
        assertThat(store.append(newRun(), 0, List.of())).isZero();
        StorageException stale = catchThrowableOfType(StorageException.class, () -> store.append(run, 2, List.of()));

        assertConcurrency(stale, run, 2, 3);
        assertThat(store.headSeq(run)).isEqualTo(3);
    }

    @Test
    void aStaleHeadIsAConcurrencyError() {
        RunId run = runWith(5);

        StorageException stale = catchThrowableOfType(
                StorageException.class, () -> store.append(run, 3, SampleEvents.envelopes(run, 4, 2)));

        assertConcurrency(stale, run, 3, 5);
        assertThat(store.readRange(run, 1, Optional.empty()))
                .containsExactlyElementsOf(SampleEvents.envelopes(run, 1, 5));
    }

    @Test
    void aHeadAheadOfTheLogIsAConcurrencyError() {
        RunId run = runWith(2);

        StorageException ahead = catchThrowableOfType(
                StorageException.class, () -> store.append(run, 4, SampleEvents.envelopes(run, 5, 1)));
        StorageException unknown = catchThrowableOfType(StorageException.class, () -> {
            RunId fresh = newRun();
            store.append(fresh, 1, SampleEvents.envelopes(fresh, 2, 1));
        });

        assertConcurrency(ahead, run, 4, 2);
        assertThat(unknown.error()).isInstanceOf(StorageError.Concurrency.class);
        assertThat(store.headSeq(run)).isEqualTo(2);
    }

    @Test
    void sequenceNumbersThatDoNotContinueTheHeadAreAnInvalidAppend() {
        RunId run = runWith(2);
        List<List<EventEnvelope>> malformed = List.of(
                SampleEvents.envelopes(run, 2, 1), // repeats the head
                SampleEvents.envelopes(run, 4, 1), // leaves a gap
                List.of(
                        SampleEvents.envelopes(run, 3, 1).get(0),
                        SampleEvents.envelopes(run, 5, 1).get(0)),
                List.of(
                        SampleEvents.envelopes(run, 3, 1).get(0),
                        SampleEvents.envelopes(run, 3, 1).get(0)));

        for (List<EventEnvelope> batch : malformed) {
            StorageException refused = catchThrowableOfType(StorageException.class, () -> store.append(run, 2, batch));
            assertInvalidAppend(refused, run);
        }
        assertThat(store.readRange(run, 1, Optional.empty()))
                .containsExactlyElementsOf(SampleEvents.envelopes(run, 1, 2));
    }

    @Test
    void anEnvelopeOfAnotherRunIsAnInvalidAppend() {
        RunId run = newRun();
        RunId other = newRun();
        List<EventEnvelope> batch = new ArrayList<>(SampleEvents.envelopes(run, 1, 2));
        batch.add(SampleEvents.envelopes(other, 3, 1).get(0));

        StorageException refused = catchThrowableOfType(StorageException.class, () -> store.append(run, 0, batch));

        assertInvalidAppend(refused, run);
        assertThat(store.headSeq(run)).isZero();
        assertThat(store.headSeq(other)).isZero();
    }

    @Test
    void aNegativeExpectedHeadIsAnInvalidAppend() {
        RunId run = newRun();

        StorageException refused = catchThrowableOfType(StorageException.class, () -> store.append(run, -1, List.of()));

        assertInvalidAppend(refused, run);
    }

    @Test
    void aFailedAppendLeavesNothingBehind() {
        RunId run = runWith(4);
        List<EventEnvelope> before = store.readRange(run, 1, Optional.empty());
        // the first envelope of each batch would fit; the batch as a whole does not
        List<EventEnvelope> halfValid = new ArrayList<>(SampleEvents.envelopes(run, 5, 3));
        halfValid.add(SampleEvents.envelopes(run, 9, 1).get(0));
        List<EventEnvelope> overlapping = SampleEvents.envelopes(run, 4, 3);

        assertThatThrownBy(() -> store.append(run, 4, halfValid)).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> store.append(run, 3, overlapping)).isInstanceOf(StorageException.class);

        assertThat(store.headSeq(run)).isEqualTo(4);
        assertThat(store.readRange(run, 1, Optional.empty())).containsExactlyElementsOf(before);
        assertThat(store.append(run, 4, SampleEvents.envelopes(run, 5, 2))).isEqualTo(6);
    }

    @Test
    void runsAreIndependent() {
        RunId a = runWith(3);
        RunId b = runWith(5);

        assertThat(store.append(a, 3, SampleEvents.envelopes(a, 4, 1))).isEqualTo(4);

        assertThat(store.headSeq(a)).isEqualTo(4);
        assertThat(store.headSeq(b)).isEqualTo(5);
        assertThat(store.readRange(b, 1, Optional.empty())).containsExactlyElementsOf(SampleEvents.envelopes(b, 1, 5));
    }

    @Test
    void aLargeAppendIsOneAtomicStep() {
        RunId run = newRun();
        List<EventEnvelope> many = SampleEvents.envelopes(run, 1, 5_000);

        assertThat(store.append(run, 0, many)).isEqualTo(5_000);

        assertThat(store.readRange(run, 4_990, Optional.empty())).containsExactlyElementsOf(many.subList(4_989, 5_000));
    }

    @Test
    void aLargeEventReadsBackUnchanged() {
        RunId run = newRun();
        EventEnvelope large = SampleEvents.large(run, 1, 1 << 20);

        store.append(run, 0, List.of(large));

        assertThat(store.readRange(run, 1, Optional.of(1L))).containsExactly(large);
    }

    // ------------------------------------------------------------------ reads

    @Test
    void readRangeHonoursEveryBound() {
        RunId run = runWith(10);
        record Case(long from, Optional<Long> to, List<Long> seqs) {}
        List<Case> cases = List.of(
                new Case(0, Optional.empty(), seqs(1, 10)),
                new Case(1, Optional.empty(), seqs(1, 10)),
                new Case(4, Optional.empty(), seqs(4, 10)),
                new Case(10, Optional.empty(), seqs(10, 10)),
                new Case(11, Optional.empty(), List.of()),
                new Case(1_000, Optional.empty(), List.of()),
                new Case(0, Optional.of(0L), List.of()),
                new Case(1, Optional.of(1L), seqs(1, 1)),
                new Case(3, Optional.of(7L), seqs(3, 7)),
                new Case(5, Optional.of(5L), seqs(5, 5)),
                new Case(7, Optional.of(3L), List.of()),
                new Case(8, Optional.of(1_000L), seqs(8, 10)),
                new Case(11, Optional.of(20L), List.of()),
                new Case(0, Optional.of(Long.MAX_VALUE), seqs(1, 10)));

        for (Case c : cases) {
            assertThat(store.readRange(run, c.from(), c.to()))
                    .as("readRange(%d, %s)", c.from(), c.to())
                    .extracting(EventEnvelope::seq)
                    .containsExactlyElementsOf(c.seqs());
        }
    }

    @Test
    void readsOfAnUnknownRunAreEmpty() {
        RunId unknown = newRun();

        assertThat(store.readRange(unknown, 0, Optional.empty())).isEmpty();
        assertThat(store.readRange(unknown, 1, Optional.of(10L), 5)).isEmpty();
        assertThat(store.stream(unknown, 0, 3)).isEmpty();
    }

    @Test
    void pagedReadsWalkTheLogInPages() {
        RunId run = runWith(10);
        List<List<Long>> pages = new ArrayList<>();

        for (long from = 1; ; ) {
            List<EventEnvelope> page = store.readRange(run, from, Optional.empty(), 3);
            pages.add(page.stream().map(EventEnvelope::seq).toList());
            if (page.size() < 3) {
                break;
            }
            from = page.get(page.size() - 1).seq() + 1;
        }

        assertThat(pages).containsExactly(seqs(1, 3), seqs(4, 6), seqs(7, 9), seqs(10, 10));
    }

    @Test
    void aPagedReadStopsAtToSeqAndThePageSize() {
        RunId run = runWith(10);

        assertThat(store.readRange(run, 0, Optional.of(2L), 5))
                .extracting(EventEnvelope::seq)
                .containsExactly(1L, 2L);
        assertThat(store.readRange(run, 4, Optional.of(9L), 3))
                .extracting(EventEnvelope::seq)
                .containsExactly(4L, 5L, 6L);
        assertThat(store.readRange(run, 9, Optional.of(4L), 3)).isEmpty();
        assertThat(store.readRange(run, 11, Optional.empty(), 3)).isEmpty();
        assertThat(store.readRange(run, 1, Optional.empty(), Integer.MAX_VALUE)).hasSize(10);
        assertThat(store.readRange(run, Long.MAX_VALUE, Optional.empty(), 2)).isEmpty();
    }

    @Test
    void pagedReadsRefuseABadPageOrStart() {
        RunId run = runWith(1);

        assertThatThrownBy(() -> store.readRange(run, 1, Optional.empty(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
        assertThatThrownBy(() -> store.readRange(run, -1, Optional.empty(), 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fromSeq");
        assertThatThrownBy(() -> store.stream(run, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pageSize");
        assertThatThrownBy(() -> store.stream(run, -1, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fromSeq");
    }

    @Test
    void aStreamReadsTheWholeLogOverSeveralPages() {
        RunId run = newRun();
        List<EventEnvelope> all = SampleEvents.envelopes(run, 1, 25);
        store.append(run, 0, all);

        assertThat(store.stream(run, 0, 4)).containsExactlyElementsOf(all);
        assertThat(store.stream(run, 10, 4)).containsExactlyElementsOf(all.subList(9, 25));
        assertThat(store.stream(run, 1, 25)).containsExactlyElementsOf(all);
        assertThat(store.stream(run, 1, 5)).containsExactlyElementsOf(all); // an exact multiple of the page
        assertThat(store.stream(run, 26, 4)).isEmpty();
    }

    @Test
    void aSelectiveStreamReturnsExactlyTheSelectedEventsInOrder() {
        RunId run = newRun();
        List<EventEnvelope> all = SampleEvents.envelopes(run, 1, 40);
        store.append(run, 0, all);
        Set<String> names = new HashSet<>();
        all.stream()
                .filter(e -> e.event() instanceof Event.Domain)
                .limit(2)
                .forEach(e -> names.add(((Event.Domain) e.event()).event().name()));
        assertThat(names).as("the samples hold domain events").isNotEmpty();

        for (EventSelection selection : List.of(
                EventSelection.ALL,
                EventSelection.kernelAnd(Set.of()),
                EventSelection.kernelAnd(names),
                new EventSelection(false, false, names),
                new EventSelection(false, true, Set.of()))) {
            for (long from : new long[] {0, 7}) {
                List<EventEnvelope> expected = all.stream()
                        .filter(e -> e.seq() >= from && selection.selects(e.event()))
                        .toList();
                assertThat(store.stream(run, from, 3, selection))
                        .as("%s from %d", selection, from)
                        .containsExactlyElementsOf(expected);
            }
        }
    }

    // ------------------------------------------------------------------ concurrency

    @Test
    void racingAppendersOnOneRunGetExactlyOneWinnerPerHead() throws Exception {
        RunId run = newRun();
        int writers = 16;
        int rounds = 40;
        Map<Long, Integer> winners = new ConcurrentHashMap<>();
        AtomicInteger conflicts = new AtomicInteger();
        CyclicBarrier everyoneAtTheSameHead = new CyclicBarrier(writers);

        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(threads.submit(() -> {
                    try {
                        for (long head = 0; head < rounds; head++) {
                            everyoneAtTheSameHead.await();
                            try {
                                store.append(run, head, List.of(byWriter(run, head + 1, writer)));
                                Integer earlier = winners.putIfAbsent(head, writer);
                                assertThat(earlier)
                                        .as("second winner at head %d", head)
                                        .isNull();
                            } catch (StorageException lost) {
                                assertThat(lost.error()).isInstanceOf(StorageError.Concurrency.class);
                                conflicts.incrementAndGet();
                            }
                        }
                        return null;
                    } catch (Throwable failed) {
                        everyoneAtTheSameHead.reset(); // release the other writers instead of leaving them waiting
                        throw failed;
                    }
                }));
            }
            awaitAll(done);
        }

        assertThat(winners).hasSize(rounds);
        assertThat(conflicts).hasValue(rounds * (writers - 1));
        assertThat(store.headSeq(run)).isEqualTo(rounds);
        List<EventEnvelope> log = store.readRange(run, 1, Optional.empty());
        assertThat(log).extracting(EventEnvelope::seq).containsExactlyElementsOf(seqs(1, rounds));
        for (EventEnvelope e : log) {
            assertThat(e).isEqualTo(byWriter(run, e.seq(), winners.get(e.seq() - 1)));
        }
    }

    @Test
    void manyRunsAppendInParallelWithoutInterfering() throws Exception {
        int runs = 48;
        Map<RunId, List<Integer>> batches = new ConcurrentHashMap<>();
        for (int i = 0; i < runs; i++) {
            List<Integer> sizes = new ArrayList<>();
            for (int b = 0, n = 5 + random.nextInt(20); b < n; b++) {
                sizes.add(1 + random.nextInt(6));
            }
            batches.put(newRun(), sizes);
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger consistentReads = new AtomicInteger();

        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> writers = new ArrayList<>();
            for (Map.Entry<RunId, List<Integer>> run : batches.entrySet()) {
                writers.add(threads.submit(() -> {
                    long head = 0;
                    for (int size : run.getValue()) {
                        long next =
                                store.append(run.getKey(), head, SampleEvents.envelopes(run.getKey(), head + 1, size));
                        assertThat(next).isEqualTo(head + size);
                        head = next;
                    }
                    return null;
                }));
            }
            // a reader never sees half of an append: every log it reads ends at a batch boundary
            Future<?> reader = threads.submit(() -> {
                List<RunId> ids = List.copyOf(batches.keySet());
                Random readerRandom = new Random(seed + 1);
                do {
                    RunId run = ids.get(readerRandom.nextInt(ids.size()));
                    List<EventEnvelope> log = store.readRange(run, 1, Optional.empty());
                    assertThat(boundaries(batches.get(run))).contains((long) log.size());
                    assertThat(log).containsExactlyElementsOf(SampleEvents.envelopes(run, 1, log.size()));
                    consistentReads.incrementAndGet();
                } while (writing.get());
                return null;
            });
            try {
                for (Future<?> f : writers) {
                    f.get();
                }
            } finally {
                writing.set(false);
            }
            reader.get();
        }

        assertThat(consistentReads).hasPositiveValue();
        for (Map.Entry<RunId, List<Integer>> run : batches.entrySet()) {
            int total = run.getValue().stream().mapToInt(Integer::intValue).sum();
            assertThat(store.headSeq(run.getKey())).isEqualTo(total);
            assertThat(store.readRange(run.getKey(), 0, Optional.empty()))
                    .containsExactlyElementsOf(SampleEvents.envelopes(run.getKey(), 1, total));
        }
    }

    // ------------------------------------------------------------------ interrupts

    @Test
    void anInterruptedAppendHappensEntirelyOrNotAtAllAndKeepsTheFlag() {
        RunId run = runWith(2);
        List<EventEnvelope> batch = SampleEvents.envelopes(run, 3, 4);

        Thread.currentThread().interrupt();
        Optional<Long> returned;
        StorageException refused = null;
        try {
            returned = Optional.of(store.append(run, 2, batch));
        } catch (StorageException e) {
            returned = Optional.empty();
            refused = e;
        }
        boolean flagKept = Thread.interrupted();

        assertThat(flagKept).as("interrupt flag after append").isTrue();
        if (returned.isPresent()) {
            assertThat(returned).contains(6L);
            assertThat(store.readRange(run, 3, Optional.empty())).containsExactlyElementsOf(batch);
        } else {
            assertThat(refused.code()).isEqualTo(ErrorCodes.CODE_INTERRUPTED);
            assertThat(refused.retryable()).isTrue();
            long head = store.headSeq(run);
            assertThat(head).as("an interrupted append is whole or absent").isIn(2L, 6L);
            assertThat(store.readRange(run, 1, Optional.empty()))
                    .containsExactlyElementsOf(SampleEvents.envelopes(run, 1, (int) head));
        }
    }

    @Test
    void interruptedReadsAnswerOrRefuseAndKeepTheFlag() {
        RunId run = runWith(3);

        for (int op = 0; op < 3; op++) {
            Thread.currentThread().interrupt();
            try {
                switch (op) {
                    case 0 -> assertThat(store.headSeq(run)).isEqualTo(3);
                    case 1 ->
                        assertThat(store.readRange(run, 1, Optional.empty())).hasSize(3);
                    default ->
                        assertThat(store.readRange(run, 1, Optional.empty(), 2)).hasSize(2);
                }
            } catch (StorageException refused) {
                assertThat(refused.code()).isEqualTo(ErrorCodes.CODE_INTERRUPTED);
            }
            assertThat(Thread.interrupted())
                    .as("interrupt flag after read %d", op)
                    .isTrue();
        }
    }

    // ------------------------------------------------------------------ durability

    @Test
    void eventsSurviveReopeningTheStore() throws Exception {
        RunId run = runWith(7);
        RunId other = runWith(2);

        Optional<EventStore> reopened = reopen(store);
        Assumptions.assumeTrue(
                reopened.isPresent(), getClass().getSimpleName() + " declares a store that keeps nothing once closed");
        store = reopened.get();

        assertThat(store.headSeq(run)).isEqualTo(7);
        assertThat(store.readRange(run, 1, Optional.empty()))
                .containsExactlyElementsOf(SampleEvents.envelopes(run, 1, 7));
        assertThat(store.readRange(other, 1, Optional.empty()))
                .containsExactlyElementsOf(SampleEvents.envelopes(other, 1, 2));
        assertThat(store.append(run, 7, SampleEvents.envelopes(run, 8, 1))).isEqualTo(8);
    }

    // ------------------------------------------------------------------ helpers

    /** Asserts a {@code Concurrency} error naming the run and both heads. */
    protected static void assertConcurrency(StorageException e, RunId run, long expected, long actual) {
        assertThat(e).as("expected a concurrency failure").isNotNull();
        assertThat(e.error()).isInstanceOf(StorageError.Concurrency.class);
        assertThat(e.code()).isEqualTo(ErrorCodes.CODE_EVENT_STORE_CONCURRENCY);
        assertThat(e.retryable()).isFalse();
        assertThat(e.info().details()).hasValueSatisfying(d -> {
            assertThat(d.get("run_id").asText()).isEqualTo(run.toString());
            assertThat(d.get("expected_seq").asLong()).isEqualTo(expected);
            assertThat(d.get("actual_seq").asLong()).isEqualTo(actual);
        });
    }

    /** Asserts an {@code invalid_append} error naming the run. */
    protected static void assertInvalidAppend(StorageException e, RunId run) {
        assertThat(e).as("expected an invalid_append failure").isNotNull();
        assertThat(e.error()).isInstanceOf(StorageError.Other.class);
        assertThat(e.code()).isEqualTo(ErrorCodes.CODE_INVALID_APPEND);
        assertThat(e.getMessage()).contains(run.toString());
        assertThat(e.hint()).isNotBlank();
    }

    /** Waits for every task and rethrows the first real failure (not a writer released by it). */
    private static void awaitAll(List<Future<?>> tasks) throws Exception {
        ExecutionException first = null;
        for (Future<?> task : tasks) {
            try {
                task.get();
            } catch (ExecutionException e) {
                if (first == null || first.getCause() instanceof BrokenBarrierException) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static EventEnvelope byWriter(RunId run, long seq, int writer) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("writer", writer);
        return new EventEnvelope(run, seq, Optional.empty(), new Event.Domain(DomainEvent.of("race", payload)));
    }

    private static List<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private static Set<Long> boundaries(List<Integer> sizes) {
        List<Long> out = new ArrayList<>(List.of(0L));
        for (int size : sizes) {
            out.add(out.get(out.size() - 1) + size);
        }
        return out.stream().collect(Collectors.toSet());
    }
}
