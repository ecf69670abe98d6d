package dev.cairn.workspace;

import dev.cairn.machine.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link Workspaces} works. Build with {@link #builder()}.
 *
 * @param parallelism how many files are hashed, stored or written at the same time
 * @param smallFileBytes files up to this size are read whole into memory and stored with one
 *     deferred write (made durable together at the end); larger ones are streamed
 * @param racyWindow a file modified less than this before a snapshot started is hashed again by
 *     the next snapshot whatever its stat says (see {@link StatCache}); at least the coarsest
 *     timestamp granularity of the filesystems used (2 s covers FAT and most network filesystems)
 * @param presenceTtl how long a blob confirmed stored (and freshened) stays trusted by later
 *     snapshots without being checked again; must be well below the collector's grace period
 *     ({@code GcOptions.grace}), see {@code docs/workspaces.md}
 * @param clock the wall clock (real time: it is compared with file times)
 */
public record WorkspaceOptions(
        int parallelism, long smallFileBytes, Duration racyWindow, Duration presenceTtl, Clock clock) {

    /** Default {@link #parallelism}: twice the processors, at least 4. */
    public static final int DEFAULT_PARALLELISM =
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    /** Default {@link #smallFileBytes}: 1 MiB. */
    public static final long DEFAULT_SMALL_FILE_BYTES = 1 << 20;

    /** Default {@link #racyWindow}. */
    public static final Duration DEFAULT_RACY_WINDOW = Duration.ofSeconds(2);

    /** Default {@link #presenceTtl}. */
    public static final Duration DEFAULT_PRESENCE_TTL = Duration.ofMinutes(10);

    public WorkspaceOptions {
        if (parallelism < 1) {
            throw WorkspaceException.invalidValue("parallelism", "must be at least 1, got " + parallelism);
        }
        if (smallFileBytes < 0 || smallFileBytes > Integer.MAX_VALUE - 8) {
            throw WorkspaceException.invalidValue(
                    "small_file_bytes", "must be between 0 and " + (Integer.MAX_VALUE - 8) + ", got " + smallFileBytes);
        }
        Objects.requireNonNull(racyWindow, "racy_window");
        if (racyWindow.isNegative()) {
            throw WorkspaceException.invalidValue("racy_window", "must not be negative, got " + racyWindow);
        }
        Objects.requireNonNull(presenceTtl, "presence_ttl");
        if (presenceTtl.isNegative()) {
            throw WorkspaceException.invalidValue("presence_ttl", "must not be negative, got " + presenceTtl);
        }
        Objects.requireNonNull(clock, "clock");
    }

    /** The defaults. */
    public static WorkspaceOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link WorkspaceOptions}; validation happens in {@link #build()}. */
    public static final class Builder {
        private int parallelism = DEFAULT_PARALLELISM;
        private long smallFileBytes = DEFAULT_SMALL_FILE_BYTES;
        private Duration racyWindow = DEFAULT_RACY_WINDOW;
        private Duration presenceTtl = DEFAULT_PRESENCE_TTL;
        private Clock clock = Clock.system();

        private Builder() {}

        public Builder parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        public Builder smallFileBytes(long smallFileBytes) {
            this.smallFileBytes = smallFileBytes;
            return this;
        }

        public Builder racyWindow(Duration racyWindow) {
            this.racyWindow = racyWindow;
            return this;
        }

        public Builder presenceTtl(Duration presenceTtl) {
            this.presenceTtl = presenceTtl;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public WorkspaceOptions build() {
            return new WorkspaceOptions(parallelism, smallFileBytes, racyWindow, presenceTtl, clock);
        }
    }
}
