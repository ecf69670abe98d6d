package dev.cairn.orchestrator.embedded;

import dev.cairn.orchestrator.embedded.RunProjection.RunRow;
import dev.cairn.orchestrator.embedded.RunProjection.StepRow;
import dev.cairn.store.sqlite.SqlTransaction;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The runs index rows of runs in flight ({@code runs} and every {@code steps} row of the run), as
 * committed: what {@link ProjectingEventStore} would otherwise read back on every append, when it
 * wrote those rows itself one append earlier. A write-through cache, touched only by the SQLite
 * writer thread (inside write callbacks and their {@link SqlTransaction#afterCommit} actions), so
 * it needs no locks.
 *
 * <p>It never holds what did not commit. A callback {@linkplain #take takes} a run's entry out
 * (later callbacks of the same transaction then miss it and read the tables, which hold what the
 * earlier ones wrote), changes it and writes the rows, and {@linkplain #keepAfterCommit puts it
 * back} only once its transaction committed; a callback or transaction that rolls back never puts
 * it back, so the next append reads the tables again. Code that changes a cached row in SQL of its
 * own {@linkplain #forget forgets} the run, now and again after its commit (after the puts of
 * earlier callbacks of the same transaction).
 *
 * <p>Only the columns a fold reads are cached: the projected ones, {@code created_at} and {@code
 * priority} (fixed at acceptance). {@code timeout_requested}, which the sweep sets behind the
 * projection's back, is not to be trusted from here (the caller reads it when a fold needs it).
 * A run is evicted when it ends; the least recently used runs go when the entries hold more than
 * {@value #MAX_STEP_ROWS} step rows, and a run with more than {@value #MAX_RUN_STEPS} steps is not
 * cached (its appends read the tables as before).
 */
final class InFlightRuns {

    /** The step rows all entries may hold together. */
    static final int MAX_STEP_ROWS = 65_536;

    /** A run with more steps than this is not cached. */
    static final int MAX_RUN_STEPS = 1_024;

    /**
     * The rows of one run: its {@code runs} row and every one of its {@code steps} rows, by state id;
     * {@code acceptedHere} when this process accepted the run (so every task of it has this Cairn's
     * ids, none an older Cairn's hash-only one).
     */
    record Entry(RunRow run, LinkedHashMap<String, StepRow> steps, boolean acceptedHere) {}

    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private int stepRows;
    /** Runs found too large to cache, so their appends stop trying (a hint: forgetting one only costs a read). */
    private final LinkedHashMap<String, Boolean> tooLarge = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 256;
        }
    };

    /** Whether the run was found to have more than {@value #MAX_RUN_STEPS} steps. */
    boolean tooLarge(String runId) {
        return tooLarge.containsKey(runId);
    }

    /** Remembers that the run has more than {@value #MAX_RUN_STEPS} steps. */
    void markTooLarge(String runId) {
        tooLarge.put(runId, Boolean.TRUE);
    }

    /** Removes and returns the run's entry; null when it is not cached. */
    Entry take(String runId) {
        Entry entry = entries.remove(runId);
        if (entry != null) {
            stepRows -= entry.steps().size();
        }
        return entry;
    }

    /** Puts {@code entry} back once {@code tx} committed (never, if this callback or {@code tx} rolls back). */
    void keepAfterCommit(SqlTransaction tx, Entry entry) {
        if (entry.steps().size() > MAX_RUN_STEPS) {
            return;
        }
        tx.afterCommit(() -> put(entry));
    }

    /** Drops the run's entry now and once {@code tx} committed: {@code tx} changes its rows by itself. */
    void forget(SqlTransaction tx, String runId) {
        take(runId);
        tx.afterCommit(() -> take(runId));
    }

    /** How many runs are cached (for tests). */
    int size() {
        return entries.size();
    }

    /** The cached entry of a run, left in place (for tests). */
    Entry peek(String runId) {
        return entries.get(runId);
    }

    private void put(Entry entry) {
        Entry old = entries.put(entry.run().runId, entry);
        if (old != null) {
            stepRows -= old.steps().size();
        }
        stepRows += entry.steps().size();
        Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
        while (stepRows > MAX_STEP_ROWS && eldest.hasNext()) {
            stepRows -= eldest.next().getValue().steps().size();
            eldest.remove();
        }
    }
}
