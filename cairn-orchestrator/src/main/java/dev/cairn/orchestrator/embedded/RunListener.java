package dev.cairn.orchestrator.embedded;

import dev.cairn.sinks.config.EventSinkConfig;
import java.util.List;

/**
 * Hears of every run the orchestrator starts driving — one just accepted, or one resumed when the
 * orchestrator opens — with the event sinks its submitter gave for it. The node subscribes them to
 * its event relay ({@code EventRelay.subscribeRun(runId, sinks)}, which is idempotent and starts at
 * the run's first event, so being told again after a restart loses and repeats nothing).
 *
 * <p>Called on the submitting (or opening) thread before the run's first state runs; it must not
 * block for long. An exception it throws is logged and does not stop the run.
 */
@FunctionalInterface
public interface RunListener {

    /**
     * The run {@code runId} is being driven.
     *
     * @param sinks its per-run event sinks, in the order given; often empty
     */
    void driving(String runId, List<EventSinkConfig> sinks);

    /** A listener that does nothing. */
    static RunListener none() {
        return (runId, sinks) -> {};
    }
}
