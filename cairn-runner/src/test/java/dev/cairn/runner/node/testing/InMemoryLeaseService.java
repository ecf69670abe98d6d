package dev.cairn.runner.node.testing;

import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.TaskSpec;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.HeartbeatAnswer;
import dev.cairn.runner.api.lease.LeaseException;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.LeaseService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A test {@link LeaseService}: a queue of tasks in memory, with the contract's rules — routing by
 * capability and required labels, epochs ({@code task.attempts}) that fence heartbeats and
 * completions, lease deadlines renewed by heartbeats, expired leases put back on the queue,
 * cancellation delivered in heartbeat answers, idempotent completions — plus what tests need:
 * recorded heartbeats and completions, and {@link #revoke} to make a held lease stale.
 */
public final class InMemoryLeaseService implements LeaseService {

    private final Duration ttl;
    private final Clock clock = Clock.systemUTC();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<UUID, Task> tasks = new LinkedHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();

    public InMemoryLeaseService(Duration ttl) {
        this.ttl = ttl;
    }

    private static final class Task {
        TaskSpec spec;
        SortedMap<String, String> requiredLabels;
        long epoch;
        boolean leased;
        boolean cancelled;
        Instant expiresAt;
        String worker;
        final List<Heartbeat> heartbeats = new ArrayList<>();
        final List<Completion> completions = new ArrayList<>();
    }

    /** Queues {@code spec} (its attempts are set by each grant). */
    public UUID submit(TaskSpec spec) {
        return submit(spec, Map.of());
    }

    /** Queues {@code spec} for nodes carrying {@code requiredLabels}. */
    public UUID submit(TaskSpec spec, Map<String, String> requiredLabels) {
        lock.lock();
        try {
            Task task = new Task();
            task.spec = spec;
            task.requiredLabels = new TreeMap<>(requiredLabels);
            tasks.put(spec.id(), task);
            changed.signalAll();
            return spec.id();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<LeaseEnvelope> acquire(AcquireRequest request) {
        long deadline = System.nanoTime() + request.maxWait().toNanos();
        lock.lock();
        waiting.incrementAndGet();
        try {
            while (true) {
                List<LeaseEnvelope> granted = new ArrayList<>();
                for (Task task : tasks.values()) {
                    if (granted.size() == request.max()) {
                        break;
                    }
                    expire(task);
                    if (task.leased || !task.completions.isEmpty() || !matches(task, request)) {
                        continue;
                    }
                    task.epoch++;
                    task.leased = true;
                    task.worker = request.workerId();
                    task.expiresAt = clock.instant().plus(ttl);
                    TaskSpec spec = task.spec.toBuilder()
                            .attempts(task.epoch)
                            .leaseExpiresAt(task.expiresAt)
                            .build();
                    granted.add(LeaseEnvelope.builder(spec)
                            .leaseExpiresAt(task.expiresAt)
                            .cancel(task.cancelled)
                            .build());
                }
                long left = deadline - System.nanoTime();
                if (!granted.isEmpty() || left <= 0) {
                    return granted;
                }
                try {
                    changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw LeaseException.unavailable("interrupted while waiting for work");
                }
            }
        } finally {
            waiting.decrementAndGet();
            lock.unlock();
        }
    }

    /** How many acquires are in progress (waiting for work, most of the time). */
    public int waitingAcquires() {
        return waiting.get();
    }

    private static boolean matches(Task task, AcquireRequest request) {
        if (!request.capabilities().contains(task.spec.capability())) {
            return false;
        }
        for (Map.Entry<String, String> label : task.requiredLabels.entrySet()) {
            if (!label.getValue().equals(request.labels().get(label.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private void expire(Task task) {
        if (task.leased && task.completions.isEmpty() && clock.instant().isAfter(task.expiresAt)) {
            task.leased = false;
        }
    }

    private Task current(LeaseRef ref) {
        Task task = tasks.get(ref.taskId());
        if (task == null) {
            throw LeaseException.unknownTask(ref);
        }
        if (task.epoch != ref.epoch()) {
            throw LeaseException.stale(ref, task.epoch);
        }
        return task;
    }

    @Override
    public HeartbeatAnswer heartbeat(Heartbeat heartbeat) {
        lock.lock();
        try {
            Task task = current(heartbeat.lease());
            task.heartbeats.add(heartbeat);
            if (task.leased) {
                task.expiresAt = clock.instant().plus(ttl);
            }
            changed.signalAll();
            return new HeartbeatAnswer(task.cancelled, task.expiresAt);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void complete(Completion completion) {
        lock.lock();
        try {
            Task task = current(completion.lease());
            if (task.completions.isEmpty() || !task.completions.getLast().equals(completion)) {
                task.completions.add(completion);
            }
            task.leased = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Cancels the task: its next heartbeat is answered with {@code cancel: true}. */
    public void cancel(UUID taskId) {
        lock.lock();
        try {
            tasks.get(taskId).cancelled = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes the current lease on the task stale, as if it had expired and been granted to another
     * worker, and takes the task off the queue.
     */
    public void revoke(UUID taskId) {
        lock.lock();
        try {
            Task task = tasks.get(taskId);
            task.epoch++;
            task.leased = true;
            task.worker = "someone-else";
            task.expiresAt = Instant.MAX;
        } finally {
            lock.unlock();
        }
    }

    /** The heartbeats received for the task, in order. */
    public List<Heartbeat> heartbeats(UUID taskId) {
        lock.lock();
        try {
            return List.copyOf(tasks.get(taskId).heartbeats);
        } finally {
            lock.unlock();
        }
    }

    /** The completions accepted for the task. */
    public List<Completion> completions(UUID taskId) {
        lock.lock();
        try {
            return List.copyOf(tasks.get(taskId).completions);
        } finally {
            lock.unlock();
        }
    }

    /** The worker holding (or last holding) the task's lease. */
    public Optional<String> worker(UUID taskId) {
        lock.lock();
        try {
            return Optional.ofNullable(tasks.get(taskId).worker);
        } finally {
            lock.unlock();
        }
    }

    /** Waits (up to a minute) for the task's first completion. */
    public Completion awaitCompletion(UUID taskId) {
        return awaitState(taskId, t -> !t.completions.isEmpty(), "a completion")
                .completions
                .getFirst();
    }

    /** Waits (up to a minute) until a heartbeat of the task satisfies {@code test}. */
    public void awaitHeartbeat(UUID taskId, Predicate<List<Heartbeat>> test, String what) {
        awaitState(taskId, t -> test.test(t.heartbeats), what);
    }

    private Task awaitState(UUID taskId, Predicate<Task> test, String what) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        lock.lock();
        try {
            while (true) {
                Task task = tasks.get(taskId);
                if (test.test(task)) {
                    return task;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("task " + taskId + " never got " + what);
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        } finally {
            lock.unlock();
        }
    }
}
