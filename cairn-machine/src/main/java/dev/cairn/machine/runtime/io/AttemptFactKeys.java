package dev.cairn.machine.runtime.io;

import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.ids.StateId;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The fact keys the engine derives for an attempt's {@code now_millis}, {@code random_bytes} and
 * child runs, which have no caller-given key:
 *
 * <pre>cairn:&lt;kind&gt;|state:&lt;state_id&gt;|attempt:&lt;attempt&gt;|ord:&lt;n&gt;</pre>
 *
 * where {@code n} counts the calls of that kind in the attempt from 0. The run id is not part of
 * the key (facts are per run), so a replay into a new run finds the original's facts. A replay uses
 * the attempt number of the original attempt it reproduces ({@code factAttempt}).
 */
public final class AttemptFactKeys {

    /** Kind of {@code IoProvider.now_millis} facts; payload: a JSON number. */
    public static final String NOW_MILLIS = "now_millis";
    /** Kind of {@code IoProvider.random_bytes} facts; payload: a JSON string, base64 of the bytes. */
    public static final String RANDOM_BYTES = "random_bytes";
    /** Kind of child-run results; payload: a {@code ChildRunCompleted}. */
    public static final String CHILD_RUN = "child_run";

    private final StateId stateId;
    private final int factAttempt;
    private final Map<String, Integer> counters = new HashMap<>();

    /**
     * @param stateId the attempt's state
     * @param factAttempt the attempt number keys carry (the attempt itself when live)
     */
    public AttemptFactKeys(StateId stateId, int factAttempt) {
        this.stateId = Objects.requireNonNull(stateId, "state_id");
        if (factAttempt < 0) {
            throw new IllegalArgumentException("factAttempt must be >= 0, got " + factAttempt);
        }
        this.factAttempt = factAttempt;
    }

    /** The next key of {@code kind}. */
    public synchronized FactKey next(String kind) {
        int ordinal = counters.merge(kind, 1, Integer::sum) - 1;
        return of(kind, stateId, factAttempt, ordinal);
    }

    /** The key of the {@code ordinal}-th call of {@code kind} in attempt {@code attempt} of {@code stateId}. */
    public static FactKey of(String kind, StateId stateId, int attempt, int ordinal) {
        return new FactKey("cairn:" + kind + "|state:" + stateId + "|attempt:" + attempt + "|ord:" + ordinal);
    }
}
