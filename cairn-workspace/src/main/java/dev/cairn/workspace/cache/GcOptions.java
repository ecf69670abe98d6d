package dev.cairn.workspace.cache;

import dev.cairn.workspace.WorkspaceException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a collection runs. Build with {@link #builder()}.
 *
 * @param grace a blob written or touched less than this long before the collection started is
 *     kept even if nothing references it yet: it may belong to a snapshot not yet committed. Must
 *     exceed {@code WorkspaceOptions.presenceTtl} plus the longest time from a snapshot's start to
 *     its commit (see {@code docs/workspaces.md})
 * @param dryRun count what would be deleted, delete nothing
 */
public record GcOptions(Duration grace, boolean dryRun) {

    /** Default {@link #grace}: one hour. */
    public static final Duration DEFAULT_GRACE = Duration.ofHours(1);

    public GcOptions {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw WorkspaceException.invalidValue("grace", "must not be negative, got " + grace);
        }
    }

    /** The defaults: one hour of grace, deleting. */
    public static GcOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link GcOptions}. */
    public static final class Builder {
        private Duration grace = DEFAULT_GRACE;
        private boolean dryRun;

        private Builder() {}

        public Builder grace(Duration grace) {
            this.grace = grace;
            return this;
        }

        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        public GcOptions build() {
            return new GcOptions(grace, dryRun);
        }
    }
}
