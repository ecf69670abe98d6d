package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.machine.runtime.Lifecycle;
import dev.cairn.orchestrator.spec.SpecParser;
import dev.cairn.orchestrator.spec.SpecWriter;
import dev.cairn.runner.api.lease.LeaseService;
import dev.cairn.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * An orchestrator on a real SQLite database and filesystem artifact store in a temporary home, with
 * a manual clock (leases expire only when a test moves it and sweeps), test workers, and helpers to
 * wait for what happens on other threads (bounded waits, never timing assertions).
 */
final class Harness implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);

    final Path home;
    final ManualClock clock = new ManualClock();
    final Set<Lifecycle.Move<TaskStatus>> taskMoves = ConcurrentHashMap.newKeySet();
    final Set<Lifecycle.Move<LeaseStatus>> leaseMoves = ConcurrentHashMap.newKeySet();
    private final UnaryOperator<OrchestratorOptions.Builder> customize;
    private final List<TestWorker> workers = Collections.synchronizedList(new ArrayList<>());
    volatile EmbeddedOrchestrator orchestrator;

    Harness(Path home) {
        this(home, b -> b);
    }

    Harness(Path home, UnaryOperator<OrchestratorOptions.Builder> customize) {
        this.home = home;
        this.customize = customize;
        open();
    }

    EmbeddedOrchestrator open() {
        OrchestratorOptions options = customize
                .apply(OrchestratorOptions.builder()
                        .home(home)
                        .clock(clock)
                        .sleeper(clock)
                        .leaseTtl(Duration.ofSeconds(30))
                        .sweepInterval(Duration.ZERO))
                .build();
        orchestrator = EmbeddedOrchestrator.open(options, new TaskQueue.Listener() {
            @Override
            public void onTask(UUID taskId, Lifecycle.Move<TaskStatus> move) {
                taskMoves.add(move);
            }

            @Override
            public void onLease(UUID taskId, long epoch, Lifecycle.Move<LeaseStatus> move) {
                leaseMoves.add(move);
            }
        });
        return orchestrator;
    }

    /** Closes the orchestrator without finishing its runs (as a crash would) and opens it again. */
    EmbeddedOrchestrator restart() {
        orchestrator.close();
        return open();
    }

    /** The lease service of whichever orchestrator is open now. */
    LeaseService leases() {
        return new LeaseService() {
            @Override
            public List<dev.cairn.runner.api.LeaseEnvelope> acquire(dev.cairn.runner.api.lease.AcquireRequest r) {
                return orchestrator.leases().acquire(r);
            }

            @Override
            public dev.cairn.runner.api.lease.HeartbeatAnswer heartbeat(dev.cairn.runner.api.lease.Heartbeat h) {
                return orchestrator.leases().heartbeat(h);
            }

            @Override
            public void complete(dev.cairn.runner.api.lease.Completion c) {
                orchestrator.leases().complete(c);
            }
        };
    }

    TestWorker worker(String id, Map<String, String> labels, Map<String, TestWorker.Handler> handlers) {
        TestWorker worker = new TestWorker(() -> orchestrator.leases(), id, labels, handlers).start();
        workers.add(worker);
        return worker;
    }

    TestWorker commandWorker(String id, Map<String, String> labels) {
        return worker(id, labels, Map.of("command", Commands.handler(() -> orchestrator.artifacts())));
    }

    /** The spec format's JSON of a YAML pipeline. */
    static JsonNode spec(String yaml) {
        return SpecWriter.toJson(new SpecParser().parse(yaml, "test.yaml").spec());
    }

    String submit(String yaml) {
        return submit(yaml, Map.of());
    }

    String submit(String yaml, Map<String, String> params) {
        return orchestrator
                .submitPipeline(PipelineRunRequest.of(spec(yaml), params))
                .runId();
    }

    /** Waits until the run has ended; returns its detail. */
    RunDetail awaitEnd(String runId) {
        try {
            await(() -> orchestrator.detail(runId).state().terminal(), "run " + runId + " to end");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; it is " + orchestrator.detail(runId) + " with tasks "
                    + orchestrator.tasks(runId) + " and events "
                    + orchestrator.events(runId, 0, 1000, Duration.ZERO).stream()
                            .map(ev -> ev.event().toString())
                            .toList());
        }
        return orchestrator.detail(runId);
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (TestWorker worker : List.copyOf(workers)) {
            worker.close();
        }
        orchestrator.close();
    }
}
