package dev.cairn.orchestrator.spec;

import dev.cairn.machine.config.EventProfile;
import dev.cairn.machine.config.ExecutionMode;
import dev.cairn.machine.config.RetryPolicy;
import dev.cairn.machine.meta.Tag;
import java.util.List;
import java.util.Objects;

/**
 * The {@code settings:} section: how the run is executed, captured in the manifest's {@link
 * dev.cairn.machine.config.RunConfig}.
 *
 * @param mode {@code sequential}, or {@code parallel} with {@code max_concurrency} (the kernel's
 *     {@link ExecutionMode.FanOutJoin}); default parallel with {@value #DEFAULT_MAX_CONCURRENCY}
 * @param retry retries of retryable failures for every step without a {@code retry} of its own;
 *     default none
 * @param skipTags steps carrying any of these tags are skipped
 * @param dryRun skip every step that applies a side effect (adds {@code apply_side_effect} to the
 *     skip tags); default false
 * @param events the domain-event verbosity; default {@code normal}
 */
public record RunSettings(
        ExecutionMode mode, RetryPolicy retry, List<Tag> skipTags, boolean dryRun, EventProfile events) {

    /** The concurrency of the default mode. */
    public static final int DEFAULT_MAX_CONCURRENCY = 4;

    /** The most steps a run may execute at once. */
    public static final int MAX_CONCURRENCY = 1024;

    /** The defaults. */
    public static final RunSettings DEFAULTS = new RunSettings(
            new ExecutionMode.FanOutJoin(DEFAULT_MAX_CONCURRENCY),
            RetryPolicy.noRetries(),
            List.of(),
            false,
            new EventProfile.Normal());

    public RunSettings {
        Objects.requireNonNull(mode, "mode");
        if (mode instanceof ExecutionMode.FanOutJoin f && f.maxConcurrency() > MAX_CONCURRENCY) {
            throw SpecException.unplaced(
                    "/settings/max_concurrency",
                    SpecCode.OUT_OF_RANGE,
                    "max_concurrency must be at most " + MAX_CONCURRENCY);
        }
        Objects.requireNonNull(retry, "retry");
        skipTags = List.copyOf(Objects.requireNonNull(skipTags, "skip_tags"));
        Objects.requireNonNull(events, "events");
    }

    /** These settings with {@code dry_run} on. */
    public RunSettings withDryRun(boolean value) {
        return new RunSettings(mode, retry, skipTags, value, events);
    }
}
