package dev.cairn.machine.config;

import dev.cairn.json.wire.WireDefault;
import dev.cairn.machine.meta.Tag;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Seed {@code config::RunConfig}: run-level execution policy, captured in the manifest.
 *
 * @param ioMode live IO or replay-only IO
 * @param retryPolicy retries of retryable failures
 * @param eventProfile domain-event verbosity
 * @param executionMode scheduler policy for ready states
 * @param contextCheckpointing policy for persisting context snapshots
 * @param replayMissingFactRetryable whether replay's missing-fact errors are retryable (default
 *     false)
 * @param skipTags states with any of these tags may be skipped (e.g. {@code apply_side_effect} for
 *     a dry run)
 * @param nixFlakeAllowlist allowlisted flake prefixes for {@code nix.exec} preflight resolution;
 *     {@code #[serde(default)]}: absent (or {@code null} from Java) means {@link
 *     #defaultNixFlakeAllowlist()}
 */
public record RunConfig(
        IoMode ioMode,
        RetryPolicy retryPolicy,
        EventProfile eventProfile,
        ExecutionMode executionMode,
        ContextCheckpointing contextCheckpointing,
        boolean replayMissingFactRetryable,
        List<Tag> skipTags,
        @WireDefault List<String> nixFlakeAllowlist) {

    public RunConfig {
        Objects.requireNonNull(ioMode, "io_mode");
        Objects.requireNonNull(retryPolicy, "retry_policy");
        Objects.requireNonNull(eventProfile, "event_profile");
        Objects.requireNonNull(executionMode, "execution_mode");
        Objects.requireNonNull(contextCheckpointing, "context_checkpointing");
        skipTags = List.copyOf(Objects.requireNonNull(skipTags, "skip_tags"));
        nixFlakeAllowlist = nixFlakeAllowlist == null ? defaultNixFlakeAllowlist() : List.copyOf(nixFlakeAllowlist);
    }

    /** Seed {@code config::default_nix_flake_allowlist}: {@code ["github:willyrgf/mfm"]}. */
    public static List<String> defaultNixFlakeAllowlist() {
        return List.of("github:willyrgf/mfm");
    }

    /**
     * A builder with named defaults: {@link IoMode#LIVE}, {@link RetryPolicy#noRetries()}, {@link
     * EventProfile.Normal}, {@link ExecutionMode.Sequential}, {@link
     * ContextCheckpointing.AfterEveryState} (the seed's stated default), missing facts not
     * retryable (the seed's stated default), no skip tags, {@link #defaultNixFlakeAllowlist()}.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link RunConfig}; not thread-safe. */
    public static final class Builder {
        private IoMode ioMode = IoMode.LIVE;
        private RetryPolicy retryPolicy = RetryPolicy.noRetries();
        private EventProfile eventProfile = new EventProfile.Normal();
        private ExecutionMode executionMode = new ExecutionMode.Sequential();
        private ContextCheckpointing contextCheckpointing = new ContextCheckpointing.AfterEveryState();
        private boolean replayMissingFactRetryable = false;
        private List<Tag> skipTags = List.of();
        private List<String> nixFlakeAllowlist = defaultNixFlakeAllowlist();

        private Builder() {}

        public Builder ioMode(IoMode value) {
            this.ioMode = Objects.requireNonNull(value, "io_mode");
            return this;
        }

        public Builder retryPolicy(RetryPolicy value) {
            this.retryPolicy = Objects.requireNonNull(value, "retry_policy");
            return this;
        }

        public Builder eventProfile(EventProfile value) {
            this.eventProfile = Objects.requireNonNull(value, "event_profile");
            return this;
        }

        public Builder executionMode(ExecutionMode value) {
            this.executionMode = Objects.requireNonNull(value, "execution_mode");
            return this;
        }

        public Builder contextCheckpointing(ContextCheckpointing value) {
            this.contextCheckpointing = Objects.requireNonNull(value, "context_checkpointing");
            return this;
        }

        public Builder replayMissingFactRetryable(boolean value) {
            this.replayMissingFactRetryable = value;
            return this;
        }

        public Builder skipTags(Collection<Tag> value) {
            this.skipTags = List.copyOf(value);
            return this;
        }

        public Builder nixFlakeAllowlist(Collection<String> value) {
            this.nixFlakeAllowlist = List.copyOf(value);
            return this;
        }

        public RunConfig build() {
            return new RunConfig(
                    ioMode,
                    retryPolicy,
                    eventProfile,
                    executionMode,
                    contextCheckpointing,
                    replayMissingFactRetryable,
                    skipTags,
                    nixFlakeAllowlist);
        }
    }
}
