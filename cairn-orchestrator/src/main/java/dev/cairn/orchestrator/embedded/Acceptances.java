package dev.cairn.orchestrator.embedded;

import dev.cairn.orchestrator.embedded.RunIndex.RunInfo;
import dev.cairn.store.sqlite.SqlTransaction;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Acceptances waiting to ride along with their run's first append: a submission's {@code runs}
 * row (and its step and sink rows) is written in the same SQLite transaction as the run's {@code
 * RunStarted} and first barrier (one commit, one fsync, instead of two in a row before the first
 * step can start). The submitter answers once that transaction is durable (P1), so a crash before it
 * leaves neither the acceptance nor the log, and the submitter had no answer: it submits again.
 *
 * <p>Exactly one side writes an acceptance, decided by {@link Pending#claim}: the run's first
 * append ({@link ProjectingEventStore}) or, when the engine does not get there soon enough or stops
 * before it, the submitter itself, in a transaction of its own as before; the run's first append then
 * waits for that commit. The blobs the acceptance names (spec, manifest) are journaled before the
 * engine starts and made durable by the kernel's sync before its first append.
 *
 * <p>A submitter's wait for that append has no timer of its own: a ticker thread wakes the waits
 * whose time is up, every {@code tick}, so a submission waits from {@code acceptance_wait} to {@code
 * acceptance_wait} + {@code tick} before it accepts the run alone. A virtual thread's timed park
 * arms a timer on another thread (one more thread woken on a submission's way to its first commit):
 * with it, the engine's thread started 18–22 us after the submitter started it, without it 9–11 us
 * ({@code cairn bench submit-latency}, docs/benchmarks.md). After {@code idleTicks} ticks with
 * nothing pending the ticker stops ticking, until the next registration wakes it: an idle server
 * does not wake for it.
 */
final class Acceptances implements AutoCloseable {

    /** Ticks with nothing pending after which the ticker parks until the next registration. */
    static final int IDLE_TICKS = 100;

    private final ConcurrentHashMap<String, Pending> open = new ConcurrentHashMap<>();
    private final long tickNanos;
    private final int idleTicks;
    private final Thread ticker;
    private volatile boolean ticking = true;
    private volatile boolean closed;

    /** Acceptances whose waits are woken every {@code tick}; {@link #close} stops the ticker. */
    Acceptances(Duration tick) {
        this(tick, IDLE_TICKS);
    }

    /** {@link #Acceptances(Duration)} whose ticker parks after {@code idleTicks} idle ticks (for tests). */
    Acceptances(Duration tick, int idleTicks) {
        if (tick.isNegative() || tick.isZero()) {
            throw new IllegalArgumentException("tick must be positive, got " + tick);
        }
        this.tickNanos = tick.toNanos();
        this.idleTicks = idleTicks;
        this.ticker = Thread.ofVirtual().name("cairn-acceptance-ticker").start(this::tickLoop);
    }

    /**
     * The tick for an orchestrator's {@code acceptance_wait}: half of it, from 10 ms to 1 s, so a
     * submission waits at most half as long again before it accepts its run alone.
     */
    static Duration tickFor(Duration acceptanceWait) {
        long millis = Math.clamp(acceptanceWait.toMillis() / 2, 10L, 1_000L);
        return Duration.ofMillis(millis);
    }

    /** The acceptance of a run whose engine is about to start. */
    static final class Pending {
        private static final int OPEN = 0;
        private static final int APPEND = 1;
        private static final int SUBMITTER = 2;
        private static final long NOT_WAITING = Long.MAX_VALUE;

        final RunIndex.Acceptance acceptance;
        final List<String> sinks;
        /**
         * Whether the orchestrator drew the run id itself (74 random bits of a UUID v7): no log
         * can have it before this acceptance's append.
         */
        final boolean drawnId;

        private final AtomicInteger owner = new AtomicInteger(OPEN);
        // empty: accepted; present: the run another submission accepted first
        private final CompletableFuture<Optional<RunInfo>> done = new CompletableFuture<>();
        private final CompletableFuture<Void> wake = new CompletableFuture<>();
        /** When a submitter waiting in {@link #awaitAppend} stops waiting ({@link #NOT_WAITING}: none waits). */
        private volatile long deadline = NOT_WAITING;

        Pending(RunIndex.Acceptance acceptance, List<String> sinks, boolean drawnId) {
            this.acceptance = Objects.requireNonNull(acceptance, "acceptance");
            this.sinks = List.copyOf(sinks);
            this.drawnId = drawnId;
        }

        /**
         * Whether the run's log is known to be empty without reading it: its id was drawn here and
         * nothing has claimed the acceptance yet (the run's first append claims it first).
         */
        boolean logKnownEmpty() {
            return drawnId && owner.get() == OPEN;
        }

        /** Claims the acceptance for the run's first append; false when the submitter took it. */
        boolean claimForAppend() {
            return owner.compareAndSet(OPEN, APPEND);
        }

        /** Claims the acceptance for the submitter; false when the run's first append took it. */
        boolean claimForSubmitter() {
            return owner.compareAndSet(OPEN, SUBMITTER);
        }

        /**
         * Writes the acceptance in {@code tx}, its rows as {@link RunIndex#accepted} makes them;
         * returns the run already stored under this id (nothing written then), if any.
         */
        Optional<RunInfo> write(SqlTransaction tx) {
            return write(tx, RunIndex.accepted(acceptance));
        }

        /**
         * Writes the acceptance in {@code tx} with {@code rows}: those of {@link RunIndex#accepted},
         * maybe folded over the run's first events already ({@link RunIndex#accept}). Returns the run
         * already stored under this id (nothing written then), if any.
         */
        Optional<RunInfo> write(SqlTransaction tx, InFlightRuns.Entry rows) {
            if (!RunIndex.accept(tx, acceptance, rows)) {
                return Optional.of(RunIndex.run(tx, acceptance.runId()).orElseThrow());
            }
            for (int i = 0; i < sinks.size(); i++) {
                tx.update(
                        "INSERT INTO run_sinks (run_id, position, config) VALUES (?, ?, ?)",
                        acceptance.runId(),
                        i,
                        sinks.get(i));
            }
            return Optional.empty();
        }

        /** The acceptance is committed ({@code raced} empty) or another run held the id. */
        void settled(Optional<RunInfo> raced) {
            done.complete(raced);
        }

        /** Writing the acceptance failed. */
        void failed(Throwable e) {
            done.completeExceptionally(e);
        }

        /** The engine stopped: a submitter still waiting accepts the run itself. */
        void wake() {
            wake.complete(null);
        }

        /** Waits for the submitter's own acceptance (after it claimed it) and returns its outcome. */
        Optional<RunInfo> await() {
            return join(done);
        }

        /**
         * Waits until the acceptance is settled, the engine stopped or {@code wait} passed (the
         * orchestrator's {@code acceptance_wait}); true when it is settled.
         */
        boolean awaitAppend(Duration wait) {
            if (wait.isZero() || done.isDone()) {
                return done.isDone();
            }
            long now = System.nanoTime();
            long nanos = wait.compareTo(Duration.ofDays(1)) > 0 ? TimeUnit.DAYS.toNanos(1) : wait.toNanos();
            deadline = now + nanos;
            try {
                CompletableFuture.anyOf(done, wake).get(); // the ticker completes wake once the deadline passed
            } catch (ExecutionException e) {
                // the append failed: done tells
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                deadline = NOT_WAITING;
            }
            return done.isDone();
        }

        /** Wakes the submitter waiting in {@link #awaitAppend} when its wait ended before {@code now}. */
        private void wakeIfOverdue(long now) {
            long until = deadline;
            if (until != NOT_WAITING && now - until >= 0) {
                wake();
            }
        }

        /** {@code future}'s value, waiting without giving up on an interrupt (the flag stays set). */
        private static <T> T join(CompletableFuture<T> future) {
            try {
                return future.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** Registers {@code pending}; false when another acceptance of the same run is pending. */
    boolean register(Pending pending) {
        if (open.putIfAbsent(pending.acceptance.runId(), pending) != null) {
            return false;
        }
        if (!ticking) {
            LockSupport.unpark(ticker); // it parked with nothing pending; it reads open again
        }
        return true;
    }

    /** The pending acceptance of {@code runId}, if any. */
    Optional<Pending> get(String runId) {
        return Optional.ofNullable(open.get(runId));
    }

    /** Forgets {@code pending} (its submitter has its answer). */
    void remove(Pending pending) {
        open.remove(pending.acceptance.runId(), pending);
    }

    /** Whether the ticker is ticking (false: parked until a registration; for tests). */
    boolean ticking() {
        return ticking;
    }

    /** Stops the ticker; waits already woken or settled are not affected. */
    @Override
    public void close() {
        closed = true;
        ticker.interrupt();
    }

    private void tickLoop() {
        int idle = 0;
        while (!closed) {
            if (open.isEmpty() && ++idle >= idleTicks) {
                // the registration that follows sees ticking false (both fields are volatile), or
                // this sees its pending acceptance: no registration is missed
                ticking = false;
                while (open.isEmpty() && !closed) {
                    LockSupport.park(this);
                    if (Thread.interrupted() && closed) {
                        return;
                    }
                }
                ticking = true;
                idle = 0;
            }
            try {
                Thread.sleep(Duration.ofNanos(tickNanos));
            } catch (InterruptedException e) {
                return; // only close() interrupts the ticker
            }
            long now = System.nanoTime();
            for (Pending pending : open.values()) {
                pending.wakeIfOverdue(now);
            }
            if (!open.isEmpty()) {
                idle = 0;
            }
        }
    }
}
