package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepState;
import dev.cairn.contracts.api.StepView;
import dev.cairn.runner.api.lease.LogLine;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The live view of a run while it executes, on standard error: on a terminal, one line per step
 * redrawn in place (state, attempt, time, a progress bar when the runner reports a total, and the
 * step's last log line); otherwise one plain line each time a step changes state, with the log tail
 * of a step that failed. Nothing with {@code --json}.
 */
final class Progress {

    /** How {@code cairn} learns that standard error is a terminal: the launcher sets it. */
    static final String TTY_PROPERTY = "cairn.tty";

    private final PrintStream err;
    private final boolean tty;
    private final boolean quiet;
    private final int columns;
    private Instant started;
    private final Map<String, String> seen = new HashMap<>();
    private int drawn;

    Progress(PrintStream err, boolean tty, boolean quiet) {
        this.err = err;
        this.tty = tty;
        this.quiet = quiet;
        this.columns = columns();
    }

    /** Whether standard error is an interactive terminal, as the {@code ./cairn} launcher says. */
    static boolean stderrIsTerminal() {
        return Boolean.parseBoolean(System.getProperty(TTY_PROPERTY, "false")) && System.getenv("NO_PROGRESS") == null;
    }

    private static int columns() {
        try {
            int n = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "100"));
            return Math.max(40, n);
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    /** A remark above the live lines (plain text). */
    void note(String text) {
        if (!quiet) {
            err.println(text);
        }
    }

    /** Shows {@code detail}; on a terminal redraws the block, otherwise prints what changed. */
    void show(RunDetail detail) {
        if (quiet) {
            return;
        }
        if (started == null) {
            started = Instant.now();
        }
        if (tty) {
            redraw(detail);
        } else {
            changes(detail);
        }
        err.flush();
    }

    /** Leaves the live block as it is, for what is printed next. */
    void finish() {
        drawn = 0;
    }

    private void redraw(RunDetail detail) {
        StringBuilder out = new StringBuilder();
        if (drawn > 0) {
            out.append("\033[").append(drawn).append('A');
        }
        int width =
                detail.steps().stream().mapToInt(s -> s.stepId().length()).max().orElse(4);
        for (StepView s : detail.steps()) {
            String line = "  " + symbol(s.state()) + " " + pad(s.stepId(), width) + "  " + pad(word(s.state()), 9)
                    + timing(s) + attempt(s) + bar(s) + cache(s) + lastLog(s);
            out.append("\r\033[2K").append(cut(line, columns - 1)).append('\n');
        }
        drawn = detail.steps().size();
        err.print(out);
    }

    private void changes(RunDetail detail) {
        for (StepView s : detail.steps()) {
            String key = s.state() + "#" + s.attempt();
            if (key.equals(seen.put(s.stepId(), key)) || s.state() == StepState.PENDING) {
                continue;
            }
            String elapsed = seconds(Duration.between(started, Instant.now()).toMillis());
            err.println(pad(elapsed, 7) + "  " + s.stepId() + ": " + word(s.state()) + attempt(s) + timing(s) + cache(s)
                    + (s.state() == StepState.FAILED
                            ? s.error().map(e -> "  " + e).orElse("")
                            : ""));
            if (s.state() == StepState.FAILED || s.state() == StepState.RETRYING) {
                List<LogLine> tail = s.logTail();
                for (LogLine line : tail.subList(Math.max(0, tail.size() - 10), tail.size())) {
                    err.println("         | " + line.message());
                }
            }
        }
    }

    private static String timing(StepView s) {
        if (s.durationMs().isPresent()) {
            return "  " + seconds(s.durationMs().get());
        }
        if (s.startedAt().isPresent() && s.state() == StepState.RUNNING) {
            return "  "
                    + seconds(
                            Duration.between(s.startedAt().get(), Instant.now()).toMillis());
        }
        return "";
    }

    private static String attempt(StepView s) {
        return s.attempt() > 1 ? "  attempt " + s.attempt() : "";
    }

    private static String cache(StepView s) {
        return s.cache().map(c -> "  cache " + c).orElse("");
    }

    private static String lastLog(StepView s) {
        if (s.logTail().isEmpty() || s.state() == StepState.COMPLETED || s.state() == StepState.SKIPPED) {
            return "";
        }
        return "  | " + s.logTail().getLast().message().strip();
    }

    /** A bar when the runner reported a numeric progress and a total. */
    private static String bar(StepView s) {
        if (s.total().isEmpty() || s.total().get() <= 0 || s.state() != StepState.RUNNING) {
            return "";
        }
        Optional<Double> done = s.progress().flatMap(Progress::number);
        if (done.isEmpty()) {
            return "";
        }
        double fraction = Math.max(0, Math.min(1, done.get() / s.total().get()));
        int filled = (int) Math.round(fraction * 20);
        return "  [" + "#".repeat(filled) + "-".repeat(20 - filled) + "] "
                + String.format(Locale.ROOT, "%3.0f%%", fraction * 100);
    }

    private static Optional<Double> number(JsonNode progress) {
        if (progress.isNumber()) {
            return Optional.of(progress.doubleValue());
        }
        for (String field : List.of("done", "current", "completed", "value")) {
            if (progress.path(field).isNumber()) {
                return Optional.of(progress.path(field).doubleValue());
            }
        }
        return Optional.empty();
    }

    static String symbol(StepState state) {
        return switch (state) {
            case PENDING -> "·";
            case QUEUED -> "○";
            case RUNNING -> "▶";
            case RETRYING -> "↻";
            case COMPLETED -> "✓";
            case FAILED -> "✗";
            case SKIPPED -> "-";
            case CANCELLED -> "⊘";
        };
    }

    static String word(StepState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    static String seconds(long millis) {
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        return (millis / 60_000) + "m" + String.format(Locale.ROOT, "%02d", (millis / 1000) % 60) + "s";
    }

    static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    private static String cut(String line, int width) {
        return line.length() <= width ? line : line.substring(0, Math.max(0, width - 1)) + "…";
    }
}
