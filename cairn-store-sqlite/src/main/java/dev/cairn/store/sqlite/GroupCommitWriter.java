package dev.cairn.store.sqlite;

import dev.cairn.machine.errors.StorageException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * The one thread that writes: it takes every write callback waiting in its queue (up to a batch),
 * runs each inside its own savepoint of one transaction, commits once, and only then answers all
 * their callers. Callbacks queued while the batch's ran join it, for up to {@link
 * SqliteOptions#lateJoin} after its {@code BEGIN}. Every transaction then carries what the {@link
 * TransactionRider}s write (a rider that fails fails the whole transaction), and commits. With
 * {@code synchronous=FULL}, the commit is the fsync: concurrent writers share it.
 *
 * <p>A callback that throws is rolled back to its savepoint; the others in the batch commit. If the
 * transaction itself is lost (SQLite rolls it back on I/O errors, a full disk, …), every callback of
 * the batch fails with a retryable {@code storage_unavailable}, and nothing of the batch is stored.
 *
 * <p>A caller interrupted while its callback waits in the queue withdraws it ({@link
 * StorageException#interrupted()}, nothing written). Once the writer has taken it, the caller waits
 * for the batch to end (one commit) and then throws the same: the write happened entirely or not at
 * all, and reads already tell which.
 */
final class GroupCommitWriter implements AutoCloseable {

    private static final int PENDING = 0;
    private static final int TAKEN = 1;
    private static final int WITHDRAWN = 2;

    /** Looked up once: {@code getThreadMXBean()} searches the platform's MXBeans on every call. */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final SqlSession session;
    private final Path file;
    private final int maxBatch;
    private final long lateJoinNanos;
    private final BlockingQueue<Request<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Request<Void> stop = new Request<>(tx -> null, r -> false, () -> {});
    private final LongAdder commits = new LongAdder();
    private final LongAdder committedCallbacks = new LongAdder();
    private final List<Runnable> appendListeners = new CopyOnWriteArrayList<>();
    private final List<TransactionRider> riders = new CopyOnWriteArrayList<>();
    private volatile boolean closing;
    /** Whether the writer has taken the stop request (read and written by the writer thread only). */
    private boolean stopSeen;

    GroupCommitWriter(SqlSession session, Path file, int maxBatch, Duration lateJoin) {
        this.session = session;
        this.file = file;
        this.maxBatch = maxBatch;
        this.lateJoinNanos = lateJoin.toNanos();
        this.thread = Thread.ofPlatform()
                .name("cairn-sqlite-writer " + file.getFileName())
                .daemon(true)
                .unstarted(this::loop);
    }

    void start() {
        thread.start();
    }

    /** Runs {@code work} in the next batch and returns its result once the batch is durable. */
    <T> T submit(WriteCallback<T> work) {
        return submit(new Request<>(work, r -> false, () -> {}));
    }

    /**
     * Runs {@code work} in the next batch and, when {@code early} accepts its result, returns that
     * as soon as its savepoint is released, before the batch commits (else once it is durable, as
     * {@link #submit(WriteCallback)} does). If a batch answered early then fails, nothing of it is
     * stored and {@code ifLost} runs on the writer thread (its failures ignored); if it commits, the
     * callback's after-commit actions run as usual.
     */
    <T> T submitBeforeCommit(WriteCallback<T> work, Predicate<? super T> early, Runnable ifLost) {
        return submit(new Request<>(work, early, ifLost));
    }

    private <T> T submit(Request<T> request) {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException(
                    "write() called from inside a write callback: use the transaction the callback was given");
        }
        if (Thread.currentThread().isInterrupted()) {
            throw StorageException.interrupted();
        }
        if (closing) {
            throw SqliteErrors.closed(file);
        }
        queue.add(request);
        if (closing && request.state.compareAndSet(PENDING, WITHDRAWN)) {
            throw SqliteErrors.closed(file); // raced with close(): the writer may be gone
        }
        return request.await();
    }

    /** Calls {@code listener} after each commit that appended events; the returned action removes it. */
    Runnable addAppendListener(Runnable listener) {
        appendListeners.add(listener);
        return () -> appendListeners.remove(listener);
    }

    /** Makes every transaction carry {@code rider}'s writes (see {@link TransactionRider}); the returned action removes it. */
    Runnable addRider(TransactionRider rider) {
        riders.add(rider);
        return () -> riders.remove(rider);
    }

    /** How many write callbacks wait for the writer (for tests that arrange batches). */
    int queued() {
        return queue.size();
    }

    /** How many transactions committed, and how many callbacks they carried. */
    WriteCounters counters() {
        return new WriteCounters(commits.sum(), committedCallbacks.sum(), cpuNanos());
    }

    /** The CPU time the writer thread has used, or -1 when this JVM does not measure a thread's CPU. */
    private long cpuNanos() {
        ThreadMXBean threads = THREADS;
        if (!threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
            return -1;
        }
        return threads.getThreadCpuTime(thread.threadId()); // -1 once the thread has ended
    }

    /** Runs what is queued, then stops the thread. */
    @Override
    public void close() {
        closing = true;
        queue.add(stop);
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
        for (Request<?> left; (left = queue.poll()) != null; ) {
            if (left.state.compareAndSet(PENDING, TAKEN)) {
                left.fail(SqliteErrors.closed(file));
            }
        }
    }

    private void loop() {
        List<Request<?>> batch = new ArrayList<>(maxBatch);
        while (!stopSeen) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // only close() stops the writer
            }
            queue.drainTo(batch, maxBatch - 1);
            cutAtStop(batch, 0);
            try {
                runBatch(batch);
            } catch (RuntimeException | Error unexpected) {
                // the driver failed in a way SQLException does not cover: fail this batch, keep writing
                rollbackQuietly();
                StorageException failure =
                        StorageException.unavailable("the write transaction failed: " + unexpected, unexpected);
                batch.forEach(r -> r.fail(failure));
            }
            batch.clear();
        }
    }

    /**
     * Ends {@code batch} before the stop request, if it holds one at or after {@code from}: the
     * requests behind it fail as closed, and the writer stops after this batch.
     */
    private void cutAtStop(List<Request<?>> batch, int from) {
        int at = batch.subList(from, batch.size()).indexOf(stop);
        if (at < 0) {
            return;
        }
        stopSeen = true;
        List<Request<?>> behind = batch.subList(from + at, batch.size());
        behind.forEach(r -> {
            if (r != stop && r.state.compareAndSet(PENDING, TAKEN)) {
                r.fail(SqliteErrors.closed(file));
            }
        });
        behind.clear();
    }

    private void runBatch(List<Request<?>> batch) {
        List<Request<?>> taken = new ArrayList<>(batch.size());
        for (Request<?> request : batch) {
            if (request.state.compareAndSet(PENDING, TAKEN)) {
                taken.add(request);
            }
        }
        if (taken.isEmpty()) {
            return;
        }
        session.clearAppended();
        long began = System.nanoTime();
        try {
            session.execute("BEGIN IMMEDIATE");
        } catch (SQLException e) {
            StorageException failure = SqliteErrors.translate("starting a write transaction", e);
            taken.forEach(r -> r.fail(failure));
            return;
        }
        List<Runnable> afterCommit = new ArrayList<>();
        try {
            for (Request<?> request : taken) {
                runInSavepoint(request, afterCommit);
            }
            for (int from = batch.size();
                    !stopSeen && taken.size() < maxBatch && System.nanoTime() - began < lateJoinNanos;
                    from = batch.size()) {
                queue.drainTo(batch, maxBatch - taken.size());
                if (batch.size() == from) {
                    break;
                }
                cutAtStop(batch, from);
                for (Request<?> late : batch.subList(from, batch.size())) {
                    if (late.state.compareAndSet(PENDING, TAKEN)) {
                        taken.add(late);
                        runInSavepoint(late, afterCommit);
                    }
                }
            }
            runRiders(afterCommit);
            session.execute("COMMIT");
        } catch (SQLException | TransactionLost | RiderFailed e) {
            rollbackQuietly();
            StorageException failure = StorageException.unavailable(
                    "the transaction carrying " + taken.size() + " writes was rolled back: " + e.getMessage(), e);
            taken.forEach(r -> r.fail(failure));
            return;
        }
        commits.increment();
        committedCallbacks.add(taken.size());
        afterCommit.forEach(GroupCommitWriter::runQuietly);
        if (session.appended()) {
            notifyAppendListeners(); // before the callers learn of their commit: listeners see it first
        }
        taken.forEach(Request::complete);
    }

    /**
     * Runs the riders at the end of the transaction, before its commit, outside any savepoint; one
     * that throws fails the whole transaction ({@link RiderFailed}). Adds their after-commit actions
     * to {@code afterCommit}.
     */
    private void runRiders(List<Runnable> afterCommit) throws RiderFailed {
        if (riders.isEmpty()) {
            return;
        }
        SqlSession.View view = session.writerView(afterCommit);
        try {
            for (TransactionRider rider : riders) {
                Runnable after = rider.ride(view);
                if (after != null) {
                    afterCommit.add(after);
                }
            }
        } catch (RuntimeException | Error failure) {
            throw new RiderFailed(failure);
        } finally {
            view.end();
        }
    }

    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            // what a rider does after its commit must not fail the writes it committed with
        }
    }

    private void notifyAppendListeners() {
        for (Runnable listener : appendListeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                // a listener's failure must not fail the writes it is told about
            }
        }
    }

    /**
     * Runs one callback in its savepoint; the after-commit actions it registered join {@code
     * afterCommit} only when the savepoint is released (a callback that threw leaves none behind).
     */
    private <T> void runInSavepoint(Request<T> request, List<Runnable> afterCommit)
            throws SQLException, TransactionLost {
        session.execute("SAVEPOINT callback");
        List<Runnable> own = new ArrayList<>(2);
        SqlSession.View view = session.writerView(own);
        try {
            T result = request.work.write(view);
            session.execute("RELEASE callback");
            request.result = result;
            afterCommit.addAll(own);
            if (request.early.test(result)) {
                request.answeredEarly = true;
                request.complete(); // answered before the commit, as its caller asked
            }
        } catch (RuntimeException | Error failure) {
            try {
                session.execute("ROLLBACK TO callback");
                session.execute("RELEASE callback");
            } catch (SQLException lost) {
                lost.addSuppressed(failure);
                throw new TransactionLost(lost);
            }
            request.failure = failure;
        } finally {
            view.end();
        }
    }

    private void rollbackQuietly() {
        try {
            session.execute("ROLLBACK");
        } catch (SQLException e) {
            // SQLite rolled it back already
        }
    }

    /** SQLite ended the transaction under the batch; nothing of it is stored. */
    private static final class TransactionLost extends Exception {
        private static final long serialVersionUID = 1L;

        TransactionLost(SQLException cause) {
            super("SQLite rolled the transaction back: " + cause.getMessage(), cause);
        }
    }

    /** A {@link TransactionRider} failed: nothing of the transaction may commit without its writes. */
    private static final class RiderFailed extends Exception {
        private static final long serialVersionUID = 1L;

        RiderFailed(Throwable cause) {
            super("a write every transaction carries failed: " + cause, cause);
        }
    }

    private static final class Request<T> {
        final WriteCallback<T> work;
        /** Whether the caller is answered before the commit, given the callback's result. */
        final Predicate<? super T> early;
        /** For a caller answered before the commit: what to run if the commit then fails. */
        final Runnable ifLost;

        final AtomicInteger state = new AtomicInteger(PENDING);
        final CountDownLatch done = new CountDownLatch(1);
        T result;
        Throwable failure;
        boolean answeredEarly;
        /** Whether a batch answered early was lost (written and read by the writer thread only). */
        boolean lost;

        Request(WriteCallback<T> work, Predicate<? super T> early, Runnable ifLost) {
            this.work = work;
            this.early = Objects.requireNonNull(early, "early");
            this.ifLost = Objects.requireNonNull(ifLost, "ifLost");
        }

        // complete and fail run on the writer thread (or in close() once it has stopped): never concurrently

        void complete() {
            done.countDown();
        }

        /**
         * Fails the request unless it was already answered (an answer never changes); a caller
         * answered before the commit is told through its {@link #ifLost} action instead.
         */
        void fail(Throwable failure) {
            if (done.getCount() == 0) {
                if (answeredEarly && !lost) {
                    lost = true; // not this.failure: its caller, answered already, may be reading it
                    runQuietly(ifLost);
                }
                return;
            }
            this.failure = failure;
            done.countDown();
        }

        T await() {
            try {
                done.await();
            } catch (InterruptedException e) {
                if (!state.compareAndSet(PENDING, WITHDRAWN)) {
                    awaitUninterruptibly(); // the writer took it: let its batch settle first
                }
                Thread.currentThread().interrupt();
                throw StorageException.interrupted();
            }
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failure instanceof Error error) {
                throw error;
            }
            return result;
        }

        private void awaitUninterruptibly() {
            while (true) {
                try {
                    done.await();
                    return;
                } catch (InterruptedException again) {
                    // keep waiting; the flag is set again by the caller
                }
            }
        }
    }
}
