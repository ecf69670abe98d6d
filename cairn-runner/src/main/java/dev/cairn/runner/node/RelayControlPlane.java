package dev.cairn.runner.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.cairn.runner.api.ControlPlane;
import dev.cairn.runner.api.LogLevel;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.LogLine;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link ControlPlane} of one task on a node: buffers progress and log lines until the node's
 * next heartbeat {@linkplain #drain() takes them}, and reports cancellation once the node {@linkplain
 * #cancel() learns of it}.
 *
 * <p>A log event becomes a {@link LogLine}: {@code level} (trace..error, default info), {@code
 * stream} ({@code stdout} or {@code stderr}; anything else is {@code runner}) and {@code message}
 * (the whole event as JSON when it has no textual message). At most {@value #MAX_PENDING} lines wait
 * for a heartbeat; beyond that lines are dropped and counted, and the next batch says how many were
 * lost. Thread-safe.
 */
public final class RelayControlPlane implements ControlPlane {

    /** Lines held for the next heartbeats at most. */
    public static final int MAX_PENDING = 20_000;

    private final Clock clock;
    private final ArrayDeque<LogLine> pending = new ArrayDeque<>();
    private volatile boolean cancelled;
    private JsonNode progress;
    private boolean progressChanged;
    private long dropped;

    public RelayControlPlane(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What a heartbeat carries: the progress if it changed, and log lines in order. */
    public record Batch(Optional<JsonNode> progress, List<LogLine> logs) {
        public Batch {
            Objects.requireNonNull(progress, "progress");
            logs = List.copyOf(logs);
        }

        /** Whether there is nothing to send. */
        public boolean isEmpty() {
            return progress.isEmpty() && logs.isEmpty();
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    /** Marks the task cancelled; {@link #isCancelled()} answers {@code true} from now on. */
    public void cancel() {
        cancelled = true;
    }

    @Override
    public synchronized void progress(JsonNode value) {
        progress = value == null ? NullNode.getInstance() : value.deepCopy();
        progressChanged = true;
    }

    @Override
    public void logEvent(JsonNode fields) {
        Objects.requireNonNull(fields, "fields");
        LogLevel level = levelOf(fields.path("level").asText("info"));
        String stream = fields.path("stream").asText("runner");
        if (!stream.equals("stdout") && !stream.equals("stderr") && !stream.equals("cell")) {
            stream = "runner";
        }
        JsonNode message = fields.get("message");
        String text = message != null && message.isTextual() ? message.asText() : fields.toString();
        append(new LogLine(clock.millis(), level, stream, text));
    }

    /** Appends one line of a stream ({@code stdout}, {@code stderr}, {@code runner} or {@code cell}). */
    public void line(LogLevel level, String stream, String message) {
        append(new LogLine(clock.millis(), level, stream, message));
    }

    private synchronized void append(LogLine line) {
        if (pending.size() >= MAX_PENDING) {
            dropped++;
            return;
        }
        pending.addLast(line);
    }

    /** The latest progress value, whether or not a heartbeat carried it. */
    public synchronized Optional<JsonNode> lastProgress() {
        return Optional.ofNullable(progress).map(JsonNode::deepCopy);
    }

    /** Whether log lines wait for a heartbeat. */
    public synchronized boolean hasPendingLogs() {
        return !pending.isEmpty() || dropped > 0;
    }

    /** Whether anything (changed progress or log lines) waits for a heartbeat. */
    public synchronized boolean hasPending() {
        return progressChanged || hasPendingLogs();
    }

    /**
     * Takes what the next heartbeat carries: the progress if it changed since the last batch, and up
     * to {@link Heartbeat#MAX_LINES} log lines (the rest stay for the next batch).
     */
    public synchronized Batch drain() {
        Optional<JsonNode> changed = progressChanged ? Optional.of(progress.deepCopy()) : Optional.empty();
        progressChanged = false;
        List<LogLine> lines = new ArrayList<>(Math.min(pending.size() + 1, Heartbeat.MAX_LINES));
        if (dropped > 0) {
            lines.add(new LogLine(
                    clock.millis(),
                    LogLevel.WARN,
                    "runner",
                    dropped + " log lines were dropped: the task logged faster than heartbeats could relay"));
            dropped = 0;
        }
        while (lines.size() < Heartbeat.MAX_LINES && !pending.isEmpty()) {
            lines.add(pending.removeFirst());
        }
        return new Batch(changed, lines);
    }

    /** Puts a batch that could not be sent back in front of what came since. */
    public synchronized void restore(Batch batch) {
        List<LogLine> lines = batch.logs();
        for (int i = lines.size() - 1; i >= 0; i--) {
            pending.addFirst(lines.get(i));
        }
        while (pending.size() > MAX_PENDING) {
            pending.removeLast();
            dropped++;
        }
        if (batch.progress().isPresent() && !progressChanged) {
            progressChanged = true;
        }
    }

    private static LogLevel levelOf(String name) {
        try {
            return LogLevel.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return LogLevel.INFO;
        }
    }
}
