package dev.cairn.executor.protocol;

import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireEnum;
import java.util.Objects;

/**
 * The host's cache outcome for one step. The executor honours it; it does not decide again.
 *
 * <p>Internally tagged by {@code kind}: {@code {"kind":"hit","tag":"…"}}, {@code
 * {"kind":"miss_build_as","tag":"…"}}, {@code {"kind":"miss_no_commit"}}.
 */
@WireEnum(tag = "kind", variants = VariantCase.SNAKE_CASE)
public sealed interface CacheDecision {

    /** Restore the workspace from {@code tag} and skip the command. */
    record Hit(SnapshotRef tag) implements CacheDecision {
        public Hit {
            Objects.requireNonNull(tag, "tag");
        }
    }

    /**
     * Run the command; on success commit the workspace as {@code tag} and report it in {@link
     * StepResult#committedSnapshot()}.
     */
    record MissBuildAs(SnapshotRef tag) implements CacheDecision {
        public MissBuildAs {
            Objects.requireNonNull(tag, "tag");
        }
    }

    /** Run the command and commit nothing (side effects, or caching switched off for the step). */
    record MissNoCommit() implements CacheDecision {}
}
