package dev.cairn.machine.runtime;

import dev.cairn.machine.errors.RunException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import java.util.Arrays;
import java.util.Map;

/**
 * How a replay reproduces the run it verifies. Each state that ended in the original is replayed
 * once, reproducing its final attempt (the one that completed, or the last that failed, unless it
 * failed by cancellation): with that attempt's facts, in the same <em>wave</em> (block of
 * consecutive {@code StateEntered} events) as in the original, so that merges under fan-out see the
 * same sibling order and produce the same snapshots. The expected outcome is the original's: its
 * snapshot id, or its failure code.
 */
final class ReplayGuide {

    final RunId replayedRunId;
    /** The original block of each state's final attempt; -1 for states not replayed. */
    final int[] block;

    final int[] factAttempt;
    final ArtifactId[] expectedSnapshot;
    final String[] expectedFailure;

    private ReplayGuide(RunId replayedRunId, int n) {
        this.replayedRunId = replayedRunId;
        block = new int[n];
        factAttempt = new int[n];
        expectedSnapshot = new ArtifactId[n];
        expectedFailure = new String[n];
        Arrays.fill(block, -1);
    }

    static ReplayGuide of(RunHistory original, PlanIndex plan) {
        ReplayGuide guide = new ReplayGuide(original.runId, plan.size());
        for (Map.Entry<StateId, RunHistory.StateRecord> entry : original.states.entrySet()) {
            int i = plan.indexOf(entry.getKey());
            if (i < 0) {
                throw RunException.invalidPlan(
                        "plan_mismatch",
                        "run " + original.runId + " has state `" + entry.getKey()
                                + "`, which the plan resolved from its manifest does not");
            }
            RunHistory.StateRecord r = entry.getValue();
            if (r.finalAttempt < 0) {
                continue;
            }
            if (r.completed) {
                guide.expectedSnapshot[i] = r.completedSnapshot;
            } else if (r.lastTerminalFailed && !KernelCodes.CANCELLED.equals(r.lastFailureCode)) {
                guide.expectedFailure[i] = r.lastFailureCode;
            } else {
                continue;
            }
            guide.block[i] = r.finalBlock;
            guide.factAttempt[i] = r.finalAttempt;
        }
        return guide;
    }
}
