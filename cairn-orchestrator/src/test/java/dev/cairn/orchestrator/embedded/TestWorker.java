package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.LogLevel;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.HeartbeatAnswer;
import dev.cairn.runner.api.lease.LeaseException;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.LeaseService;
import dev.cairn.runner.api.lease.LogLine;
import dev.cairn.runner.api.lease.TaskOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A small protocol client of {@link LeaseService} for tests: takes leases for its capabilities and
 * labels, runs an in-test handler per capability (relaying log lines and progress through
 * heartbeats), and completes. It survives orchestrator restarts: it asks {@code leases} for the
 * current service on every call and waits while the orchestrator is away.
 */
final class TestWorker implements AutoCloseable {

    /** What a test capability does with one lease. */
    interface Handler {
        TaskOutcome run(LeaseEnvelope lease, Control control) throws Exception;
    }

    /** The handler's line to the orchestrator: logs and progress go out with the next heartbeat. */
    final class Control {
        private final LeaseRef lease;
        private final List<LogLine> pending = new ArrayList<>();
        private Optional<JsonNode> progress = Optional.empty();
        private boolean cancelled;

        Control(LeaseRef lease) {
            this.lease = lease;
        }

        void log(String line) {
            pending.add(new LogLine(System.currentTimeMillis(), LogLevel.INFO, "stdout", line));
        }

        void progress(JsonNode value) {
            progress = Optional.of(value);
        }

        /** Sends a heartbeat with what was reported since the last one. */
        HeartbeatAnswer beat() {
            Heartbeat heartbeat = new Heartbeat(lease, progress, List.copyOf(pending));
            HeartbeatAnswer answer;
            while (true) {
                try {
                    answer = service().heartbeat(heartbeat);
                    break;
                } catch (LeaseException e) {
                    if (!e.retryable() || stopped) {
                        throw e;
                    }
                    pause();
                }
            }
            pending.clear();
            progress = Optional.empty();
            cancelled |= answer.cancel();
            return answer;
        }

        boolean cancelled() {
            return cancelled;
        }
    }

    private final Supplier<LeaseService> leases;
    private final String workerId;
    private final Map<String, Handler> handlers;
    private final TreeMap<String, String> labels;
    private final Thread thread;
    private volatile boolean stopped;
    final List<LeaseEnvelope> taken = Collections.synchronizedList(new ArrayList<>());
    final List<Completion> completed = Collections.synchronizedList(new ArrayList<>());
    final List<LeaseException> refused = Collections.synchronizedList(new ArrayList<>());

    TestWorker(
            Supplier<LeaseService> leases, String workerId, Map<String, String> labels, Map<String, Handler> handlers) {
        this.leases = leases;
        this.workerId = workerId;
        this.labels = new TreeMap<>(labels);
        this.handlers = Map.copyOf(handlers);
        this.thread = Thread.ofVirtual().name("test-worker-" + workerId).unstarted(this::loop);
    }

    TestWorker start() {
        thread.start();
        return this;
    }

    private LeaseService service() {
        return leases.get();
    }

    private void loop() {
        while (!stopped) {
            List<LeaseEnvelope> got;
            try {
                got = service()
                        .acquire(new AcquireRequest(
                                workerId, List.copyOf(handlers.keySet()), labels, 1, Duration.ofMillis(200)));
            } catch (RuntimeException e) {
                pause();
                continue;
            }
            for (LeaseEnvelope lease : got) {
                taken.add(lease);
                run(lease);
            }
        }
    }

    private void run(LeaseEnvelope lease) {
        Control control = new Control(LeaseRef.of(lease));
        TaskOutcome outcome;
        try {
            outcome = handlers.get(lease.task().capability()).run(lease, control);
            control.beat();
        } catch (LeaseException e) {
            refused.add(e);
            return;
        } catch (Exception e) {
            outcome = new TaskOutcome.Failed("runner_failed", String.valueOf(e.getMessage()), false);
        }
        Completion completion = new Completion(LeaseRef.of(lease), outcome);
        while (true) {
            try {
                service().complete(completion);
                completed.add(completion);
                return;
            } catch (LeaseException e) {
                if (!e.retryable()) {
                    refused.add(e);
                    return;
                }
                pause();
            } catch (RuntimeException e) {
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(Duration.ofSeconds(10));
    }
}
