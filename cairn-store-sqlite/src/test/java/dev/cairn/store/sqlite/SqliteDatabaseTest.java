package dev.cairn.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.machine.errors.StorageError;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.testkit.contract.SampleEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database under the event store: group commit, shared transactions, interrupts, the seam. */
class SqliteDatabaseTest {

    @TempDir
    Path dir;

    private SqliteDatabase db;
    private final Random random = new Random(7);

    @BeforeEach
    void open() {
        // The tests that arrange batches hold the writer in a callback while others queue; with no
        // late join, what queued waits for the next transaction whenever the holder lets go.
        db = SqliteDatabase.open(SqliteOptions.builder(dir.resolve("cairn.db"))
                .migrationModule("testderived")
                .lateJoin(Duration.ZERO)
                .build());
    }

    @AfterEach
    void close() {
        Thread.interrupted();
        db.close();
    }

    @Test
    void aNewDatabaseGetsTheOptionsPageSizeAndAnExistingOneKeepsItsOwn() {
        assertThat(pageSize(db)).isEqualTo(SqliteOptions.DEFAULT_NEW_PAGE_SIZE);

        // a database created with 8 KiB pages (as Cairn's default was for a while) keeps them, and its rows
        Path older = dir.resolve("older.db");
        assertThat(SqliteOptions.DEFAULT_NEW_PAGE_SIZE).isNotEqualTo(8192); // else this shows nothing
        RunId run = SampleEvents.runId(random);
        try (SqliteDatabase first = SqliteDatabase.open(
                SqliteOptions.builder(older).newPageSize(8192).build())) {
            assertThat(pageSize(first)).isEqualTo(8192);
            first.write(tx -> tx.append(EventAppend.of(run, 0, SampleEvents.envelopes(run, 1, 3))));
        }
        try (SqliteDatabase again =
                SqliteDatabase.open(SqliteOptions.builder(older).build())) {
            assertThat(pageSize(again)).isEqualTo(8192);
            Optional<Long> rows = again.read(r ->
                    r.queryOne("SELECT count(*) FROM events WHERE run_id = ?", row -> row.getLong(1), run.toString()));
            assertThat(rows).contains(3L);
        }
        assertThatThrownBy(() -> SqliteOptions.builder(older).newPageSize(5000).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("new_page_size");
    }

    private static long pageSize(SqliteDatabase database) {
        return database.read(r -> r.queryOne("PRAGMA page_size", row -> row.getLong(1)))
                .orElseThrow();
    }

    @Test
    void anAppendAndADerivedRowCommitTogether() {
        RunId run = SampleEvents.runId(random);
        EventAppend append = EventAppend.of(run, 0, SampleEvents.envelopes(run, 1, 3));

        long head = db.write(tx -> {
            long next = tx.append(append);
            tx.update("INSERT INTO test_runs (run_id, head) VALUES (?, ?)", run.toString(), next);
            return next;
        });

        assertThat(head).isEqualTo(3);
        assertThat(indexedHead(run)).contains(3L);
        assertThat(head(run)).isEqualTo(3);
    }

    @Test
    void aCallbackThatThrowsLeavesNothingBehind() {
        RunId run = SampleEvents.runId(random);
        EventAppend append = EventAppend.of(run, 0, SampleEvents.envelopes(run, 1, 3));

        assertThatThrownBy(() -> db.write(tx -> {
                    tx.append(append);
                    tx.update("INSERT INTO test_runs (run_id, head) VALUES (?, ?)", run.toString(), 3);
                    throw new IllegalStateException("the derived update found something wrong");
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the derived update found something wrong");

        assertThat(head(run)).isZero();
        assertThat(indexedHead(run)).isEmpty();
    }

    @Test
    void aCallbackMayCatchAConflictAndCommitTheRest() {
        RunId run = SampleEvents.runId(random);
        db.write(tx -> tx.append(EventAppend.of(run, 0, SampleEvents.envelopes(run, 1, 2))));
        EventAppend stale = EventAppend.of(run, 1, SampleEvents.envelopes(run, 2, 1));

        String outcome = db.write(tx -> {
            try {
                tx.append(stale);
                return "appended";
            } catch (StorageException e) {
                tx.update("INSERT INTO test_runs (run_id, head, note) VALUES (?, ?, ?)", run.toString(), 2, e.code());
                return e.code();
            }
        });

        assertThat(outcome).isEqualTo("event_store_concurrency");
        assertThat(db.<Optional<String>>read(r -> r.queryOne(
                        "SELECT note FROM test_runs WHERE run_id = ?", row -> row.getString(1), run.toString())))
                .contains("event_store_concurrency");
        assertThat(head(run)).isEqualTo(2);
    }

    @Test
    void concurrentWritesShareOneTransactionAndAFailureStaysItsOwn() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<RunId> runs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            runs.add(SampleEvents.runId(random));
        }
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> blocker = holdWriter(threads, release);
            WriteCounters before = db.writeCounters();
            List<Future<Long>> appends = new ArrayList<>();
            for (RunId run : runs) {
                EventAppend append = EventAppend.of(run, 0, SampleEvents.envelopes(run, 1, 2));
                appends.add(threads.submit(() -> db.write(tx -> tx.append(append))));
            }
            Future<Object> failing = threads.submit(() -> db.write(tx -> {
                tx.update("INSERT INTO test_runs (run_id, head) VALUES ('failing', 1)");
                throw new IllegalArgumentException("this one fails");
            }));
            awaitQueued(6);

            release.countDown();
            blocker.get();
            for (Future<Long> append : appends) {
                assertThat(append.get()).isEqualTo(2);
            }
            assertThatThrownBy(failing::get)
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IllegalArgumentException.class);
            WriteCounters after = db.writeCounters();

            assertThat(after.transactions() - before.transactions())
                    .as("transactions: the blocker's, then one for the six")
                    .isEqualTo(2);
            assertThat(after.callbacks() - before.callbacks())
                    .as("callbacks carried")
                    .isEqualTo(7);
        }
        for (RunId run : runs) {
            assertThat(head(run)).isEqualTo(2);
        }
        assertThat(indexedHead("failing")).isEmpty();
    }

    @Test
    void writesQueuedWhileATransactionRunsJoinItWithWhatTheirCallersStaged() throws Exception {
        try (SqliteDatabase late = SqliteDatabase.open(SqliteOptions.builder(dir.resolve("late.db"))
                        .migrationModule("testderived")
                        .lateJoin(Duration.ofMinutes(1))
                        .build());
                SqliteBlobTable blobs = SqliteBlobTable.open(late);
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch writerBusy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<?> holder = threads.submit(() -> late.write(tx -> {
                tx.update("INSERT INTO test_runs (run_id, head) VALUES ('holder', 1)");
                writerBusy.countDown();
                awaitUninterruptibly(release);
                return null;
            }));
            writerBusy.await();
            WriteCounters before = late.writeCounters();
            // staged after the holder's transaction began, then written by a write queued behind it
            ArtifactId staged = blobs.stage("staged while the transaction ran".getBytes(StandardCharsets.UTF_8));
            Future<?> joiner = threads.submit(() -> late.write(tx -> {
                tx.update("INSERT INTO test_runs (run_id, head) VALUES ('joiner', 1)");
                return null;
            }));
            while (late.queuedWrites() < 1) {
                Thread.sleep(1);
            }

            release.countDown();
            holder.get();
            joiner.get();
            WriteCounters after = late.writeCounters();

            assertThat(after.transactions() - before.transactions())
                    .as("one transaction: the holder's, which took the write queued while it ran")
                    .isEqualTo(1);
            assertThat(after.callbacks() - before.callbacks()).isEqualTo(2);
            Optional<Long> stored = late.read(
                    r -> r.queryOne("SELECT count(*) FROM blobs WHERE id = ?", row -> row.getLong(1), staged.value()));
            assertThat(stored)
                    .as("the blob its caller staged before queueing it committed with it")
                    .contains(1L);
            assertThat(blobs.isStaged(staged)).isFalse();
        }
    }

    @Test
    void aTransactionTakesNoLateWritesPastItsWindowNorPastItsBatch() throws Exception {
        for (boolean windowPassed : new boolean[] {true, false}) {
            try (SqliteDatabase late = SqliteDatabase.open(SqliteOptions.builder(dir.resolve(windowPassed + ".db"))
                            .migrationModule("testderived")
                            .lateJoin(windowPassed ? Duration.ofMillis(1) : Duration.ofMinutes(1))
                            .maxBatch(windowPassed ? 512 : 2)
                            .build());
                    ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                CountDownLatch writerBusy = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                Future<?> holder = threads.submit(() -> late.write(tx -> {
                    writerBusy.countDown();
                    awaitUninterruptibly(release);
                    if (windowPassed) {
                        sleepUninterruptibly(Duration.ofMillis(5)); // past the 1 ms window from BEGIN
                    }
                    return null;
                }));
                writerBusy.await();
                WriteCounters before = late.writeCounters();
                List<Future<?>> queued = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    String run = "queued-" + i;
                    queued.add(threads.submit(() ->
                            late.write(tx -> tx.update("INSERT INTO test_runs (run_id, head) VALUES (?, 1)", run))));
                }
                while (late.queuedWrites() < 3) {
                    Thread.sleep(1);
                }

                release.countDown();
                holder.get();
                for (Future<?> write : queued) {
                    write.get();
                }

                assertThat(late.writeCounters().transactions() - before.transactions())
                        .as(
                                windowPassed
                                        ? "the holder's transaction alone, then one for the three"
                                        : "the holder's with one of them (a batch of 2), then one for the other two")
                        .isEqualTo(2);
                Optional<Long> written = late.read(r -> r.queryOne(
                        "SELECT count(*) FROM test_runs WHERE run_id LIKE 'queued-%'", row -> row.getLong(1)));
                assertThat(written).contains(3L);
            }
        }
    }

    @Test
    void afterCommitActionsRunOnceCommittedAndOnlyForCallbacksThatCommitted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> told = Collections.synchronizedList(new ArrayList<>());
        List<String> seenByActions = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> blocker = holdWriter(threads, release);
            Future<?> first = threads.submit(() -> db.write(tx -> {
                tx.update("INSERT INTO test_runs (run_id, head) VALUES ('first', 1)");
                tx.afterCommit(() -> told.add("first"));
                tx.afterCommit(() -> told.add("first, again"));
                return null;
            }));
            awaitQueued(1);
            Future<?> failing = threads.submit(() -> db.write(tx -> {
                tx.update("INSERT INTO test_runs (run_id, head) VALUES ('failing', 1)");
                tx.afterCommit(() -> told.add("failing"));
                throw new IllegalStateException("rolled back to its savepoint");
            }));
            awaitQueued(2);
            Future<?> second = threads.submit(() -> db.write(tx -> {
                tx.update("INSERT INTO test_runs (run_id, head) VALUES ('second', 1)");
                tx.afterCommit(() -> {
                    // committed before the action runs: a reader sees the rows
                    seenByActions.add(String.valueOf(indexedHead("second").isPresent()));
                    told.add("second");
                });
                return null;
            }));
            awaitQueued(3);
            WriteCounters before = db.writeCounters();

            release.countDown();
            blocker.get();
            first.get();
            second.get();
            assertThatThrownBy(failing::get).hasCauseInstanceOf(IllegalStateException.class);
            assertThat(db.writeCounters().transactions() - before.transactions())
                    .as("the blocker's transaction, then one for the three")
                    .isEqualTo(2);
        }
        assertThat(told)
                .as("in the order registered, none of the rolled-back callback's")
                .containsExactly("first", "first, again", "second");
        assertThat(seenByActions).containsExactly("true");
        assertThat(indexedHead("failing")).isEmpty();
    }

    @Test
    void afterCommitActionsOfATransactionThatRollsBackNeverRun() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> told = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> blocker = holdWriter(threads, release);
            Future<?> released = threads.submit(() -> db.write(tx -> {
                tx.update("INSERT INTO test_runs (run_id, head) VALUES ('lost', 1)");
                tx.afterCommit(() -> told.add("lost"));
                return null;
            }));
            awaitQueued(1);
            // then the transaction is lost under the batch (as SQLite does on an I/O error), after the
            // first callback's savepoint was released
            Future<?> breaking = threads.submit(() -> db.write(tx -> tx.update("ROLLBACK TRANSACTION")));
            awaitQueued(2);

            release.countDown();
            blocker.get();
            for (Future<?> lost : List.of(released, breaking)) {
                assertThatThrownBy(lost::get)
                        .isInstanceOf(ExecutionException.class)
                        .cause()
                        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code())
                                .isEqualTo("storage_unavailable"));
            }
        }
        assertThat(told).isEmpty();
        assertThat(indexedHead("lost")).isEmpty();

        db.write(tx -> {
            tx.update("INSERT INTO test_runs (run_id, head) VALUES ('kept', 1)");
            tx.afterCommit(() -> told.add("kept"));
            return null;
        });
        assertThat(told).containsExactly("kept");
        assertThat(indexedHead("kept")).contains(1L);
    }

    /**
     * A write answered before its commit: its caller has the result while the transaction is still
     * open (a rider holds the commit), readers see nothing until it commits, and its after-commit
     * actions run once it has; a result the caller's test refuses is answered after the commit, as
     * {@code write} answers.
     */
    @Test
    void aWriteMayBeAnsweredBeforeItsTransactionCommits() throws Exception {
        CountDownLatch atCommit = new CountDownLatch(1);
        CountDownLatch commitMayGo = new CountDownLatch(1);
        AtomicBoolean hold = new AtomicBoolean(true);
        List<String> told = Collections.synchronizedList(new ArrayList<>());
        try (SqliteDatabase.Subscription rider = db.carry(tx -> {
                    if (hold.getAndSet(false)) {
                        atCommit.countDown();
                        awaitUninterruptibly(commitMayGo);
                    }
                    return null;
                });
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> early = answeredEarly(threads, told, "lost");
            try {
                assertThat(atCommit.await(30, TimeUnit.SECONDS)).isTrue();
                assertThat(early.get(30, TimeUnit.SECONDS))
                        .as("answered while the rider holds the commit")
                        .isEqualTo("answered");
                assertThat(indexedHead("early")).as("not committed yet").isEmpty();
                assertThat(told).isEmpty();
            } finally {
                commitMayGo.countDown();
            }
            db.write(tx -> null); // the next transaction: the early one has committed
            assertThat(indexedHead("early")).contains(1L);
            assertThat(told).containsExactly("committed");

            CountDownLatch atSecondCommit = new CountDownLatch(1);
            CountDownLatch secondMayGo = new CountDownLatch(1);
            try (SqliteDatabase.Subscription second = db.carry(tx -> {
                atSecondCommit.countDown();
                awaitUninterruptibly(secondMayGo);
                return null;
            })) {
                Future<String> refused = threads.submit(() -> db.writeAnsweredBeforeCommit(
                        tx -> {
                            tx.update("INSERT INTO test_runs (run_id, head) VALUES ('late', 1)");
                            return "after the commit";
                        },
                        result -> false,
                        () -> told.add("lost")));
                try {
                    assertThat(atSecondCommit.await(30, TimeUnit.SECONDS)).isTrue();
                    Thread.sleep(200);
                    assertThat(refused).as("held with its commit").isNotDone();
                } finally {
                    secondMayGo.countDown();
                }
                assertThat(refused.get(30, TimeUnit.SECONDS)).isEqualTo("after the commit");
                assertThat(indexedHead("late")).as("durable once answered").contains(1L);
            }
        }
        assertThat(told).containsExactly("committed");
    }

    /**
     * A write answered before a commit that is then lost: its result stands (the caller already has
     * it), nothing of it is stored, its after-commit actions never run and its {@code ifLost} runs,
     * before the next transaction; one whose callback throws is rolled back and never told lost.
     */
    @Test
    void aWriteAnsweredBeforeALostCommitIsToldItWasLost() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> told = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> blocker = holdWriter(threads, release);
            Future<String> early = answeredEarly(threads, told, "early lost");
            awaitQueued(1);
            Future<String> throwing = threads.submit(() -> db.writeAnsweredBeforeCommit(
                    tx -> {
                        tx.update("INSERT INTO test_runs (run_id, head) VALUES ('throwing', 1)");
                        throw new IllegalStateException("rolled back to its savepoint");
                    },
                    result -> true,
                    () -> told.add("throwing lost")));
            awaitQueued(2);
            // the transaction is lost under the batch, as SQLite does on an I/O error
            Future<?> breaking = threads.submit(() -> db.write(tx -> tx.update("ROLLBACK TRANSACTION")));
            awaitQueued(3);

            release.countDown();
            blocker.get();
            assertThat(early.get()).isEqualTo("answered");
            assertThatThrownBy(breaking::get).cause().isInstanceOfSatisfying(StorageException.class, e -> assertThat(
                            e.code())
                    .isEqualTo("storage_unavailable"));
            assertThatThrownBy(throwing::get).isInstanceOf(ExecutionException.class);
        }
        assertThat(told).as("told once, by the lost batch").containsExactly("early lost");
        assertThat(indexedHead("early")).isEmpty();
        assertThat(indexedHead("throwing")).isEmpty();
        db.write(tx -> tx.update("INSERT INTO test_runs (run_id, head) VALUES ('kept', 1)"));
        assertThat(indexedHead("kept")).contains(1L);
        assertThat(told).containsExactly("early lost");
    }

    @Test
    void afterCommitIsOnlyForWriteCallbacks() {
        assertThatThrownBy(() -> db.read(r -> {
                    ((SqlTransaction) r).afterCommit(() -> {});
                    return null;
                }))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aWriteInterruptedWhileQueuedIsWithdrawnAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RunId withdrawn = SampleEvents.runId(random);
        RunId kept = SampleEvents.runId(random);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagAfter = new AtomicBoolean();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> blocker = holdWriter(threads, release);
            EventAppend first = EventAppend.of(withdrawn, 0, SampleEvents.envelopes(withdrawn, 1, 1));
            Thread appender = Thread.ofVirtual().start(() -> {
                try {
                    db.write(tx -> tx.append(first));
                } catch (Throwable t) {
                    thrown.set(t);
                }
                flagAfter.set(Thread.currentThread().isInterrupted());
            });
            awaitQueued(1);
            EventAppend second = EventAppend.of(kept, 0, SampleEvents.envelopes(kept, 1, 1));
            Future<Long> other = threads.submit(() -> db.write(tx -> tx.append(second)));
            awaitQueued(2);

            appender.interrupt();
            appender.join(); // returns while the writer is still held: the write was withdrawn, not waited for

            assertThat(thrown.get()).isInstanceOfSatisfying(StorageException.class, e -> {
                assertThat(e.code()).isEqualTo("interrupted");
                assertThat(e.retryable()).isTrue();
            });
            assertThat(flagAfter).isTrue();
            release.countDown();
            blocker.get();
            assertThat(other.get()).isEqualTo(1);
        }
        assertThat(head(withdrawn)).isZero();
        assertThat(head(kept)).isEqualTo(1);
    }

    @Test
    void aWriteInterruptedWhileItRunsSettlesBeforeTheCallerHearsOfIt() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RunId run = SampleEvents.runId(random);
        EventAppend append = EventAppend.of(run, 0, SampleEvents.envelopes(run, 1, 2));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagAfter = new AtomicBoolean();

        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                db.write(tx -> {
                    long head = tx.append(append);
                    running.countDown();
                    awaitUninterruptibly(release);
                    return head;
                });
            } catch (Throwable t) {
                thrown.set(t);
            }
            flagAfter.set(Thread.currentThread().isInterrupted());
        });
        running.await();
        caller.interrupt();
        release.countDown();
        caller.join();

        assertThat(thrown.get()).isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code())
                .isEqualTo("interrupted"));
        assertThat(flagAfter).isTrue();
        assertThat(head(run)).as("the write had been taken: it happened").isEqualTo(2);
    }

    @Test
    void writingFromInsideAWriteCallbackIsRefused() {
        assertThatThrownBy(() -> db.write(tx -> db.write(inner -> 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside a write callback");
    }

    @Test
    void aTransactionDoesNotOutliveItsCallback() {
        RunId run = SampleEvents.runId(random);
        SqlTransaction leakedWrite = db.write(tx -> tx);
        SqlReader leakedRead = db.read(r -> r);

        assertThatThrownBy(() -> leakedWrite.headSeq(run))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only inside the callback");
        assertThatThrownBy(() -> leakedRead.query("SELECT 1", row -> row.getLong(1)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() ->
                        db.read(r -> r.query("SELECT 1", row -> row)).get(0).getLong(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only inside the mapper");
    }

    @Test
    void aReadCallbackCannotWrite() {
        assertThatThrownBy(() -> db.read(r -> ((SqlTransaction) r).update("DELETE FROM test_runs")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot write");
    }

    @Test
    void sqlFailuresAreTyped() {
        db.write(tx -> tx.update("INSERT INTO test_runs (run_id, head) VALUES ('a', 1), ('b', 2)"));

        assertThatThrownBy(() -> db.write(tx -> tx.update("INSERT INTO test_runs (run_id, head) VALUES ('a', 3)")))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.code()).isEqualTo("constraint_violation");
                    assertThat(e.error()).isInstanceOf(StorageError.Other.class);
                    assertThat(e.retryable()).isFalse();
                });
        assertThatThrownBy(() -> db.read(r -> r.query("SELEKT 1", row -> 1)))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.code()).isEqualTo("sql_failed");
                    assertThat(e.getMessage()).contains("SELEKT");
                });
        assertThatThrownBy(() -> db.read(r -> r.query("SELECT ?", row -> 1, new StringBuilder("x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.StringBuilder");
        assertThatThrownBy(() -> db.read(r -> r.queryOne("SELECT run_id FROM test_runs", row -> row.getString(1))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("at most one row");
        assertThat(db.<List<List<Object>>>read(r -> r.query(
                        "SELECT ?, ?, ?, ?, ?",
                        row -> List.of(
                                row.getLong(1),
                                row.getString(2),
                                row.isNull(3),
                                row.getBytes(4).length,
                                row.getLong(5)),
                        7L,
                        "text",
                        null,
                        new byte[] {1, 2, 3},
                        true)))
                .containsExactly(List.of(7L, "text", true, 3, 1L));
    }

    @Test
    void aReadSeesOneSnapshotWhileWritesCommit() throws Exception {
        RunId run = SampleEvents.runId(random);
        CountDownLatch firstRead = new CountDownLatch(1);
        CountDownLatch written = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<List<Long>> reads = threads.submit(() -> db.read(r -> {
                long before = r.headSeq(run);
                firstRead.countDown();
                awaitUninterruptibly(written);
                return List.of(before, r.headSeq(run));
            }));
            firstRead.await();
            assertThat(db.<Long>write(tx -> tx.append(EventAppend.of(run, 0, SampleEvents.envelopes(run, 1, 4)))))
                    .isEqualTo(4);
            written.countDown();

            assertThat(reads.get()).containsExactly(0L, 0L);
        }
        assertThat(head(run)).isEqualTo(4);
    }

    @Test
    void closingFinishesQueuedWritesThenRefusesWork() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RunId run = SampleEvents.runId(random);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            holdWriter(threads, release);
            EventAppend append = EventAppend.of(run, 0, SampleEvents.envelopes(run, 1, 1));
            Future<Long> queued = threads.submit(() -> db.write(tx -> tx.append(append)));
            awaitQueued(1);
            Future<?> closing = threads.submit(db::close);

            release.countDown();
            closing.get();

            assertThat(queued.get()).isEqualTo(1);
        }
        assertThatThrownBy(() -> db.write(tx -> 1))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.code()).isEqualTo("store_closed"));
        assertThatThrownBy(() -> db.read(r -> 1))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.code()).isEqualTo("store_closed"));
        db.close(); // twice: nothing happens
        try (SqliteEventStore reopened = SqliteEventStore.open(dir.resolve("cairn.db"))) {
            assertThat(reopened.headSeq(run)).isEqualTo(1);
        }
    }

    @Test
    void theDatabaseSaysWhatItIs() {
        assertThat(db.<Optional<Long>>read(r -> r.queryOne("PRAGMA application_id", row -> row.getLong(1))))
                .contains((long) SqliteDatabase.APPLICATION_ID);
        assertThat(db.<Optional<String>>read(r -> r.queryOne("PRAGMA journal_mode", row -> row.getString(1))))
                .contains("wal");
        assertThat(db.<List<String>>read(r -> r.query(
                        "SELECT key, value FROM cairn_store ORDER BY key",
                        row -> row.getString(1) + "=" + row.getString(2))))
                .containsExactly(
                        "created_by=" + SqliteDatabase.cairnVersion(),
                        "format=cairn-sqlite-events",
                        "last_opened_by=" + SqliteDatabase.cairnVersion());
        assertThat(SqliteDatabase.cairnVersion()).isNotEqualTo("unknown").doesNotContain("${");
        assertThat(db.<String>read(r -> r.dialect().migrationLocation("orchestrator")))
                .isEqualTo("classpath:db/sqlite/orchestrator");
        assertThat(db.<Optional<String>>read(r ->
                        r.queryOne("SELECT max(version) FROM schema_history_testderived", row -> row.getString(1))))
                .contains("1");
    }

    @Test
    void badOptionsAreRefusedWhenBuilt() {
        Path file = dir.resolve("x.db");
        assertThatThrownBy(() ->
                        SqliteOptions.builder(file).migrationModule("Bad-Name").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Bad-Name");
        assertThatThrownBy(() ->
                        SqliteOptions.builder(file).migrationModule("events").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("event log's own");
        assertThatThrownBy(() -> SqliteOptions.builder(file)
                        .migrationModule("queue")
                        .migrationModule("queue")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("once each");
        assertThatThrownBy(() -> SqliteOptions.builder(file).readConnections(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("read_connections");
        assertThatThrownBy(() -> SqliteOptions.builder(file).maxBatch(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max_batch");
        assertThatThrownBy(() ->
                        SqliteOptions.builder(file).walAutocheckpointPages(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wal_autocheckpoint_pages");
        assertThatThrownBy(() -> SqliteOptions.builder(file)
                        .lateJoin(Duration.ofMillis(-1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("late_join");
    }

    @Test
    void theWalIsCheckpointedWhenItReachesTheConfiguredPages() throws Exception {
        // ~300 commits of one new 3 KB row each: about one page a commit, 300 pages of WAL unless
        // something copies them into the database file and starts the WAL over
        long small = walFramesAfterWrites("small.db", 64);
        long large = walFramesAfterWrites("large.db", 100_000);
        assertThat(small).isLessThan(100);
        assertThat(large).isGreaterThan(250);
    }

    /** The WAL's size after the writes, in frames of the database's page size. */
    private long walFramesAfterWrites(String name, int pages) throws Exception {
        Path file = dir.resolve(name);
        try (SqliteDatabase other = SqliteDatabase.open(SqliteOptions.builder(file)
                .migrationModule("testderived")
                .walAutocheckpointPages(pages)
                .build())) {
            String note = "n".repeat(3000);
            for (int i = 0; i < 300; i++) {
                String run = "run-" + i;
                other.write(
                        tx -> tx.update("INSERT INTO test_runs (run_id, head, note) VALUES (?, ?, ?)", run, 1, note));
            }
            long frame = 24 + pageSize(other);
            return java.nio.file.Files.size(file.resolveSibling(name + "-wal")) / frame;
        }
    }

    @Test
    void aMissingMigrationModuleIsRefused() {
        assertThatThrownBy(() -> SqliteDatabase.open(SqliteOptions.builder(dir.resolve("other.db"))
                        .migrationModule("nosuchmodule")
                        .build()))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.getMessage()).contains("nosuchmodule"));
        // the failed open released its lock
        SqliteDatabase.open(SqliteOptions.builder(dir.resolve("other.db")).build())
                .close();
    }

    @Test
    void anotherProcessMayAttachWithoutTheLockAndBothSeeEachOthersWrites() {
        SqliteOptions options = SqliteOptions.builder(dir.resolve("cairn.db"))
                .migrationModule("testderived")
                .readConnections(1)
                .build();
        // the owner holds the lock: opening again is refused, attaching is not
        assertThatThrownBy(() -> SqliteDatabase.open(options))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.code()).isEqualTo("store_locked"));
        try (SqliteDatabase attached = SqliteDatabase.attach(options)) {
            attached.write(tx -> tx.update("INSERT INTO test_runs (run_id, head) VALUES (?, ?)", "from-attached", 1));
            assertThat(indexedHead("from-attached")).contains(1L);
            db.write(tx -> tx.update("INSERT INTO test_runs (run_id, head) VALUES (?, ?)", "from-owner", 2));
            assertThat(attached.<Optional<Long>>read(r -> r.queryOne(
                            "SELECT head FROM test_runs WHERE run_id = ?", row -> row.getLong(1), "from-owner")))
                    .contains(2L);
        }
        // detaching leaves the owner working, its lock held
        db.write(tx -> tx.update("INSERT INTO test_runs (run_id, head) VALUES (?, ?)", "after", 3));
        assertThat(indexedHead("after")).contains(3L);
        assertThatThrownBy(() -> SqliteDatabase.open(options)).isInstanceOf(StorageException.class);
    }

    @Test
    void attachingNeedsAnExistingCairnStoreAtThisSchemaVersion() throws Exception {
        assertThatThrownBy(() -> SqliteDatabase.attach(
                        SqliteOptions.builder(dir.resolve("none.db")).build()))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.code()).isEqualTo("storage_unavailable"));
        assertThat(dir.resolve("none.db")).doesNotExist();
        // a module the owner never migrated
        Path plain = dir.resolve("plain.db");
        SqliteDatabase.open(SqliteOptions.builder(plain).build()).close();
        assertThatThrownBy(() -> SqliteDatabase.attach(SqliteOptions.builder(plain)
                        .migrationModule("testderived")
                        .build()))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.code()).isEqualTo("store_incompatible");
                    assertThat(e.getMessage()).contains("testderived").contains("older");
                });
        Path foreign = dir.resolve("foreign.db");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + foreign);
                java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (x INTEGER)");
        }
        assertThatThrownBy(() ->
                        SqliteDatabase.attach(SqliteOptions.builder(foreign).build()))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.code()).isEqualTo("store_incompatible"));
    }

    private long head(RunId run) {
        return db.read(r -> r.headSeq(run));
    }

    private Optional<Long> indexedHead(Object run) {
        return db.read(
                r -> r.queryOne("SELECT head FROM test_runs WHERE run_id = ?", row -> row.getLong(1), run.toString()));
    }

    /**
     * Inserts run {@code early} with a write answered before its commit, which notes "committed"
     * after the commit or {@code ifLost} if the commit is lost.
     */
    private Future<String> answeredEarly(ExecutorService threads, List<String> told, String ifLost) {
        return threads.submit(() -> db.writeAnsweredBeforeCommit(
                tx -> {
                    tx.update("INSERT INTO test_runs (run_id, head) VALUES ('early', 1)");
                    tx.afterCommit(() -> told.add("committed"));
                    return "answered";
                },
                result -> true,
                () -> told.add(ifLost)));
    }

    /**
     * Submits a write that holds the writer thread until {@code release} opens, and returns once the
     * writer runs it: writes queued meanwhile form the next transaction together.
     */
    private Future<?> holdWriter(ExecutorService threads, CountDownLatch release) throws InterruptedException {
        CountDownLatch writerBusy = new CountDownLatch(1);
        Future<?> holder = threads.submit(() -> db.write(tx -> {
            writerBusy.countDown();
            awaitUninterruptibly(release);
            return null;
        }));
        writerBusy.await();
        return holder;
    }

    private void awaitQueued(int writes) throws InterruptedException {
        while (db.queuedWrites() < writes) {
            Thread.sleep(1);
        }
    }

    private static void sleepUninterruptibly(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        for (long left; (left = until - System.nanoTime()) > 0; ) {
            try {
                Thread.sleep(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                // the test decides when the writer goes on
            }
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // the test decides when the writer goes on
            }
        }
    }
}
