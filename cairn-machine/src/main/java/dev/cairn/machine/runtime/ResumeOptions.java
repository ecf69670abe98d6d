package dev.cairn.machine.runtime;

import dev.cairn.machine.ids.StateId;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Operator choices for a resume.
 *
 * <p>By default, an {@code ApplySideEffect} state without an idempotency key that the log shows
 * interrupted is not re-run: resume records {@code StateFailed(interrupted_side_effect)} and the run
 * fails. An operator who has checked the external system can {@linkplain #allowRetry allow} such a
 * state to run again; the engine records the decision as an {@code operator_retry_allowed} domain
 * event before the new attempt. With {@link #holdInterruptedSideEffects()}, resume instead refuses
 * (throws {@code interrupted_side_effect}) without writing anything, leaving the decision to an
 * operator.
 *
 * @param allowRetry states whose interrupted side effect may run again
 * @param holdInterruptedSideEffects refuse rather than fail when an unkeyed side effect was
 *     interrupted and is not in {@code allowRetry}
 */
public record ResumeOptions(Set<StateId> allowRetry, boolean holdInterruptedSideEffects) {

    public ResumeOptions {
        allowRetry = Set.copyOf(Objects.requireNonNull(allowRetry, "allow_retry"));
    }

    /** No operator decisions: the default. */
    public static ResumeOptions defaults() {
        return new ResumeOptions(Set.of(), false);
    }

    /** Allows the interrupted side effects of {@code states} to run again. */
    public static ResumeOptions allowRetry(StateId... states) {
        return defaults().withAllowRetry(Set.of(states));
    }

    /** Refuse instead of failing interrupted unkeyed side effects. */
    public static ResumeOptions holdInterrupted() {
        return new ResumeOptions(Set.of(), true);
    }

    /** These options with {@code states} added to {@link #allowRetry()}. */
    public ResumeOptions withAllowRetry(Collection<StateId> states) {
        Set<StateId> all = new LinkedHashSet<>(allowRetry);
        all.addAll(states);
        return new ResumeOptions(all, holdInterruptedSideEffects);
    }
}
