package dev.cairn.orchestrator.embedded;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link Signal} per run that someone follows, fired after each durable append to that run.
 *
 * <p>A follower of a run's events (a long poll, a server-sent event stream) waits on its run's
 * signal only, so an append wakes the followers of the run it appended to and no one else. With
 * one signal for all runs, every append woke every follower of every run, each of which read the
 * log and the runs index to find nothing new: with many runs followed at once, that was a read per
 * follower per append, on the same cores as the appends.
 *
 * <p>Signals exist while followed: {@link #follow} counts a follower in and {@link Follow#close()}
 * out, and the last one out removes the run's signal, so the map holds the runs being followed now,
 * not every run ever followed. Thread-safe.
 */
final class RunSignals {

    private final ConcurrentHashMap<String, Followed> followed = new ConcurrentHashMap<>();

    /** Tells the followers of {@code runId}, if any, that it has new events. */
    void fire(String runId) {
        Followed run = followed.get(runId);
        if (run != null) {
            run.signal.fire();
        }
    }

    /** Starts following {@code runId}; close the result when done. */
    Follow follow(String runId) {
        Followed run = followed.compute(runId, (id, existing) -> {
            Followed f = existing == null ? new Followed() : existing;
            f.followers++;
            return f;
        });
        return new Follow(runId, run.signal);
    }

    /** How many runs are followed now (for tests). */
    int followedRuns() {
        return followed.size();
    }

    private void unfollow(String runId) {
        followed.computeIfPresent(runId, (id, run) -> --run.followers == 0 ? null : run);
    }

    /** The count of followers is changed only inside {@code compute}, which serializes it per key. */
    private static final class Followed {
        final Signal signal = new Signal();
        int followers;
    }

    /** One follower's hold on a run's signal. */
    final class Follow implements AutoCloseable {
        private final String runId;
        private final Signal signal;
        private boolean closed;

        private Follow(String runId, Signal signal) {
            this.runId = runId;
            this.signal = signal;
        }

        Signal signal() {
            return signal;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                unfollow(runId);
            }
        }
    }
}
