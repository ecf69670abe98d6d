package dev.cairn.server;

import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.LogEntry;
import dev.cairn.contracts.api.LogPage;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepState;
import dev.cairn.contracts.api.StepView;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.RunId;
import dev.cairn.orchestrator.api.Orchestrator;
import dev.cairn.orchestrator.api.RunQuery;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cairn's run routes: pipelines, listing, detail, cancel, resume, replay, and the run's events and
 * logs as server-sent events.
 */
final class RunRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(RunRoutes.class);

    static final HeaderName LAST_EVENT_ID = HeaderNames.create("Last-Event-ID");

    /** Default page size of {@code GET /v1/runs}. */
    static final int DEFAULT_RUNS = 50;

    /** Default and largest page of {@code GET /v1/runs/{runId}/logs}. */
    static final int DEFAULT_LOG_LINES = 1000;

    static final int MAX_LOG_LINES = 5000;

    static final int MAX_CURSOR = 1024;

    /** How long a reconnecting EventSource waits (the {@code retry:} field), in milliseconds. */
    static final long RETRY_MILLIS = 2000;

    private final Orchestrator orchestrator;
    private final Lifecycle lifecycle;
    private final HttpMetrics metrics;

    RunRoutes(Orchestrator orchestrator, Lifecycle lifecycle, HttpMetrics metrics) {
        this.orchestrator = orchestrator;
        this.lifecycle = lifecycle;
        this.metrics = metrics;
    }

    void register(Router router) {
        router.add("POST", "/v1/pipelines/run", Access.CLIENT, this::submitPipeline);
        router.add("GET", "/v1/runs", Access.CLIENT, this::list);
        router.add("GET", "/v1/runs/{runId}", Access.CLIENT, this::detail);
        router.add("POST", "/v1/runs/{runId}/cancel", Access.CLIENT, this::cancel);
        router.add("POST", "/v1/runs/{runId}/resume", Access.CLIENT, this::resume);
        router.add("POST", "/v1/runs/{runId}/replay", Access.CLIENT, this::replay);
        router.add("GET", "/v1/runs/{runId}/events", Access.CLIENT, this::events);
        router.add("GET", "/v1/runs/{runId}/logs", Access.CLIENT, this::logs);
    }

    private static String runId(Exchange ex) {
        return RunId.parse(ex.param("runId")).toString();
    }

    private void submitPipeline(Exchange ex) throws Exception {
        ex.noQuery();
        PipelineRunRequest request = ex.readJson(PipelineRunRequest.class);
        ex.json(202, orchestrator.submitPipeline(request));
    }

    private void list(Exchange ex) {
        Query query = ex.query(Set.of("state", "limit", "cursor"));
        Optional<RunState> state = query.text("state", 64).map(RunRoutes::state);
        int limit = (int) query.integer("limit", 1, RunQuery.MAX_LIMIT, DEFAULT_RUNS);
        Optional<String> cursor = query.text("cursor", MAX_CURSOR);
        ex.json(200, orchestrator.runs(new RunQuery(state, limit, cursor)));
    }

    private static RunState state(String text) {
        for (RunState state : RunState.values()) {
            if (Wire.write(state).equals("\"" + text + "\"")) {
                return state;
            }
        }
        throw ServerException.invalidParameter(
                "state",
                "must be one of queued, running, completed, failed, timed_out; got `" + ServerException.shorten(text)
                        + "`");
    }

    private void detail(Exchange ex) {
        ex.noQuery();
        ex.json(200, orchestrator.detail(runId(ex)));
    }

    private void cancel(Exchange ex) {
        ex.noQuery();
        ex.json(202, orchestrator.cancel(runId(ex)));
    }

    private void resume(Exchange ex) {
        ex.noQuery();
        ex.json(202, orchestrator.resume(runId(ex)));
    }

    private void replay(Exchange ex) {
        ex.noQuery();
        ex.json(200, orchestrator.replay(runId(ex)));
    }

    // ------------------------------------------------------------------ events

    private void events(Exchange ex) throws IOException {
        String runId = runId(ex);
        Query query = ex.query(Set.of("after_seq"));
        long after = resumeFrom(ex, cursor(query, "after_seq", "an event's seq"), "after_seq");
        orchestrator.status(runId); // 404 before the stream starts
        Keepalive keepalive = new Keepalive(ex.limits().sseHeartbeat());
        int batch = ex.limits().sseBatch();
        stream(ex, sse -> {
            long last = after;
            while (!lifecycle.stopping()) {
                long seen = last;
                List<EventEnvelope> events =
                        lifecycle.waitFor(() -> orchestrator.events(runId, seen, batch, keepalive.poll()));
                if (events.isEmpty()) {
                    if (!orchestrator.status(runId).state().terminal()) {
                        keepalive.idle(sse);
                        continue;
                    }
                    events = orchestrator.events(runId, last, batch, Duration.ZERO);
                    if (events.isEmpty()) {
                        return; // the run ended before `last`: nothing will follow
                    }
                }
                keepalive.wrote();
                for (EventEnvelope event : events) {
                    sse.event(Long.toString(event.seq()), kind(event), Wire.write(event));
                    last = event.seq();
                    if (completes(event)) {
                        sse.flush();
                        return;
                    }
                }
                sse.flush();
            }
        });
    }

    private static String kind(EventEnvelope envelope) {
        return switch (envelope.event()) {
            case Event.Kernel k -> "kernel";
            case Event.Domain d -> "domain";
        };
    }

    private static boolean completes(EventEnvelope envelope) {
        return envelope.event() instanceof Event.Kernel(KernelEvent.RunCompleted completed);
    }

    /** Where a stream resumes: after {@code Last-Event-ID} when sent, else after the query parameter. */
    private static long resumeFrom(Exchange ex, long fromQuery, String parameter) {
        Optional<String> lastEventId = ex.requestHeader(LAST_EVENT_ID);
        if (lastEventId.isEmpty()) {
            return fromQuery;
        }
        try {
            return Query.parseInteger(
                    LAST_EVENT_ID.defaultCase(), lastEventId.get().strip(), 0, Long.MAX_VALUE);
        } catch (ServerException e) {
            throw ServerException.invalidCursor(
                    LAST_EVENT_ID.defaultCase(),
                    true,
                    "must be the id of an event (a " + parameter + "), got `"
                            + ServerException.shorten(lastEventId.get()) + "`");
        }
    }

    /** A resume position from the query (default 0); one this server cannot have given is {@code invalid_cursor}. */
    private static long cursor(Query query, String name, String what) {
        try {
            return query.integer(name, 0, Long.MAX_VALUE, 0);
        } catch (ServerException e) {
            throw ServerException.invalidCursor(
                    name, false, "must be " + what + " (a decimal integer >= 0): " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ logs

    private void logs(Exchange ex) throws IOException {
        String runId = runId(ex);
        Query query = ex.query(Set.of("step", "after", "limit", "follow"));
        Optional<String> step = query.text("step", 256);
        long after = cursor(query, "after", "a log line's cursor");
        int limit = (int) query.integer("limit", 1, MAX_LOG_LINES, DEFAULT_LOG_LINES);
        boolean follow = query.bool("follow", false);
        if (!follow) {
            ex.json(200, orchestrator.logs(runId, step, after, limit, Duration.ZERO));
            return;
        }
        long from = resumeFrom(ex, after, "cursor");
        checkStep(runId, step);
        Keepalive keepalive = new Keepalive(ex.limits().sseHeartbeat());
        int batch = Math.min(limit, ex.limits().sseBatch());
        stream(ex, sse -> {
            long last = from;
            while (!lifecycle.stopping()) {
                long seen = last;
                LogPage page = lifecycle.waitFor(() -> orchestrator.logs(runId, step, seen, batch, keepalive.poll()));
                if (page.lines().isEmpty()) {
                    if (!ended(runId, step)) {
                        keepalive.idle(sse);
                        continue;
                    }
                    page = orchestrator.logs(runId, step, last, batch, Duration.ZERO);
                    if (page.lines().isEmpty()) {
                        sse.event(null, "end", "{}");
                        sse.flush();
                        return;
                    }
                }
                keepalive.wrote();
                for (LogEntry line : page.lines()) {
                    sse.event(Long.toString(line.cursor()), "log", Wire.write(line));
                    last = line.cursor();
                }
                sse.flush();
            }
        });
    }

    /** 404 {@code run_not_found}, or {@code step_not_found} when the run has no such step. */
    private void checkStep(String runId, Optional<String> step) {
        RunDetail detail = orchestrator.detail(runId);
        if (step.isPresent() && stepsOf(detail, step.get()).isEmpty()) {
            throw stepNotFound(runId, step.get(), detail);
        }
    }

    private static ServerException stepNotFound(String runId, String step, RunDetail detail) {
        return ServerException.stepNotFound(
                runId, step, detail.steps().stream().map(StepView::stepId).toList());
    }

    /** Whether the step (all its regions), or the run when no step is named, has ended. */
    private boolean ended(String runId, Optional<String> step) {
        if (step.isEmpty()) {
            return orchestrator.status(runId).state().terminal();
        }
        RunDetail detail = orchestrator.detail(runId);
        return detail.state().terminal() || stepsOf(detail, step.get()).stream().allMatch(v -> terminal(v.state()));
    }

    private static List<StepView> stepsOf(RunDetail detail, String step) {
        return detail.steps().stream()
                .filter(v -> v.stepId().equals(step) || v.stepId().startsWith(step + "@"))
                .toList();
    }

    private static boolean terminal(StepState state) {
        return switch (state) {
            case COMPLETED, FAILED, SKIPPED, CANCELLED -> true;
            case PENDING, QUEUED, RUNNING, RETRYING -> false;
        };
    }

    // ------------------------------------------------------------------ streams

    /**
     * When a stream asks for news and when it sends a keepalive: it waits at most {@link #POLL} at
     * a time, so that it notices soon that its step or run ended (a completion is no log line, and
     * wakes no log wait), and sends a comment once nothing was written for a heartbeat.
     */
    private static final class Keepalive {
        static final Duration POLL = Duration.ofSeconds(1);

        private final Duration heartbeat;
        private long lastWrite = System.nanoTime();

        Keepalive(Duration heartbeat) {
            this.heartbeat = heartbeat;
        }

        Duration poll() {
            return heartbeat.compareTo(POLL) < 0 ? heartbeat : POLL;
        }

        void wrote() {
            lastWrite = System.nanoTime();
        }

        void idle(SseStream sse) throws IOException {
            if (System.nanoTime() - lastWrite >= heartbeat.toNanos()) {
                sse.comment("keepalive");
                wrote();
            }
        }
    }

    /** What a stream writes until it is done. */
    @FunctionalInterface
    private interface StreamBody {
        void write(SseStream sse) throws IOException;
    }

    /**
     * Answers 200 {@code text/event-stream} and runs {@code body}. A stream ends when its body
     * returns, when the client goes away, or when the server stops (which interrupts its wait for
     * news, marked with {@link Lifecycle#waitFor}, and never its writes); an
     * unexpected failure is sent as an {@code error} event carrying the envelope, then the stream
     * ends.
     */
    private void stream(Exchange ex, StreamBody body) throws IOException {
        ex.header("Cache-Control", "no-cache");
        ex.header("X-Accel-Buffering", "no");
        OutputStream out = ex.stream(200, "text/event-stream");
        SseStream sse = new SseStream(out);
        metrics.streamOpened();
        try {
            sse.retry(RETRY_MILLIS);
            body.write(sse);
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.debug("{}: the client went away: {}", ex.route().label(), e.toString());
            return;
        } catch (RuntimeException e) {
            if (Server.connectionLost(e)) {
                LOG.debug("{}: the client went away: {}", ex.route().label(), e.toString());
                return;
            }
            if (!lifecycle.stopping()) {
                ErrorMapping.Answer answer = ErrorMapping.answer(e, ex.route().label());
                Thread.interrupted();
                try {
                    sse.event(null, "error", Wire.write(answer.envelope()));
                    sse.flush();
                } catch (IOException | RuntimeException gone) {
                    return;
                }
            }
        } finally {
            metrics.streamClosed();
        }
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: closing the stream failed: {}", ex.route().label(), e.toString());
        }
    }
}
