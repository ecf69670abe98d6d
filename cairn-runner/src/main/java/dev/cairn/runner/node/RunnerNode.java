package dev.cairn.runner.node;

import dev.cairn.contracts.api.InlineOutput;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.Runner;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.HeartbeatAnswer;
import dev.cairn.runner.api.lease.LeaseException;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.LeaseService;
import dev.cairn.runner.api.lease.TaskOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A runner node (seed 000 made real): takes leases on the capabilities of its {@link
 * RunnerRegistry} from a {@link LeaseService}, runs each task's runner with a {@code TaskCtx} over
 * an {@link ArtifactStore}, keeps the lease alive with heartbeats and reports the outcome.
 *
 * <ul>
 *   <li><b>Taking work.</b> One thread at a time long-polls {@link LeaseService#acquire} for as
 *       many leases as the node has free slots ({@link RunnerNodeOptions#concurrency()}), with the
 *       node's worker id and labels. A slot is free again once its runner has ended: the completion
 *       that follows does not hold it. When the service is unavailable it backs off ({@link
 *       Backoff}). In process, that thread is a virtual one, and the thread that is granted leases
 *       runs the first one's runner itself and hands the polling over to a new thread: the runner
 *       starts on the thread the grant woke, without waiting for another one to be scheduled. Over a
 *       {@link LongPollLeaseService} (a remote node's), one platform thread polls for the node's
 *       life, because the kernel wakes it straight from its socket read, and every runner starts on
 *       a virtual thread of its own.
 *   <li><b>Running.</b> Each task runs on its own virtual thread. Its inputs are read from the
 *       store, its outputs written to it; its scratch files are deleted when it ends. An output the
 *       store cannot take right now (server down, 503) is sent again with backoff while the lease
 *       may still be valid (its expiry, moved by each renewing heartbeat), then fails the runner
 *       with {@code upload_failed}; uploads are content-addressed, so a repeat is harmless.
 *   <li><b>Heartbeats.</b> Sent when {@link RunnerNodeOptions#heartbeatFraction()} of the lease's
 *       time to live has passed, and within {@link RunnerNodeOptions#logFlushInterval()} whenever the
 *       runner reported progress or logged; each carries the latest progress and up to 1,000 log
 *       lines. Log lines still waiting when the runner ends are sent before the completion.
 *   <li><b>Cancellation.</b> A heartbeat answered with {@code cancel: true} (or a lease granted
 *       cancelled) makes the task's control plane report cancellation and interrupts the runner's
 *       thread; the node completes the task with {@link TaskOutcome.Cancelled} unless the runner had
 *       already succeeded.
 *   <li><b>Lost leases.</b> A heartbeat or completion refused with {@code stale_lease} (or {@code
 *       unknown_task}) means the task belongs to someone else now: the runner is stopped and the
 *       task abandoned quietly, without a completion.
 *   <li><b>Stopping.</b> {@link #close()} stops taking work, lets running tasks finish for up to
 *       {@link RunnerNodeOptions#shutdownGrace()}, then stops the rest and abandons their leases,
 *       which expire and put the tasks back on the queue (the lease API has no explicit release).
 * </ul>
 *
 * <p>Thread-safe. The node never throws from its threads; what goes wrong is logged (SLF4J,
 * logger {@code dev.cairn.runner.node}) and, for a task, reported as its outcome.
 */
public final class RunnerNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunnerNode.class);
    private static final Duration MIN_HEARTBEAT = Duration.ofMillis(100);

    private final LeaseService leases;
    private final ArtifactStore store;
    private final RunnerRegistry registry;
    private final RunnerNodeOptions options;
    private final Semaphore slots;
    private final Set<LeaseKeeper> active = ConcurrentHashMap.newKeySet();
    /** Whether acquires wait in a socket read, on one platform thread (see {@link LongPollLeaseService}). */
    private final boolean longPoll;
    /**
     * The thread that acquires now; a virtual one granted a lease hands this role over (see
     * acquireLoop), a platform one keeps it.
     */
    private Thread acquirer;

    private volatile boolean accepting = true;
    private volatile boolean closed;

    private RunnerNode(LeaseService leases, ArtifactStore store, RunnerRegistry registry, RunnerNodeOptions options) {
        this.leases = leases;
        this.store = store;
        this.registry = registry;
        this.options = options;
        this.slots = new Semaphore(options.concurrency());
        this.longPoll = leases instanceof LongPollLeaseService;
        this.acquirer = newAcquirer();
    }

    private Thread newAcquirer() {
        Thread.Builder builder = longPoll ? Thread.ofPlatform().daemon() : Thread.ofVirtual();
        return builder.name("cairn-node-acquire-" + options.workerId()).unstarted(this::acquireLoop);
    }

    /**
     * Starts a node that takes tasks from {@code leases} for the capabilities of {@code registry}
     * (restricted to {@link RunnerNodeOptions#capabilities()} when those are given).
     *
     * @throws RunnerNodeException {@code unknown_capability} if an option names a capability the
     *     registry lacks; {@code invalid_option} if there is no capability to serve
     */
    public static RunnerNode start(
            LeaseService leases, ArtifactStore store, RunnerRegistry registry, RunnerNodeOptions options) {
        Objects.requireNonNull(leases, "leases");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(options, "options");
        RunnerRegistry served =
                options.capabilities().isEmpty() ? registry : registry.restrictTo(options.capabilities());
        if (served.capabilities().isEmpty()) {
            throw RunnerNodeException.invalidOption("capabilities", "the node has no runner to serve");
        }
        RunnerNode node = new RunnerNode(leases, store, served, options);
        synchronized (node) {
            node.acquirer.start();
        }
        LOG.info(
                "runner node {} started: capabilities {}, labels {}, concurrency {}",
                options.workerId(),
                served.capabilities(),
                options.labels(),
                options.concurrency());
        return node;
    }

    /** The node's worker id. */
    public String workerId() {
        return options.workerId();
    }

    /** The capabilities the node serves, sorted. */
    public List<String> capabilities() {
        return registry.capabilities();
    }

    /** The node's labels. */
    public SortedMap<String, String> labels() {
        return options.labels();
    }

    /** The runners the node serves. */
    public RunnerRegistry registry() {
        return registry;
    }

    /** How many tasks the node holds a lease on right now. */
    public int activeTasks() {
        return active.size();
    }

    /** Whether {@link #close()} has begun. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops taking work, waits up to {@link RunnerNodeOptions#shutdownGrace()} for running tasks to
     * finish and be completed, then stops the rest and abandons their leases. Returns when every
     * task thread has ended (or a second grace period passed). Idempotent.
     */
    @Override
    public void close() {
        Thread acquiring;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            accepting = false; // no hand-over after this: `acquiring` stays the acquiring thread
            acquiring = acquirer;
        }
        if (leases instanceof LongPollLeaseService polling) {
            polling.interruptAcquire(acquiring);
        } else {
            acquiring.interrupt();
        }
        boolean interrupted = false;
        try {
            long deadline = System.nanoTime() + options.shutdownGrace().toNanos();
            // the acquiring thread may be a successor its lease's keeper has not started yet: it
            // finds the node not accepting when it starts and ends at once, so there is nothing to
            // wait for (and join() throws on a thread never started)
            if (acquiring.getState() != Thread.State.NEW && !acquiring.join(options.shutdownGrace())) {
                LOG.warn("node {}: the acquire call did not return on interrupt", options.workerId());
            }
            for (LeaseKeeper keeper : List.copyOf(active)) {
                keeper.awaitEnd(Math.max(0, deadline - System.nanoTime()));
            }
            List<LeaseKeeper> left = List.copyOf(active);
            if (!left.isEmpty()) {
                LOG.warn(
                        "node {}: stopping {} task(s) still running after the shutdown grace of {}; their leases"
                                + " will expire and the tasks go back on the queue",
                        options.workerId(),
                        left.size(),
                        options.shutdownGrace());
                left.forEach(LeaseKeeper::abandon);
                long second = System.nanoTime() + options.shutdownGrace().toNanos();
                for (LeaseKeeper keeper : left) {
                    keeper.awaitEnd(Math.max(0, second - System.nanoTime()));
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
            active.forEach(LeaseKeeper::abandon);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        LOG.info("runner node {} stopped", options.workerId());
    }

    private void acquireLoop() {
        int failures = 0;
        while (accepting) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                break;
            }
            int asked = Math.min(AcquireRequest.MAX_LEASES, 1 + slots.drainPermits());
            List<LeaseEnvelope> granted;
            try {
                granted = leases.acquire(new AcquireRequest(
                        options.workerId(), registry.capabilities(), options.labels(), asked, options.acquireWait()));
                if (failures > 0) {
                    LOG.info("node {}: the lease service answers again", options.workerId());
                }
                failures = 0;
            } catch (RuntimeException e) {
                slots.release(asked);
                if (!accepting) {
                    break;
                }
                Thread.interrupted(); // a stale interrupt must not end the loop while still accepting
                Duration delay = options.backoff().delay(failures);
                if (failures == 0) {
                    LOG.warn(
                            "node {}: cannot acquire leases ({}: {}); retrying with backoff",
                            options.workerId(),
                            codeOf(e),
                            e.getMessage());
                } else {
                    LOG.debug("node {}: acquire failed again: {}", options.workerId(), e.getMessage());
                }
                failures++;
                if (!sleep(delay)) {
                    break;
                }
                continue;
            }
            int unused = asked - granted.size();
            if (unused > 0) {
                slots.release(unused);
            }
            LeaseKeeper here = null;
            for (int i = 0; i < granted.size(); i++) {
                LeaseKeeper keeper = new LeaseKeeper(granted.get(i), i < asked);
                active.add(keeper);
                Thread successor = here == null && !longPoll ? handOver() : null;
                if (successor != null) {
                    here = keeper; // started last, once the others' runners are on their way
                    keeper.successor = successor;
                } else {
                    keeper.start(false);
                }
            }
            if (here != null) {
                here.start(true);
                return; // a new thread acquires now
            }
        }
    }

    /**
     * Makes a new thread the acquiring one, so that this thread, just woken with a lease, runs its
     * runner itself: the runner starts without waiting for another thread to be scheduled. Returns
     * the new thread, not started yet (the lease's keeper starts it, off the runner's way); null
     * (this thread keeps acquiring) once the node stops accepting work or this thread was
     * interrupted. A new thread that starts after {@link #close()} finds the node not accepting
     * and ends at once.
     */
    private synchronized Thread handOver() {
        if (!accepting || Thread.currentThread().isInterrupted()) {
            return null;
        }
        Thread next = newAcquirer();
        acquirer = next;
        return next;
    }

    private boolean sleep(Duration delay) {
        try {
            Thread.sleep(delay);
            return accepting;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private static String codeOf(Throwable e) {
        return e instanceof dev.cairn.json.CodedError coded
                ? coded.code()
                : e.getClass().getSimpleName();
    }

    private static boolean lost(LeaseException e) {
        return LeaseException.STALE_LEASE.equals(e.code()) || LeaseException.UNKNOWN_TASK.equals(e.code());
    }

    /** One leased task: runs it, keeps its lease alive, completes it. */
    private final class LeaseKeeper {
        private final LeaseEnvelope lease;
        private final boolean holdsSlot;
        private final String taskId;
        private final Thread thread;
        private final UploadRetry uploads;
        private volatile boolean abandoning;
        private volatile TaskExecution execution;
        // set before the keeper's thread starts (which makes them visible to it)
        private TaskExecution launched;
        private RuntimeException launchFailure;
        /** The acquiring thread this keeper starts first, when its runner runs on the thread that acquired. */
        private Thread successor;
        /** Open once the keeper's thread has done its last work. */
        private final CountDownLatch ended = new CountDownLatch(1);
        /** Whether its slot went back to the node (touched on the keeper's thread only). */
        private boolean slotFreed;

        LeaseKeeper(LeaseEnvelope lease, boolean holdsSlot) {
            this.lease = lease;
            this.holdsSlot = holdsSlot;
            this.taskId = lease.task().id().toString();
            // uploads wait out an unavailable server while the lease may be valid; heartbeats extend it
            this.uploads = UploadRetry.within(
                    options.backoff(),
                    ttlOf(lease.leaseExpiresAt().or(() -> lease.task().leaseExpiresAt()))
                            .orElse(options.completeRetryTimeout()));
            this.thread = Thread.ofVirtual().name("cairn-lease-" + taskId).unstarted(this::runGuarded);
        }

        /**
         * Starts the task's runner from the thread that was granted the lease, without waiting for
         * this keeper's thread to be scheduled first, and the keeper's thread, which keeps the lease
         * alive and completes the task. With {@code here} the runner runs on the calling thread,
         * which returns once it has ended; else on a thread of its own. A lease the runner cannot
         * start on (no epoch, no runner for its capability, granted cancelled) is left to the
         * keeper's thread, which reports it.
         */
        void start(boolean here) {
            try {
                launched = launch(!here);
            } catch (RuntimeException e) {
                launchFailure = e; // the keeper's thread reports it, as if it had failed there
            }
            thread.start();
            if (here && launched != null) {
                launched.runHere();
            }
        }

        /**
         * The execution, started on its own thread when {@code ownThread}; null when the lease
         * needs no runner (see {@link #run}).
         */
        private TaskExecution launch(boolean ownThread) {
            if (lease.task().attempts().isEmpty() || lease.cancel() || abandoning) {
                return null;
            }
            Optional<Runner> runner = registry.find(lease.task().capability());
            if (runner.isEmpty()) {
                return null;
            }
            boolean holdOutputs = leases instanceof OutputCarrier carrier && carrier.carriesOutputs();
            TaskExecution exec = new TaskExecution(
                    runner.get(), lease, store, options.workRoot(), options.clock(), uploads, holdOutputs);
            execution = exec;
            if (ownThread) {
                exec.start();
            }
            return exec;
        }

        /**
         * Waits up to {@code nanos} for the keeper's thread to end. A keeper is listed as active just
         * before the acquiring thread starts it, so this may run before that start (where {@code
         * join()} would throw).
         */
        void awaitEnd(long nanos) throws InterruptedException {
            ended.await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        }

        /** Stops the runner and drops the lease without completing it. */
        void abandon() {
            abandoning = true;
            TaskExecution running = execution;
            if (running != null) {
                running.cancel();
            }
            thread.interrupt();
        }

        private void runGuarded() {
            if (successor != null) {
                successor.start();
            }
            try {
                run();
            } catch (RuntimeException e) {
                LOG.error("node {}: task {} ended abnormally", options.workerId(), taskId, e);
            } finally {
                active.remove(this);
                freeSlot();
                ended.countDown();
            }
        }

        /**
         * Gives the keeper's slot back to the node, once: when its runner has ended (or never ran),
         * before the completion is sent. The node's next acquire then travels beside the completion
         * instead of after it: on a server that commits writes in groups both ride one commit, where
         * one after the other took two, and a slot's turn from one task to the next was mostly the
         * wait for those commits. The slots bound runners running; a lease that is only being
         * completed does not hold one.
         */
        private void freeSlot() {
            if (holdsSlot && !slotFreed) {
                slotFreed = true;
                slots.release();
            }
        }

        private void run() {
            if (launchFailure != null) {
                throw launchFailure;
            }
            if (launched != null) {
                try (TaskExecution exec = launched) {
                    keep(LeaseRef.of(lease), exec);
                }
                return;
            }
            LeaseRef ref;
            try {
                ref = LeaseRef.of(lease);
            } catch (IllegalArgumentException e) {
                LOG.error(
                        "node {}: lease on task {} has no epoch (task.attempts); ignoring it",
                        options.workerId(),
                        taskId);
                return;
            }
            String capability = lease.task().capability();
            Optional<Runner> runner = registry.find(capability);
            if (runner.isEmpty()) {
                freeSlot();
                complete(
                        ref,
                        new TaskOutcome.Failed(
                                "unknown_capability",
                                "node " + options.workerId() + " has no runner for capability `" + capability + "`",
                                true));
                return;
            }
            if (lease.cancel()) {
                freeSlot();
                complete(ref, new TaskOutcome.Cancelled());
                return;
            }
            boolean holdOutputs = leases instanceof OutputCarrier carrier && carrier.carriesOutputs();
            try (TaskExecution exec = new TaskExecution(
                    runner.get(), lease, store, options.workRoot(), options.clock(), uploads, holdOutputs)) {
                execution = exec;
                if (abandoning) {
                    return;
                }
                exec.start();
                keep(ref, exec);
            }
        }

        /** Keeps the lease of the running {@code exec} alive until its runner ends, then completes the task. */
        private void keep(LeaseRef ref, TaskExecution exec) {
            boolean keep = keepAlive(ref, exec);
            if (!keep || abandoning) {
                awaitRunnerEnd(exec);
                LOG.info("node {}: abandoned task {} (epoch {})", options.workerId(), taskId, ref.epoch());
                return;
            }
            freeSlot(); // its runner has ended
            if (flushLogs(ref, exec)) {
                TaskOutcome outcome = exec.outcome();
                complete(ref, outcome, exec.inlineOutputs(outcome));
            }
        }

        /**
         * Heartbeats until the runner ends. Returns false when the lease was lost (the runner has
         * been told to stop).
         */
        private boolean keepAlive(LeaseRef ref, TaskExecution exec) {
            RelayControlPlane ctrl = exec.ctrl();
            Duration interval =
                    intervalUntil(lease.leaseExpiresAt().or(() -> lease.task().leaseExpiresAt()));
            long lastBeat = System.nanoTime();
            long retryAt = 0;
            int failures = 0;
            boolean cancelSeen = false;
            while (true) {
                long now = System.nanoTime();
                long due = retryAt != 0 ? retryAt : lastBeat + interval.toNanos();
                if (retryAt == 0 && ctrl.hasPending()) {
                    due = Math.min(due, lastBeat + options.logFlushInterval().toNanos());
                }
                long wait = Math.min(
                        Math.max(0, due - now), options.logFlushInterval().toNanos());
                try {
                    if (exec.await(Duration.ofNanos(wait))) {
                        return true;
                    }
                } catch (InterruptedException e) {
                    exec.cancel();
                    return false;
                }
                if (abandoning) {
                    exec.cancel();
                    return false;
                }
                if (System.nanoTime() < due) {
                    continue;
                }
                RelayControlPlane.Batch batch = ctrl.drain();
                try {
                    HeartbeatAnswer answer = leases.heartbeat(new Heartbeat(ref, batch.progress(), batch.logs()));
                    lastBeat = System.nanoTime();
                    retryAt = 0;
                    failures = 0;
                    interval = intervalUntil(Optional.of(answer.leaseExpiresAt()));
                    ttlOf(Optional.of(answer.leaseExpiresAt())).ifPresent(uploads::extend);
                    if (answer.cancel() && !cancelSeen) {
                        cancelSeen = true;
                        LOG.info("node {}: task {} was cancelled; stopping its runner", options.workerId(), taskId);
                        exec.cancel();
                    }
                } catch (LeaseException e) {
                    if (lost(e)) {
                        LOG.info("node {}: lost the lease on task {}: {}", options.workerId(), taskId, e.getMessage());
                        exec.cancel();
                        return false;
                    }
                    ctrl.restore(batch);
                    retryAt = System.nanoTime()
                            + options.backoff().delay(failures++).toNanos();
                    LOG.debug("node {}: heartbeat of task {} failed: {}", options.workerId(), taskId, e.getMessage());
                } catch (RuntimeException e) {
                    ctrl.restore(batch);
                    retryAt = System.nanoTime()
                            + options.backoff().delay(failures++).toNanos();
                    LOG.warn(
                            "node {}: heartbeat of task {} failed ({}: {}); retrying",
                            options.workerId(),
                            taskId,
                            codeOf(e),
                            e.getMessage());
                }
            }
        }

        /** Sends log lines still waiting; false when the lease turned out to be lost. */
        private boolean flushLogs(LeaseRef ref, TaskExecution exec) {
            RelayControlPlane ctrl = exec.ctrl();
            long deadline = System.nanoTime() + options.completeRetryTimeout().toNanos();
            int failures = 0;
            while (ctrl.hasPendingLogs()) {
                RelayControlPlane.Batch batch = ctrl.drain();
                try {
                    leases.heartbeat(new Heartbeat(ref, batch.progress(), batch.logs()));
                } catch (LeaseException e) {
                    if (lost(e)) {
                        LOG.info("node {}: lost the lease on task {}: {}", options.workerId(), taskId, e.getMessage());
                        return false;
                    }
                    ctrl.restore(batch);
                    if (!backoffBefore(deadline, failures++)) {
                        LOG.warn("node {}: could not relay the last log lines of task {}", options.workerId(), taskId);
                        return true;
                    }
                } catch (RuntimeException e) {
                    ctrl.restore(batch);
                    if (!backoffBefore(deadline, failures++)) {
                        LOG.warn("node {}: could not relay the last log lines of task {}", options.workerId(), taskId);
                        return true;
                    }
                }
            }
            return true;
        }

        private void complete(LeaseRef ref, TaskOutcome outcome) {
            complete(ref, outcome, List.of());
        }

        /** Completes the task, carrying {@code inline} (the held outputs it names) when there are any. */
        private void complete(LeaseRef ref, TaskOutcome outcome, List<InlineOutput> inline) {
            Duration budget = options.completeRetryTimeout();
            if (uploads.left().compareTo(budget) > 0) {
                budget = uploads.left();
            }
            long deadline = System.nanoTime() + budget.toNanos();
            int failures = 0;
            while (true) {
                try {
                    if (inline.isEmpty()) {
                        leases.complete(new Completion(ref, outcome));
                    } else {
                        ((OutputCarrier) leases).complete(new Completion(ref, outcome), inline);
                    }
                    LOG.debug(
                            "node {}: completed task {}: {}",
                            options.workerId(),
                            taskId,
                            outcome.getClass().getSimpleName());
                    return;
                } catch (LeaseException e) {
                    if (lost(e)) {
                        LOG.info(
                                "node {}: completion of task {} refused, the lease is lost: {}",
                                options.workerId(),
                                taskId,
                                e.getMessage());
                        return;
                    }
                    if (!backoffBefore(deadline, failures++)) {
                        LOG.error(
                                "node {}: gave up completing task {}: {}", options.workerId(), taskId, e.getMessage());
                        return;
                    }
                } catch (RuntimeException e) {
                    boolean retryable = e instanceof dev.cairn.json.CodedError coded && coded.retryable();
                    if (!retryable || !backoffBefore(deadline, failures++)) {
                        LOG.error(
                                "node {}: gave up completing task {} ({}: {}); its lease will expire",
                                options.workerId(),
                                taskId,
                                codeOf(e),
                                e.getMessage());
                        return;
                    }
                }
            }
        }

        /** Sleeps the backoff delay if it ends before {@code deadline}; false when it would not, or on interrupt. */
        private boolean backoffBefore(long deadline, int attempt) {
            return !abandoning && options.backoff().sleepBefore(deadline, attempt);
        }

        private void awaitRunnerEnd(TaskExecution exec) {
            try {
                if (!exec.await(options.shutdownGrace())) {
                    LOG.warn("node {}: the runner of task {} does not stop", options.workerId(), taskId);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private Optional<Duration> ttlOf(Optional<Instant> expiresAt) {
            return expiresAt.map(at -> Duration.between(options.clock().instant(), at));
        }

        private Duration intervalUntil(Optional<Instant> expiresAt) {
            if (expiresAt.isEmpty()) {
                return options.heartbeatInterval();
            }
            Duration ttl = ttlOf(expiresAt).orElseThrow();
            long nanos = (long) (ttl.toNanos() * options.heartbeatFraction());
            return Duration.ofNanos(Math.max(MIN_HEARTBEAT.toNanos(), nanos));
        }
    }

    @Override
    public String toString() {
        return "RunnerNode[" + options.workerId() + ", " + registry.capabilities() + "]";
    }
}
