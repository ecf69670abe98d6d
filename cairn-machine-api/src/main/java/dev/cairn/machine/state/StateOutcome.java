package dev.cairn.machine.state;

import java.util.Objects;

/**
 * Seed {@code state::StateOutcome}: result of a successful state handler.
 *
 * <p>The engine may still checkpoint according to {@code RunConfig.context_checkpointing} whatever
 * {@code snapshot} says: the hint asks for additional (or diagnostic) snapshots, it never allows
 * skipping a required checkpoint.
 *
 * @param snapshot snapshot hint
 */
public record StateOutcome(SnapshotPolicy snapshot) {

    public StateOutcome {
        Objects.requireNonNull(snapshot, "snapshot");
    }
}
