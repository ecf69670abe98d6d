package dev.cairn.orchestrator.embedded;

import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.runtime.Lifecycle;
import dev.cairn.machine.runtime.TransitionListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The orchestrator's meters, registered on the {@link MeterRegistry} of its options (the server
 * exports them as Prometheus text):
 *
 * <ul>
 *   <li>{@code cairn.runs.accepted} (counter, tag {@code kind}): runs accepted;
 *   <li>{@code cairn.runs.transitions} (counter, tags {@code from}, {@code to}): the kernel's run
 *       lifecycle moves, so {@code to=completed|failed|cancelled} counts runs ended;
 *   <li>{@code cairn.tasks.enqueued} (counter): tasks put on the queue;
 *   <li>{@code cairn.tasks.transitions} and {@code cairn.leases.transitions} (counters, tags {@code
 *       from}, {@code to}): the task and lease lifecycle moves (a lease granted is {@code
 *       queued→leased}; expired leases are {@code active→expired});
 *   <li>{@code cairn.leases.refused} (counter, tag {@code code}): heartbeats and completions refused
 *       ({@code stale_lease}, {@code unknown_task});
 *   <li>{@code cairn.tasks} (gauge, tag {@code status=queued|leased}): tasks waiting and running;
 *   <li>{@code cairn.runs.active} (gauge): runs this orchestrator is executing.
 * </ul>
 */
final class OrchestratorMetrics implements TaskQueue.Listener, TransitionListener {

    private final MeterRegistry registry;

    OrchestratorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the gauges; {@code tasks} counts tasks by status, {@code activeRuns} the runs executing. */
    void gauges(Supplier<Map<String, Long>> tasks, Supplier<Integer> activeRuns) {
        for (String status : new String[] {"queued", "leased"}) {
            ToDoubleFunction<Supplier<Map<String, Long>>> read = s -> s.get().getOrDefault(status, 0L);
            Gauge.builder("cairn.tasks", tasks, read)
                    .tag("status", status)
                    .description("tasks by status")
                    .strongReference(true)
                    .register(registry);
        }
        Gauge.builder("cairn.runs.active", activeRuns, s -> s.get())
                .description("runs this orchestrator is executing")
                .strongReference(true)
                .register(registry);
    }

    /**
     * Registers the count of tasks granted inside their dispatch's transaction. Micrometer holds
     * {@code queue} weakly (a function counter of a collected object reads 0): the queue lives as long
     * as its orchestrator, so it is the state object, not a lambda around it.
     */
    void pushes(TaskQueue queue) {
        FunctionCounter.builder("cairn.leases.pushed", queue, TaskQueue::pushedGrants)
                .description("tasks granted to a waiting acquire inside the transaction that dispatched them")
                .register(registry);
    }

    void accepted(String kind) {
        Counter.builder("cairn.runs.accepted")
                .tag("kind", kind)
                .register(registry)
                .increment();
    }

    void enqueued() {
        Counter.builder("cairn.tasks.enqueued").register(registry).increment();
    }

    void refused(String code) {
        Counter.builder("cairn.leases.refused")
                .tag("code", code)
                .register(registry)
                .increment();
    }

    @Override
    public void onTask(UUID taskId, Lifecycle.Move<TaskStatus> move) {
        count("cairn.tasks.transitions", move);
    }

    @Override
    public void onLease(UUID taskId, long epoch, Lifecycle.Move<LeaseStatus> move) {
        count("cairn.leases.transitions", move);
    }

    @Override
    public void onTransition(RunId runId, Optional<String> stateId, Lifecycle.Move<?> move) {
        if (stateId.isEmpty()) {
            count("cairn.runs.transitions", move);
        }
    }

    private void count(String name, Lifecycle.Move<?> move) {
        // registered once per (name, from, to): a lookup in the registry on every move costs more
        // than the move's own bookkeeping on the task path
        transitions
                .computeIfAbsent(new MoveKey(name, move.from(), move.to()), k -> Counter.builder(name)
                        .tag("from", move.from().name().toLowerCase(Locale.ROOT))
                        .tag("to", move.to().name().toLowerCase(Locale.ROOT))
                        .register(registry))
                .increment();
    }

    private record MoveKey(String name, Enum<?> from, Enum<?> to) {}

    private final java.util.concurrent.ConcurrentHashMap<MoveKey, Counter> transitions =
            new java.util.concurrent.ConcurrentHashMap<>();
}
