package dev.cairn.sinks.delivery;

import dev.cairn.machine.ids.RunId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one sink stands, for operators ({@link EventRelay#status()}).
 *
 * @param sink the cursor's key: the server sink's name, or {@code run/<runId>/<name>}
 * @param run the run a per-run sink follows; empty for a server sink
 * @param target what the sink writes to (never a secret); {@code not running} for a cursor without
 *     a worker in this process
 * @param position the last acknowledged position: an {@code events.pos} for a server sink, a {@code
 *     seq} for a per-run sink
 * @param behind how many positions the log's head is ahead of {@code position} (0: caught up)
 * @param delivered how many events this sink acknowledged, in all
 * @param failures consecutive failed deliveries (0 after a success)
 * @param lastError the last failure's message, until the next success
 * @param lastDelivery when the sink last acknowledged events
 * @param finished a per-run sink that delivered its run's last event
 */
public record SinkStatus(
        String sink,
        Optional<RunId> run,
        String target,
        long position,
        long behind,
        long delivered,
        int failures,
        Optional<String> lastError,
        Optional<Instant> lastDelivery,
        boolean finished) {

    public SinkStatus {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(lastError, "last_error");
        Objects.requireNonNull(lastDelivery, "last_delivery");
    }
}
