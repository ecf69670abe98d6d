package dev.cairn.machine.config;

import static dev.cairn.machine.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.json.wire.Wire;
import dev.cairn.machine.meta.DependencyStrategy;
import dev.cairn.machine.meta.Idempotency;
import dev.cairn.machine.meta.SideEffectKind;
import dev.cairn.machine.meta.StandardTags;
import dev.cairn.machine.meta.StateMeta;
import dev.cairn.machine.meta.Tag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigTest {

    private static final String CONFIG =
            """
            {"io_mode":"Live","retry_policy":{"max_attempts":1,"backoff":{"Fixed":{"delay":{"secs":0,"nanos":0}}}},
             "event_profile":"Normal","execution_mode":"Sequential","context_checkpointing":"AfterEveryState",
             "replay_missing_fact_retryable":false,"skip_tags":[]}""";

    @Test
    void anAbsentFlakeAllowlistIsTheSeedsDefault() {
        assertThat(RunConfig.defaultNixFlakeAllowlist()).containsExactly("github:willyrgf/mfm");
        assertThat(Wire.read(CONFIG, RunConfig.class).nixFlakeAllowlist()).containsExactly("github:willyrgf/mfm");
        String empty = CONFIG.replace("\"skip_tags\":[]", "\"skip_tags\":[],\"nix_flake_allowlist\":[]");
        assertThat(Wire.read(empty, RunConfig.class).nixFlakeAllowlist()).isEmpty();
        assertThat(Wire.read(CONFIG, RunConfig.class))
                .isEqualTo(RunConfig.builder().build());
    }

    @Test
    void theBuilderHasNamedDefaults() {
        RunConfig config = RunConfig.builder().build();
        assertThat(config.ioMode()).isEqualTo(IoMode.LIVE);
        assertThat(config.retryPolicy()).isEqualTo(RetryPolicy.noRetries());
        assertThat(config.eventProfile()).isEqualTo(new EventProfile.Normal());
        assertThat(config.executionMode()).isEqualTo(new ExecutionMode.Sequential());
        assertThat(config.contextCheckpointing()).isEqualTo(new ContextCheckpointing.AfterEveryState());
        assertThat(config.replayMissingFactRetryable()).isFalse();
        assertThat(config.skipTags()).isEmpty();
        RunConfig dryRun = RunConfig.builder()
                .ioMode(IoMode.REPLAY)
                .skipTags(List.of(new Tag(StandardTags.APPLY_SIDE_EFFECT)))
                .replayMissingFactRetryable(true)
                .build();
        assertThat(dryRun.skipTags()).containsExactly(new Tag("apply_side_effect"));
        assertThat(dryRun.ioMode()).isEqualTo(IoMode.REPLAY);
    }

    @Test
    void backoffFollowsTheReferenceRuntime() {
        BackoffPolicy fixed = new BackoffPolicy.Fixed(Duration.ofMillis(250));
        assertThat(fixed.delayAfter(0)).isEqualTo(Duration.ofMillis(250));
        assertThat(fixed.delayAfter(9)).isEqualTo(Duration.ofMillis(250));
        BackoffPolicy exp = new BackoffPolicy.Exponential(Duration.ofSeconds(1), Duration.ofSeconds(60));
        assertThat(exp.delayAfter(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(exp.delayAfter(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(exp.delayAfter(5)).isEqualTo(Duration.ofSeconds(32));
        assertThat(exp.delayAfter(6)).isEqualTo(Duration.ofSeconds(60));
        assertThat(exp.delayAfter(1_000)).isEqualTo(Duration.ofSeconds(60));
        assertThat(exp.delayAfter(-3)).isEqualTo(Duration.ofSeconds(1));
        BackoffPolicy huge = new BackoffPolicy.Exponential(Duration.ofSeconds(Long.MAX_VALUE / 2), Duration.ofDays(1));
        assertThat(huge.delayAfter(31)).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void maxAttemptsCountsTheFirstAttempt() {
        BackoffPolicy none = new BackoffPolicy.Fixed(Duration.ZERO);
        RetryPolicy three = new RetryPolicy(3, none);
        assertThat(List.of(0, 1, 2, 3).stream().map(three::permitsAttempt)).containsExactly(true, true, true, false);
        assertThat(new RetryPolicy(0, none).permitsAttempt(0)).isTrue();
        assertThat(new RetryPolicy(0, none).permitsAttempt(1)).isFalse();
        assertThat(RetryPolicy.noRetries().permitsAttempt(1)).isFalse();
        assertThat(three.permitsAttempt(-1)).isFalse();
    }

    @Test
    void javaConstructorsRefuseWhatTheWireRefuses() {
        assertThatThrownBy(() -> new RetryPolicy(-1, RetryPolicy.noRetries().backoff()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max_attempts");
        assertThatThrownBy(() -> new BackoffPolicy.Fixed(Duration.ofSeconds(-1)))
                .hasMessageContaining("delay must not be negative");
        assertThatThrownBy(() -> new BackoffPolicy.Exponential(Duration.ZERO, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("max_delay");
        assertThatThrownBy(() -> new ExecutionMode.FanOutJoin(0)).hasMessageContaining("at least 1");
    }

    @Test
    void stateMetaBuilderNeedsTheSideEffectClassification() {
        StateMeta meta = StateMeta.builder(SideEffectKind.READ_ONLY_IO)
                .tag(StandardTags.FETCH_DATA)
                .build();
        assertThat(meta)
                .isEqualTo(new StateMeta(
                        List.of(new Tag("fetch_data")),
                        List.of(),
                        DependencyStrategy.LATEST,
                        SideEffectKind.READ_ONLY_IO,
                        new Idempotency.None()));
        assertThatThrownBy(() -> StateMeta.builder(null)).hasMessage("side_effects");
    }

    @Test
    void recordsCopyTheirLists() {
        List<Tag> tags = new ArrayList<>(List.of(new Tag("a")));
        StateMeta meta =
                new StateMeta(tags, tags, DependencyStrategy.LATEST, SideEffectKind.PURE, new Idempotency.None());
        tags.add(new Tag("b"));
        assertThat(meta.tags()).containsExactly(new Tag("a"));
        assertThatThrownBy(() -> meta.tags().add(new Tag("c"))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theManifestCopiesItsInputs() {
        var params = (com.fasterxml.jackson.databind.node.ObjectNode) json("{\"n\":1}");
        RunManifest manifest = new RunManifest(
                dev.cairn.machine.ids.OpId.of("op"),
                "1",
                params,
                RunConfig.builder().build(),
                BuildProvenance.empty());
        params.put("n", 2);
        assertThat(manifest.inputParams()).isEqualTo(json("{\"n\":1}"));
    }
}
